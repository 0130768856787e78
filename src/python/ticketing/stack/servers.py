"""The servers the platform needs, found or started locally.

Used by the one-command stack and by the test harness: a URL from the environment wins;
otherwise the local default if it answers; for MongoDB an embedded SecantusDB
(a MongoDB-wire server on WiredTiger) is started as a child process.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Self
from urllib.parse import urlsplit

DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

HOW_TO_START = {
    "RabbitMQ": "start it with `rabbitmq-server -detached` (or `docker compose -f "
    "deploy/docker/compose.yaml up -d rabbitmq`), or set RABBITMQ_URL",
    "Redis": "start it with `redis-server --daemonize yes --port 6379 --save '' --appendonly no`"
    " (or `docker compose -f deploy/docker/compose.yaml up -d redis`), or set REDIS_URL",
}
# The servers that are found, never started here: name -> (the variable naming its URL, default).
REQUIRED = {
    "RabbitMQ": ("RABBITMQ_URL", DEFAULT_RABBITMQ_URL),
    "Redis": ("REDIS_URL", DEFAULT_REDIS_URL),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str, timeout: float = 1.0) -> bool:
    """True if something accepts TCP connections at the URL's host and port."""
    parts = urlsplit(url)
    default = {"amqp": 5672, "amqps": 5671, "redis": 6379, "rediss": 6379, "mongodb": 27017}
    port = parts.port or default.get(parts.scheme, 80)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def required_urls(env: Mapping[str, str]) -> dict[str, str]:
    """The URL of each required server, by name: from ``env``, else the local default."""
    return {name: env.get(variable) or default for name, (variable, default) in REQUIRED.items()}


def missing_servers(env: Mapping[str, str]) -> list[str]:
    """A line per required server that does not answer, saying how to get it."""
    return [
        f"{name} does not answer at {url}: {HOW_TO_START[name]}"
        for name, url in required_urls(env).items()
        if not answers(url)
    ]


def wait_until_answers(
    url: str, timeout: float, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while not answers(url, 0.2):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing answers at {url} after {timeout:.0f}s")
        time.sleep(0.1)


def stop_process(process: subprocess.Popen[bytes] | None, grace: float = 10) -> None:
    """SIGTERM a running process; SIGKILL it if it has not exited after ``grace`` seconds."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def python_env() -> dict[str, str]:
    """Environment for a child Python that must import exactly what this process imports."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


@dataclass
class ChildServer:
    """A server in a child process on a free local port: started, waited for, stopped.

    Subclasses say how to run it (``command``) and where it answers (``url``).
    """

    TITLE: ClassVar[str] = "server"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, log_path: Path | None = None, attempts: int = 3) -> Self:
        self.log_path = log_path
        for _ in range(attempts):
            process = self._spawn(log_path)
            with contextlib.suppress(RuntimeError):  # it exited before answering
                wait_until_answers(self.url, 30, process)
                time.sleep(0.2)  # a port lost to a race shows as our child exiting at once
            if process.poll() is None:
                return self
            self.port = free_port()
        where = f"; see {log_path}" if log_path else ""
        raise RuntimeError(f"the {self.TITLE} did not start{where}")

    def _spawn(self, log_path: Path | None) -> subprocess.Popen[bytes]:
        out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command(),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=python_env(),
            start_new_session=True,  # Ctrl-C goes to the stack, which stops us in order
        )
        return self.process

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def restart(self) -> None:
        """Start again on the same port (and storage): its clients keep their URL."""
        wait_until_answers(self.url, 30, self._spawn(self.log_path))

    def stop(self) -> None:
        stop_process(self.process)


@dataclass
class EmbeddedMongo(ChildServer):
    """A SecantusDB server in a child process; ``storage`` is a directory or ``:memory:``."""

    TITLE: ClassVar[str] = "embedded MongoDB-wire server (SecantusDB)"
    storage: str = ":memory:"

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def command(self) -> list[str]:
        if self.storage != ":memory:":
            Path(self.storage).mkdir(parents=True, exist_ok=True)
        port = ["--port", str(self.port)]
        command = [sys.executable, "-m", "secantus", *port, "--storage-path", self.storage]
        if self.storage != ":memory:":  # durable: an acknowledged write survives a crash
            command.append("--sync-on-commit")
        return command
