"""The git adapter: the repository root, refs, the changed files and their contents."""

from __future__ import annotations

import subprocess
from pathlib import Path

from affected.errors import UsageError
from affected.process import run

# Tried in this order when no `--since` is given.
MAIN_BRANCHES = ("origin/main", "main", "origin/master", "master")


def toplevel(start: Path) -> Path:
    """The root of the git repository containing `start`."""
    proc = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=start,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise UsageError(f"{start} is not inside a git repository")
    return Path(proc.stdout.strip())


class Git:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, *args: str) -> str:
        """stdout of `git args`; a failure is a ToolError."""
        return run(["git", *args], self.root, "git")

    def try_(self, *args: str) -> str | None:
        """stdout of `git args`, or None where git fails."""
        proc = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, check=False
        )
        return proc.stdout if proc.returncode == 0 else None

    def commit_of(self, ref: str) -> str:
        sha = self.try_("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if not sha:
            raise UsageError(f"unknown git ref {ref!r} (try `git fetch`, or name a branch or sha)")
        return sha.strip()

    def main_branch(self) -> str:
        for ref in MAIN_BRANCHES:
            if self.try_("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"):
                return ref
        raise UsageError("no main branch found (origin/main, main); pass --since REF")

    def merge_base(self, ref: str, commit: str) -> str:
        """The merge base of HEAD and `commit` (which `ref` names, for the error)."""
        base = self.try_("merge-base", "HEAD", commit)
        if not base:
            raise UsageError(f"HEAD and {ref!r} have no common ancestor")
        return base.strip()

    def dirty_paths(self) -> list[str]:
        out = self("status", "--porcelain", "--untracked-files=all")
        return [line[3:] for line in out.splitlines() if line.strip()]

    def show(self, commit: str, path: str) -> str | None:
        """The file at a commit, or None where it does not exist there."""
        return self.try_("show", f"{commit}:{path}")

    def changed_files(self, base: str, working_tree: bool) -> dict[str, str]:
        """path -> status letter (A, M, D, ...), the same set Pants' --changed-since sees.

        With `working_tree`, the uncommitted changes against HEAD, untracked files included;
        otherwise the commits from `base` to HEAD.
        """
        files: dict[str, str] = {}
        commits = ["HEAD"] if working_tree else [base, "HEAD"]
        out = self("diff", "--name-status", "--no-renames", *commits, "--")
        for line in out.splitlines():
            status, _, path = line.partition("\t")
            files[path] = status[:1]
        if working_tree:
            untracked = self("ls-files", "--others", "--exclude-standard", "--full-name")
            for path in untracked.splitlines():
                files.setdefault(path, "A")
        return files
