"""What a load run prints and writes: per request name its count, failures, throughput and
latency percentiles, from Locust's statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from locust.runners import ExceptionDict
from locust.stats import RequestStats, StatsEntry

PERCENTILES = (0.5, 0.95, 0.99)


@dataclass
class Row:
    method: str
    name: str
    requests: int
    failures: int
    rps: float
    p50: float  # milliseconds, as are p95 and p99
    p95: float
    p99: float

    @classmethod
    def of(cls, entry: StatsEntry) -> Row:
        p50, p95, p99 = (float(entry.get_response_time_percentile(p) or 0) for p in PERCENTILES)
        return cls(
            method=str(entry.method or ""),
            name=str(entry.name),
            requests=entry.num_requests,
            failures=entry.num_failures,
            rps=entry.total_rps,
            p50=p50,
            p95=p95,
            p99=p99,
        )


@dataclass
class Summary:
    rows: list[Row]
    total: Row
    errors: list[str] = field(default_factory=list)  # "count x method name: error"
    never_ran: list[str] = field(default_factory=list)  # request names nobody made

    @classmethod
    def of(
        cls, stats: RequestStats, exceptions: dict[int, ExceptionDict], names: Sequence[str]
    ) -> Summary:
        rows = sorted((Row.of(e) for e in stats.entries.values()), key=lambda r: r.name)
        errors = [
            f"{error.occurrences} x {error.method} {error.name}: {error.error}"
            for error in stats.errors.values()
        ]
        errors += [f"{exc['count']} x a task raised {exc['msg']}" for exc in exceptions.values()]
        total = Row.of(stats.total)
        total.failures += sum(exc["count"] for exc in exceptions.values())
        made = {row.name for row in rows if row.requests}
        return cls(rows, total, errors, [name for name in names if name not in made])

    @property
    def fail_ratio(self) -> float:
        return self.total.failures / self.total.requests if self.total.requests else 1.0

    def table(self) -> str:
        head = f"{'request':<44}{'count':>7}{'fails':>7}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}"
        lines = [head + "  (latency in ms)", "-" * len(head)]
        for row in [*self.rows, self.total]:
            label = f"{row.method} {row.name}" if row is not self.total else "all requests"
            lines.append(
                f"{label[:43]:<44}{row.requests:>7}{row.failures:>7}{row.rps:>8.1f}"
                f"{row.p50:>7.0f}{row.p95:>7.0f}{row.p99:>7.0f}"
            )
        lines.append(f"failures: {self.total.failures} of {self.total.requests}")
        lines += [f"  {error}" for error in self.errors]
        lines.append(f"never ran: {', '.join(self.never_ran) or 'none'}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": [asdict(row) for row in self.rows],
            "total": asdict(self.total),
            "fail_ratio": self.fail_ratio,
            "errors": self.errors,
            "never_ran": self.never_ran,
        }
