"""The load generator and the flash sale as a stranger runs them: each as its own process,
briefly, against the whole platform behind the edge with its default limits."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ticketing.stack.edge import Edge
from ticketing.stack.servers import python_env
from ticketing.testing.platform import platform_processes
from ticketing.testing.real_servers import Servers

# Every kind of call the load generator's users make (this process must not import Locust,
# which patches the standard library for gevent).
TASKS = ("sign up", "browse", "search", "view ticket", "sell", "reserve", "pay", "cancel")


@pytest.fixture(scope="module")
def gateway(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    logs = tmp_path_factory.mktemp("logs")
    with platform_processes(servers, logs) as running:
        edge = Edge(running.urls(), logs / "edge").start()
        try:
            yield edge.url
        finally:
            edge.stop()


def run(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", module, *args]
    done = subprocess.run(command, env=python_env(), capture_output=True, text=True, timeout=180)
    print(done.stdout, done.stderr)  # shown when the test fails
    return done


def test_a_short_load_runs_every_task_with_no_failure(gateway: str, tmp_path: Path) -> None:
    summary_path = tmp_path / "summary.json"
    done = run(
        "load.run",
        *("--host", gateway, "--users", "6", "--spawn-rate", "6", "--run-time", "20s"),
        *("--wait", "0.2", "1", "--json", str(summary_path)),
    )
    assert done.returncode == 0
    summary = json.loads(summary_path.read_text())
    assert summary["total"]["failures"] == 0
    assert summary["errors"] == []
    assert summary["never_ran"] == []
    ran = {row["name"] for row in summary["rows"] if row["requests"] > 0}
    assert set(TASKS) <= ran, f"tasks that never ran: {set(TASKS) - ran}"
    assert "all requests" in done.stdout
    assert "failures: 0 of" in done.stdout


def test_a_flash_sale_has_exactly_one_winner(gateway: str) -> None:
    done = run("load.flash_sale", "--host", gateway, "--buyers", "30")
    assert done.returncode == 0
    assert "winners: 1 (order " in done.stdout
    assert "answers: 1 x 201, 29 x 409" in done.stdout


def test_no_platform_is_a_failure_that_says_how_to_start_one() -> None:
    for module in ("load.run", "load.flash_sale"):
        done = run(module, "--host", "http://127.0.0.1:9")
        assert done.returncode == 1
        assert "./pants run src/python/ticketing/stack:up" in done.stderr
