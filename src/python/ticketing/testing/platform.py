"""The platform's processes for tests and benchmarks, started the way stack:up starts them:
the Stripe stand-in as its own process, then every service (the web front end too), each on a
free port, all sharing one slice of every server made for the run (``isolation``)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from ticketing.stack import stripe_standin
from ticketing.stack.processes import Services
from ticketing.testing.fixtures import env_from, isolation, remove_isolation
from ticketing.testing.real_servers import Servers


@dataclass
class RunningPlatform:
    services: Services
    env: dict[str, str]  # what every process was started with

    def urls(self) -> dict[str, str]:
        return self.services.urls()


@contextlib.contextmanager
def platform_processes(servers: Servers, log_dir: Path, **env: str) -> Iterator[RunningPlatform]:
    """Start everything, yield it ready, stop it and remove its databases and queues."""
    tag = f"p{uuid4().hex[:10]}"
    standin = stripe_standin.StripeStandInProcess().start(log_path=log_dir / "stripe.log")
    config = {
        **env_from(isolation(servers, tag)),
        **stripe_standin.configuration(standin.url),
        **env,
    }
    services = Services(log_dir)
    try:
        services.start(config)
        services.wait_ready()
        yield RunningPlatform(services, config)
    finally:
        services.stop()
        standin.stop()
        # From a thread of its own: the caller may have an event loop running on this one.
        cleanup = threading.Thread(target=asyncio.run, args=(remove_isolation(servers, tag),))
        cleanup.start()
        cleanup.join()
