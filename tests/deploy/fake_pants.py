"""A stand-in Pants launcher for the affected-images tests: canned output per goal, calls logged.

The launcher is a shell script: its first argument that is not a flag is the goal, and it prints
(and exits with) what `respond` set for that goal, or nothing with exit 0.
"""

from __future__ import annotations

from pathlib import Path

SCRIPT = """\
#!/bin/sh
here=$(dirname "$0")
echo "$*" >> "$here/calls.log"
for arg; do case "$arg" in -*) ;; *) goal=$arg; break;; esac; done
cat "$here/$goal.out" 2>/dev/null
cat "$here/$goal.err" >&2 2>/dev/null
exit "$(cat "$here/$goal.exit" 2>/dev/null || echo 0)"
"""


class FakePants:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.launcher = directory / "pants"
        self.launcher.write_text(SCRIPT)
        self.launcher.chmod(0o755)

    def respond(self, goal: str, stdout: str = "", stderr: str = "", exit_code: int = 0) -> None:
        (self.directory / f"{goal}.out").write_text(stdout)
        (self.directory / f"{goal}.err").write_text(stderr)
        (self.directory / f"{goal}.exit").write_text(f"{exit_code}\n")

    def calls(self) -> list[str]:
        """The argument lists it was called with, each joined by spaces."""
        log = self.directory / "calls.log"
        return log.read_text().splitlines() if log.is_file() else []
