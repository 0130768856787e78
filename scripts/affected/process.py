"""Running git or Pants: the output on success, a ToolError with the cause otherwise."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from affected.errors import ToolError

# Pants' generic advice after every error: dropped from our message to keep the cause visible.
_BOILERPLATE = ("Use --print-stacktrace", "See https://www.pantsbuild.org", "Consider reaching out")
# Lines of the failing command's output kept in the message.
_TAIL_LINES = 25


def run(argv: Sequence[str], cwd: Path, what: str) -> str:
    """stdout of `argv` run in `cwd`; `what` names the tool in the error."""
    try:
        proc = subprocess.run(list(argv), cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as e:
        raise ToolError(f"{what}: cannot run {argv[0]}: {e}") from e
    if proc.returncode != 0:
        lines = [
            line
            for line in (proc.stderr or proc.stdout).strip().splitlines()
            if not line.startswith(_BOILERPLATE) and "DEPRECATED" not in line
        ]
        tail = "\n".join(lines[-_TAIL_LINES:])
        raise ToolError(f"{what} failed (exit {proc.returncode}): {' '.join(argv)}\n{tail}")
    return proc.stdout
