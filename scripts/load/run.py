"""Load the platform through its gateway with Locust users who walk the user story.

Headless: ``--users`` users of ``shopper.py`` for ``--run-time``, then the throughput, latency
percentiles and failures per request name; exit 1 if failures are above ``--max-fail-ratio``.

    ./pants run scripts/load:locust -- --users 50 --spawn-rate 10 --run-time 1m \\
        --host http://127.0.0.1:8080
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import locust  # importing it patches the standard library for gevent
from locust import between
from locust.env import Environment
from locust.util.timespan import parse_timespan

from load.shopper import TASKS, Shopper
from load.summary import Summary
from ticketing.stack import story


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--host", default="http://127.0.0.1:8080", help="the gateway")
    parser.add_argument("--users", type=int, default=20, help="simultaneous users")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started a second")
    parser.add_argument("--run-time", default="30s", help="e.g. 45s, 1m, 1h30m")
    parser.add_argument(
        "--wait",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="seconds a user pauses between tasks (default: 1 3)",
    )
    parser.add_argument(
        "--max-fail-ratio",
        type=float,
        default=0.0,
        help="exit 1 if more than this share of requests failed (default 0: any failure)",
    )
    parser.add_argument("--json", type=Path, help="also write the summary here, as JSON")
    return parser.parse_args(argv)


def reachable(host: str) -> str | None:
    """None if the gateway answers, else why not."""
    try:
        with urllib.request.urlopen(f"{host}/api/tickets?limit=1", timeout=10) as response:
            return None if response.status == 200 else f"it answered {response.status}"
    except (urllib.error.URLError, OSError) as exc:
        return str(exc)


def run(args: argparse.Namespace) -> Summary:
    Shopper.wait_time = between(*args.wait)
    environment = Environment(user_classes=[Shopper], host=args.host)
    runner = environment.create_local_runner()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    runner.greenlet.join(timeout=parse_timespan(args.run_time))
    runner.quit()
    return Summary.of(environment.stats, runner.exceptions, TASKS)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if problem := reachable(args.host):
        print(story.no_platform(args.host, problem), file=sys.stderr)
        return 1
    print(
        f"{args.users} users (started {args.spawn_rate:g} a second) for {args.run_time} "
        f"against {args.host} (locust {locust.__version__})",
        flush=True,
    )
    summary = run(args)
    print(summary.table(), flush=True)
    if args.json:
        args.json.write_text(json.dumps(summary.as_json(), indent=2))
    if summary.fail_ratio > args.max_fail_ratio:
        print(f"FAILED: failure ratio {summary.fail_ratio:.3f} > {args.max_fail_ratio}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
