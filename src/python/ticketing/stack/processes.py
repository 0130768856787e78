"""The services as child processes: start them, wait until each is ready, restart one that
fails, stop them all.

Used by the one-command stack and by the cross-service tests, so both run the services the
same way: one process each, the same interpreter and import path as this one.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ticketing.shared.settings import PORTS
from ticketing.stack.servers import free_port, python_env

SERVICES = tuple(PORTS)  # the one list of services (shared/services.py), in start-up order


class ServiceFailed(RuntimeError):
    pass


@dataclass
class RestartPolicy:
    """A child that exits is restarted after a delay that doubles with each recent failure;
    ``limit`` failures within ``window`` seconds mean it cannot run, and the stack stops."""

    limit: int = 5
    window: float = 60.0
    first_delay: float = 0.5
    failures: list[float] = field(default_factory=list)

    def delay_after_failure(self, now: float) -> float | None:
        """Record a failure at ``now``: seconds to wait before restarting, or None: give up."""
        self.failures = [t for t in self.failures if now - t < self.window] + [now]
        if len(self.failures) >= self.limit:
            return None
        return self.first_delay * 2 ** (len(self.failures) - 1)


@dataclass
class ServiceProcess:
    name: str
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    restart_at: float | None = None  # when a failed process is due to be started again

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, env: Mapping[str, str]) -> None:
        log = self.log_path.open("ab")
        command = [sys.executable, "-c", f"from ticketing.{self.name}.app import run; run()"]
        self.process = subprocess.Popen(
            command,
            env={**env, "PORT": str(self.port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the stack, which stops us in order
        )
        log.close()

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def ready(self) -> bool:
        """Our child answers on its port (not another process that took it) and is ready."""
        try:
            health = httpx.get(f"{self.url}/healthz", timeout=1.0)
            if self.process is None or health.json().get("pid") != self.process.pid:
                return False
            return httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200
        except (httpx.TransportError, ValueError):
            return False

    def lost_its_port(self) -> bool:
        return "address already in use" in self.log_tail(5).lower()


@dataclass
class Services:
    log_dir: Path
    ports: Mapping[str, int] | None = None  # None: free ports, found again if one is taken
    names: tuple[str, ...] = SERVICES  # which to run (a benchmark may want one)
    members: list[ServiceProcess] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def start(self, env: Mapping[str, str] | None = None) -> Services:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.env = {**python_env(), **(env or {})}
        for name in self.names:
            port = self.ports[name] if self.ports else free_port()
            member = ServiceProcess(name, port, self.log_dir / f"{name}.log")
            member.start(self.env)
            self.members.append(member)
        return self

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        waiting = list(self.members)
        while waiting:
            self.check_alive(restart_on_port_clash=True)
            waiting = [member for member in waiting if not member.ready()]
            if waiting and time.monotonic() > deadline:
                names = ", ".join(m.name for m in waiting)
                tails = "\n".join(f"--- {m.name}:\n{m.log_tail()}" for m in waiting)
                raise ServiceFailed(f"not ready after {timeout:.0f} s: {names}\n{tails}")
            time.sleep(0.2)

    def check_alive(self, restart_on_port_clash: bool = False) -> None:
        """Restart any service that exited; raise ServiceFailed once one keeps failing."""
        now = time.monotonic()
        for member in self.members:
            code = member.exited()
            if code is None:
                continue
            if member.restart_at is not None:
                if now >= member.restart_at:
                    member.restart_at = None
                    member.start(self.env)
                continue
            if restart_on_port_clash and not self.ports and member.lost_its_port():
                # A free port can be taken by someone else between finding it and binding it.
                member.port = free_port()
                member.start(self.env)
                continue
            delay = member.policy.delay_after_failure(now)
            if delay is None:
                raise ServiceFailed(
                    f"{member.name} exited with code {code}, {member.policy.limit} times within"
                    f" {member.policy.window:.0f} s; its log ends:\n{member.log_tail()}"
                )
            print(
                f"ticketing stack: {member.name} exited with code {code}; restarting in"
                f" {delay:.1f} s; its log ends:\n{member.log_tail(10)}",
                file=sys.stderr,
                flush=True,
            )
            member.restart_at = now + delay

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM every service, then SIGKILL whatever is still there after ``grace``."""
        running = [m.process for m in self.members if m.process and m.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def urls(self) -> dict[str, str]:
        return {member.name: member.url for member in self.members}
