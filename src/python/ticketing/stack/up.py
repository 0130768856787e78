"""Run the whole platform on this machine: ``./pants run src/python/ticketing/stack:up``.

Every service runs as its own process behind a gateway on http://127.0.0.1:8080 that routes
the HTTP prefixes as the Ingress does in the cluster. Embedded defaults stand in for what is
not configured: a SecantusDB MongoDB-wire server when MONGODB_URL is unset, the embedded
identity and permission engine when Ory is not configured, the Stripe stand-in when no
Stripe key is set. RabbitMQ and Redis must answer at RABBITMQ_URL / REDIS_URL (default: the
local ones). Ctrl-C or SIGTERM stops everything; so does any service dying.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path
from types import FrameType

import uvicorn

from ticketing.stack.gateway import Gateway
from ticketing.stack.processes import DEFAULT_PORTS, PREFIXES, SERVICES, ServiceFailed, Services
from ticketing.stack.servers import (
    DEFAULT_RABBITMQ_URL,
    DEFAULT_REDIS_URL,
    HOW_TO_START,
    EmbeddedMongo,
    answers,
)


class Stop(Exception):
    """SIGTERM: stop as cleanly as on Ctrl-C."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Stop


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the Ticketing platform on this machine.")
    parser.add_argument("--port", type=int, default=8080, help="gateway port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="gateway address")
    parser.add_argument("--state-dir", type=Path, default=Path(".stack"), help="data and logs")
    parser.add_argument(
        "--ephemeral", action="store_true", help="keep the embedded MongoDB in memory only"
    )
    parser.add_argument(
        "--service-ports",
        choices=["fixed", "auto"],
        default="fixed",
        help="fixed: 8001-8006 as in the README; auto: any free ports",
    )
    return parser.parse_args(argv)


def missing_servers(env: dict[str, str]) -> list[str]:
    """A line per required server that does not answer, saying how to get it."""
    problems = []
    for name, variable, default in (
        ("RabbitMQ", "RABBITMQ_URL", DEFAULT_RABBITMQ_URL),
        ("Redis", "REDIS_URL", DEFAULT_REDIS_URL),
    ):
        url = env.get(variable) or default
        if not answers(url):
            problems.append(f"{name} does not answer at {url}: {HOW_TO_START[name]}")
    return problems


async def serve_gateway(services: Services, host: str, port: int) -> None:
    """Serve until Ctrl-C/SIGTERM, or until a service dies (then raise ServiceFailed)."""
    routes = {prefix: services.urls()[name] for prefix, name in PREFIXES.items()}
    server = uvicorn.Server(
        uvicorn.Config(Gateway(routes), host=host, port=port, log_level="warning", lifespan="on")
    )
    failure: list[ServiceFailed] = []

    async def watch() -> None:
        while not server.should_exit:
            try:
                services.check_alive()
            except ServiceFailed as exc:
                failure.append(exc)
                server.should_exit = True
            await asyncio.sleep(0.5)

    watcher = asyncio.create_task(watch())
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():  # uvicorn has no "started" event
        await asyncio.wait({serving}, timeout=0.05)
    if server.started:
        bound = server.servers[0].sockets[0].getsockname()[1]
        report(services, f"http://{host}:{bound}")
    await serving
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    if failure:
        raise failure[0]


def report(services: Services, gateway: str) -> None:
    print(f"\nTicketing is ready at {gateway}", flush=True)
    for prefix, name in PREFIXES.items():
        print(f"  {gateway}{prefix:<18} -> {name:<11} {services.urls()[name]}")
    print(
        f"  {'(no HTTP API)':<{len(gateway) + 18}} -> expiration  {services.urls()['expiration']}"
    )
    print(f"  logs in {services.log_dir}/; Ctrl-C stops everything\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    # The embedded parts below are for developer machines: say so explicitly.
    env = {"TICKETING_PROFILE": "dev", **os.environ}
    problems = missing_servers(env)
    if problems:
        print("ticketing stack: cannot start:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    logs = args.state_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    ports = DEFAULT_PORTS if args.service_ports == "fixed" else None  # None: any free ports
    mongo: EmbeddedMongo | None = None
    services = Services(logs, ports)
    try:
        if not env.get("MONGODB_URL"):
            storage = ":memory:" if args.ephemeral else str(args.state_dir / "mongo")
            print(f"starting the embedded MongoDB-wire server (SecantusDB, {storage})", flush=True)
            mongo = EmbeddedMongo(storage=storage).start(log_path=logs / "mongodb.log")
            env["MONGODB_URL"] = mongo.url
        print(f"starting {', '.join(SERVICES)}", flush=True)
        services.start(env)
        services.wait_ready()
        asyncio.run(serve_gateway(services, args.host, args.port))
    except (ServiceFailed, RuntimeError, TimeoutError) as exc:
        print(f"ticketing stack: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Stop):
        pass
    finally:
        print("stopping the services", flush=True)
        services.stop()
        if mongo is not None:
            mongo.stop()
    print("stopped", flush=True)
    return 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
