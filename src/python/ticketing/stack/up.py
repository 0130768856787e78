"""Run the whole platform on this machine: ``./pants run src/python/ticketing/stack:up``.

Every service runs as its own process behind the edge, nginx on http://127.0.0.1:8080, which
routes the HTTP prefixes as the Ingress does in the cluster (one routing table: edge_config.ROUTES).
The services run in the dev profile, so embedded defaults stand in for what is not
configured: a SecantusDB MongoDB-wire server when MONGODB_URL is unset, the embedded identity
and permission engine when Ory is not configured, the Stripe stand-in when no Stripe key is
set, a mail catcher (its page printed at start) when no SMTP_HOST is set. RabbitMQ and
Redis must answer at RABBITMQ_URL / REDIS_URL (default: the local ones). The exchange, queues,
databases and job queues are named after the state directory, so two checkouts' stacks share
those servers without seeing each other.
A service or the embedded server that exits is restarted with backoff; one that fails five
times within a minute, or Ctrl-C, or SIGTERM stops everything.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from ticketing.shared.settings import PORTS, load, local_names
from ticketing.stack import mail_catcher, stripe_standin
from ticketing.stack.edge import Edge
from ticketing.stack.edge_config import ROUTES, EdgeSettings
from ticketing.stack.mail_catcher import MailCatcherProcess
from ticketing.stack.processes import (
    SERVICES,
    RestartPolicy,
    ServiceFailed,
    Services,
)
from ticketing.stack.servers import EmbeddedMongo, free_port, missing_servers, python_env
from ticketing.stack.stripe_standin import StripeStandInProcess
from ticketing.tickets.codes import CodeKeys


class Stop(Exception):
    """SIGTERM: stop as cleanly as on Ctrl-C."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Stop


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the Ticketing platform on this machine.")
    parser.add_argument("--port", type=int, default=8080, help="edge port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="edge address")
    parser.add_argument("--state-dir", type=Path, default=Path(".stack"), help="data and logs")
    parser.add_argument(
        "--ephemeral", action="store_true", help="keep the embedded MongoDB in memory only"
    )
    parser.add_argument(
        "--service-ports",
        choices=["fixed", "auto"],
        default="fixed",
        help="fixed: 8001-8007 as in the README; auto: any free ports",
    )
    parser.add_argument(
        "--load",
        type=int,
        default=0,
        metavar="USERS",
        help="once ready, also run USERS Locust shoppers against the edge (docs/load.md)",
    )
    parser.add_argument("--load-time", default="1m", help="how long they shop (e.g. 45s, 10m)")
    return parser.parse_args(argv)


def start_load(gateway: str, users: int, run_time: str) -> subprocess.Popen[bytes]:
    """The load generator (scripts/load) as a child: its summary prints here when it ends. In
    a session of its own, so Ctrl-C reaches only the stack, which stops it."""
    command = [sys.executable, "-m", "load.run", "--host", gateway, "--users", str(users)]
    command += ["--spawn-rate", str(users), "--run-time", run_time, "--max-fail-ratio", "1"]
    return subprocess.Popen(command, env=python_env(), start_new_session=True)


def serve(
    services: Services, edge: Edge, mongo: EmbeddedMongo | None, mail: MailCatcherProcess | None
) -> None:
    """Run until Ctrl-C/SIGTERM, restarting what exits; raise ServiceFailed when a service or
    the embedded server keeps failing, or the edge dies."""
    report(services, edge.url, mail)
    mongo_policy = RestartPolicy()
    while True:
        if mongo is not None and (code := mongo.exited()) is not None:
            delay = mongo_policy.delay_after_failure(time.monotonic())
            if delay is None:
                raise ServiceFailed(
                    f"the embedded MongoDB-wire server keeps exiting; see {mongo.log_path}"
                )
            print(
                f"ticketing stack: the embedded MongoDB-wire server exited with code {code};"
                f" restarting in {delay:.1f} s",
                file=sys.stderr,
                flush=True,
            )
            time.sleep(delay)
            mongo.restart()
        services.check_alive()
        if not edge.alive():
            raise ServiceFailed(f"the edge (nginx) exited; see {edge.run_dir / 'error.log'}")
        time.sleep(0.5)


def report(services: Services, gateway: str, mail: MailCatcherProcess | None) -> None:
    print(f"\nTicketing is ready at {gateway}", flush=True)
    if mail is not None:
        print(f"  mail (verification and recovery codes): {mail.url}/", flush=True)
    for prefix, name in ROUTES.items():
        print(f"  {gateway}{prefix:<18} -> {name:<11} {services.urls()[name]}")
    print(
        f"  {'(no HTTP API)':<{len(gateway) + 18}} -> expiration  {services.urls()['expiration']}"
    )
    print(f"  logs in {services.log_dir}/; Ctrl-C stops everything\n", flush=True)


def code_keys(state_dir: Path) -> str:
    """This checkout's ticket-code keys, made once and kept in its state directory (ignored by
    git, readable by its owner only), so codes survive a restart of the stack."""
    path = state_dir / "ticket-code-keys.json"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(CodeKeys.generate(f"dev-{state_dir.resolve().name}"))
    return path.read_text()


# What a command-line tool (auth:admin, shared:deadletters) needs to reach this stack's state.
TOOL_VARIABLES = ("TICKETING_PROFILE", "MONGODB_URL", "RABBITMQ_URL", "REDIS_URL")


def write_tool_env(path: Path, env: dict[str, str]) -> None:
    names = [*TOOL_VARIABLES, *local_names(path.parent), "KRATOS_PUBLIC_URL", "KRATOS_ADMIN_URL"]
    names += ["KETO_READ_URL", "KETO_WRITE_URL"]
    path.write_text("".join(f"{name}={env[name]}\n" for name in names if env.get(name)))


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    # The embedded parts below are for developer machines: say so explicitly.
    env = {"TICKETING_PROFILE": "dev", **os.environ, **local_names(args.state_dir, os.environ)}
    problems = missing_servers(env)
    if problems:
        print("ticketing stack: cannot start:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    logs = args.state_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    ports = PORTS if args.service_ports == "fixed" else None  # None: any free ports
    mongo: EmbeddedMongo | None = None
    standin: StripeStandInProcess | None = None
    mail: MailCatcherProcess | None = None
    services = Services(logs, ports)
    edge: Edge | None = None
    load_run: subprocess.Popen[bytes] | None = None
    edge_settings = load(EdgeSettings)  # exits naming a bad EDGE_* variable
    try:
        if not env.get("MONGODB_URL"):
            storage = ":memory:" if args.ephemeral else str(args.state_dir / "mongo")
            print(f"starting the embedded MongoDB-wire server (SecantusDB, {storage})", flush=True)
            mongo = EmbeddedMongo(storage=storage).start(log_path=logs / "mongodb.log")
            env["MONGODB_URL"] = mongo.url
        if not env.get("STRIPE_API_KEY"):
            print("starting the Stripe stand-in (no STRIPE_API_KEY)", flush=True)
            standin = StripeStandInProcess().start(log_path=logs / "stripe.log")
            env.update(stripe_standin.configuration(standin.url))
        if not env.get("TICKET_CODE_KEYS"):
            env["TICKET_CODE_KEYS"] = code_keys(args.state_dir)
        if not env.get("SMTP_HOST"):
            print("starting the mail catcher (no SMTP_HOST)", flush=True)
            # Fixed ports: where kratos.yml's courier and compose's Kratos send mail.
            catcher = (
                MailCatcherProcess(port=1080, smtp_port=1025) if ports else MailCatcherProcess()
            )
            mail = catcher.start(log_path=logs / "mail.log")
            env.update(mail_catcher.configuration(mail.smtp_port))
        port = args.port or free_port()
        env["API_URL"] = f"http://{args.host}:{port}"  # the web front end calls the API there
        print(
            f"starting {', '.join(SERVICES)} on event exchange {env['EVENT_EXCHANGE']},"
            f" databases {env['MONGODB_DATABASE_PREFIX']}_*",
            flush=True,
        )
        write_tool_env(args.state_dir / "stack.env", env)
        services.start(env)
        services.wait_ready()
        run_dir = (args.state_dir / "edge").resolve()
        edge = Edge(services.urls(), run_dir, args.host, port, edge_settings).start()
        if args.load:
            load_run = start_load(edge.url, args.load, args.load_time)
        serve(services, edge, mongo, mail)
    except (ServiceFailed, RuntimeError, TimeoutError) as exc:
        print(f"ticketing stack: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Stop):
        pass
    finally:
        print("stopping the services", flush=True)
        if load_run is not None and load_run.poll() is None:
            load_run.terminate()
            load_run.wait()
        if edge is not None:
            edge.stop()
        services.stop()
        for server in (mail, standin, mongo):
            if server is not None:
                server.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
