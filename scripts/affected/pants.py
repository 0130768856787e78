"""The Pants adapter: the changed targets, their dependents graph, package and publish."""

from __future__ import annotations

import json
import subprocess
import tomllib
from collections.abc import Sequence
from pathlib import Path

from affected.errors import ToolError, UsageError
from affected.graph import Resolves, TargetInfo
from affected.process import run


class Pants:
    def __init__(self, root: Path, launcher: str, extra_args: Sequence[str]) -> None:
        self.root = root
        self.launcher = launcher
        self.extra_args = list(extra_args)

    def __call__(self, *args: str) -> str:
        """stdout of `pants args`; a failure is a ToolError."""
        return run([self.launcher, *self.extra_args, *args], self.root, "pants")

    def changed_targets(self, base: str) -> list[str]:
        """The addresses of the targets owning a file changed since `base`."""
        out = self(f"--changed-since={base}", "list")
        return [line.strip() for line in out.splitlines() if line.strip()]

    def changed_graph(self, base: str) -> dict[str, TargetInfo]:
        """The changed targets and their transitive dependents, by address."""
        out = self(f"--changed-since={base}", "--changed-dependents=transitive", "peek")
        return parse_peek(out)

    def run_goal(self, goal: str, addresses: Sequence[str]) -> None:
        """Run `pants <goal> <addresses>` with its output going to ours."""
        argv = [self.launcher, *self.extra_args, goal, *addresses]
        proc = subprocess.run(argv, cwd=self.root, check=False)
        if proc.returncode != 0:
            raise ToolError(f"pants {goal} failed (exit {proc.returncode}): {' '.join(argv)}")


def parse_peek(out: str) -> dict[str, TargetInfo]:
    """The targets of `pants peek` output (a JSON list; empty output for no target)."""
    try:
        data = json.loads(out) if out.strip() else []
    except json.JSONDecodeError as e:
        raise ToolError(f"pants peek printed no JSON: {e}") from e
    return {
        t["address"]: TargetInfo(
            address=t["address"],
            target_type=t.get("target_type", ""),
            dependencies=list(t.get("dependencies") or []),
            sources=list(t.get("sources") or []),
            requirements=list(t.get("requirements") or []),
            resolve=t.get("resolve"),
        )
        for t in data
    }


def resolves_of(root: Path) -> Resolves:
    """The lockfiles and the default resolve, from pants.toml."""
    try:
        config = tomllib.loads((root / "pants.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"cannot read {root / 'pants.toml'}: {e}") from e
    python = config.get("python", {})
    resolves = python.get("resolves", {}) or {}
    lockfiles = {str(path).lstrip("/"): name for name, path in resolves.items()}
    return Resolves(lockfiles, python.get("default_resolve"))
