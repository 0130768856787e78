"""The one-command platform, started as a user starts it, with the demo run against it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar, get

from ticketing.stack import demo
from ticketing.stack.background import BackgroundServer
from ticketing.stack.processes import ServiceProcess
from ticketing.stack.servers import free_port, python_env
from ticketing.testing.fixtures import env_from


def children_of(pid: int) -> set[int]:
    """Every descendant of ``pid``, from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def embedded_server(stack_pid: int) -> int:
    """The pid of the stack's SecantusDB child."""
    for pid in children_of(stack_pid):
        if b"secantus" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise AssertionError("the stack runs no embedded MongoDB-wire server")


def restarted(url: str, old_pid: int) -> bool:
    """A new process of the service answers and is ready."""
    try:
        if httpx.get(f"{url}/healthz").json()["pid"] == old_pid:
            return False
        return httpx.get(f"{url}/readyz").status_code == 200
    except httpx.TransportError:
        return False


def start_stack(env: dict[str, str], state_dir: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "ticketing.stack.up", "--state-dir", str(state_dir), *extra]
    environment = {**python_env(), **env}
    for own in ("MONGODB_URL", "SMTP_HOST", "SMTP_PORT"):  # the stack starts its own ones
        environment.pop(own, None)
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_the_stack_runs_the_demo_and_stops_clean(isolated: dict[str, Any], tmp_path: Path) -> None:
    stack = start_stack(
        env_from(isolated),
        tmp_path,
        *("--ephemeral", "--port", "0", "--service-ports", "auto"),
        *("--load", "2", "--load-time", "5s"),  # Locust shoppers beside the demo
    )
    check_the_stack(stack, tmp_path)


def check_the_stack(stack: subprocess.Popen[str], state_dir: Path) -> None:
    output: list[str] = []
    gateway = None
    deadline = time.monotonic() + 180
    assert stack.stdout is not None
    while gateway is None and time.monotonic() < deadline:
        line = stack.stdout.readline()
        if not line:
            break
        output.append(line)
        if match := re.search(r"Ticketing is ready at (http://\S+)", line):
            gateway = match.group(1)
    assert gateway, "".join(output)
    while not output[-1].strip().startswith("logs in"):
        output.append(stack.stdout.readline())
    orders = next(line.split()[-1] for line in output if "-> orders" in line)
    mail_page = next(line.split()[-1] for line in output if "mail (verification" in line)

    # A crashed service, and the embedded server, are restarted; the platform carries on.
    crashed = httpx.get(f"{orders}/healthz").json()["pid"]
    os.kill(crashed, signal.SIGKILL)
    os.kill(embedded_server(stack.pid), signal.SIGKILL)
    while not restarted(orders, crashed) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert restarted(orders, crashed)
    descendants = children_of(stack.pid)
    # seven services, the embedded MongoDB-wire server, the Stripe stand-in, the mail
    # catcher and nginx
    assert len(descendants) >= 11

    assert demo.main(["--gateway", gateway]) == 0
    admin_of(gateway, state_dir / "stack.env")
    # The demo's sign-ups were mailed their verification codes, readable on the page.
    assert "Your Ticketing verification code" in httpx.get(mail_page).text
    # The shoppers started beside the demo end their 5 s with a summary, "never ran:" last.
    while not output[-1].startswith("never ran:") and time.monotonic() < deadline:
        output.append(stack.stdout.readline())

    stack.send_signal(signal.SIGTERM)
    rest, _ = stack.communicate(timeout=60)
    everything = "".join(output) + rest
    assert stack.returncode == 0, everything
    assert "orders exited with code -9; restarting in 0.5 s" in everything
    assert "the embedded MongoDB-wire server exited with code -9; restarting" in everything
    assert "stopped" in rest
    assert f"2 users (started 2 a second) for 5s against {gateway}" in everything
    assert re.search(r"^all requests +[1-9]", everything, re.MULTILINE), everything  # its summary
    assert [pid for pid in descendants if alive(pid)] == []


def admin_of(gateway: str, stack_env: Path) -> None:
    """The README's admin command reaches the stack's state with no variable of its own."""
    email = f"admin-{os.getpid()}@example.com"
    account = {"email": email, "password": "correct horse battery staple"}
    signed_up = httpx.post(f"{gateway}/api/users/signup", json=account, timeout=30)
    assert signed_up.status_code == 201, signed_up.text
    command = [sys.executable, "-m", "ticketing.auth.admin", "grant", email]
    command += ["--stack-env", str(stack_env)]
    bare = {k: v for k, v in python_env().items() if k in ("PATH", "PYTHONPATH", "HOME")}
    granted = subprocess.run(command, env=bare, capture_output=True, text=True, timeout=60)
    assert granted.returncode == 0, granted.stderr
    bearer = {"Authorization": f"Bearer {signed_up.json()['token']}"}
    current = httpx.get(f"{gateway}/api/users/currentuser", headers=bearer).json()
    assert current["current_user"]["admin"] is True


def test_the_stack_says_which_server_is_missing_and_leaves_nothing(
    isolated: dict[str, Any], tmp_path: Path
) -> None:
    env = env_from({**isolated, "rabbitmq_url": f"amqp://guest:guest@127.0.0.1:{free_port()}/"})
    stack = start_stack(env, tmp_path, "--ephemeral", "--port", "0")
    out, _ = stack.communicate(timeout=60)
    assert stack.returncode == 1
    assert "RabbitMQ does not answer" in out
    assert "rabbitmq-server -detached" in out
    assert children_of(stack.pid) == set()


async def test_a_process_that_took_our_port_is_not_mistaken_for_our_service(tmp_path: Path) -> None:
    @get("/{path:path}", sync_to_thread=False)
    def anything(path: str) -> dict[str, Any]:  # another orders, say from a parallel test
        return {"status": "ok", "service": "orders", "pid": os.getpid()}

    impostor = BackgroundServer(Litestar([anything]))
    await impostor.start()
    ours = await asyncio.create_subprocess_exec("sleep", "30")  # never binds the port
    try:
        member = ServiceProcess("orders", impostor.port, tmp_path / "orders.log")
        member.process = ours  # type: ignore[assignment]
        assert not await asyncio.to_thread(member.ready)
    finally:
        ours.kill()
        await ours.wait()
        await impostor.stop()
