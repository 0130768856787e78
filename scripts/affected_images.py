#!/usr/bin/env python3
"""Which service images does a change reach?

Asks the Pants dependency graph which `docker_image` targets a change reaches, transitively, and
prints them with the reason (the changed files that reach each one); `--build` / `--publish`
then run `pants package` / `pants publish` on exactly those images.

    scripts/affected_images.py                      # since the merge base with main (clean tree)
    scripts/affected_images.py --since origin/main  # since the merge base with a ref
    scripts/affected_images.py --working-tree       # uncommitted (and untracked) changes only
    scripts/affected_images.py --format json --build

How it works (two Pants invocations):

1. `pants --changed-since=BASE list` gives the targets that own a changed file (Pants' own
   ownership rules: generated targets for live files, target generators for deleted files, every
   target of a changed BUILD file).
2. `pants --changed-since=BASE --changed-dependents=transitive peek` gives those targets plus all
   their transitive dependents, with their types and dependencies. The images are the
   `docker_image` targets reachable from the changed targets in that graph.

Third-party requirements are the exception. Pants sees a lockfile or requirements-file change as
touching every requirement of the resolve (and so every image). Instead the lockfile is diffed
between the base and the tree: a package whose version or artifacts changed reaches the
top-level requirements that pull it in (directly or transitively, honouring extras), and a
changed line of a requirements .txt file reaches its own requirement. Only the
`python_requirement` targets found that way seed the graph walk.

BASE is a commit: the merge base of HEAD with `--since` (default: the main branch), or HEAD for
`--working-tree`. Pants always adds uncommitted and untracked files to a `--changed-since`
diff, so a ref range is refused on a dirty tree rather than silently mixing both.

Exit status: 0 on success (also when no image is affected), 2 for a usage error (unknown ref,
dirty tree, not a git repository), 3 when Pants (or git) fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOCKER_IMAGE = "docker_image"
PYTHON_REQUIREMENT = "python_requirement"
# Synthetic targets Pants creates for a resolve's lockfile and for a requirements file (the
# latter only counts where a python_requirement depends on it).
LOCKFILE_TARGET_TYPES = frozenset({"_lockfile", "_lockfiles"})
REQUIREMENTS_FILE_TARGET_TYPES = frozenset(
    {"_generator_sources_helper", "_python_requirements_file"}
)

EXIT_USAGE = 2
EXIT_TOOL = 3


class UsageError(Exception):
    """The request cannot be answered as asked (exit status 2)."""


class ToolError(Exception):
    """git or Pants failed (exit status 3)."""


# --------------------------------------------------------------------------------------------
# Pure helpers: requirement names, lockfile and requirements-file diffs.
# --------------------------------------------------------------------------------------------

_NAME_RE = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?")
_EXTRA_MARKER_RE = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")


def canonical_name(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(spec: str) -> tuple[str, frozenset[str], frozenset[str]] | None:
    """(name, extras, extras the marker requires) of a PEP 508 string, or None for non-requirements.

    Only what the graph walk needs: the name, the requested extras, and which `extra == "x"`
    conditions the marker puts on it (other markers are kept: over-approximate, never miss).
    """
    spec = spec.split("#", 1)[0].strip()
    if not spec or spec.startswith("-"):
        return None
    match = _NAME_RE.match(spec)
    if match is None:
        return None
    extras = frozenset(
        canonical_name(e.strip()) for e in (match.group(2) or "[]")[1:-1].split(",") if e.strip()
    )
    marker = spec.split(";", 1)[1] if ";" in spec else ""
    marker_extras = frozenset(canonical_name(e) for e in _EXTRA_MARKER_RE.findall(marker))
    return canonical_name(match.group(1)), extras, marker_extras


@dataclass(frozen=True)
class LockedPackage:
    version: str
    artifacts: tuple[str, ...]
    requires_dists: tuple[str, ...]


def parse_lockfile(text: str | None) -> dict[str, LockedPackage]:
    """Packages of a Pants/pex JSON lockfile (the `//` header lines are skipped).

    Several locked resolves (one per platform) are merged: a package differs if any differs.
    """
    if not text:
        return {}
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    try:
        data = json.loads(body)
    except json.JSONDecodeError as e:
        raise UsageError(f"lockfile is not valid JSON: {e}") from e
    packages: dict[str, LockedPackage] = {}
    for resolve in data.get("locked_resolves", []):
        for req in resolve.get("locked_requirements", []):
            name = canonical_name(req["project_name"])
            artifacts = tuple(
                sorted(f"{a.get('algorithm')}:{a.get('hash')}" for a in req.get("artifacts", []))
            )
            pkg = LockedPackage(
                version=str(req.get("version")),
                artifacts=artifacts,
                requires_dists=tuple(sorted(req.get("requires_dists", []))),
            )
            previous = packages.get(name)
            if previous is not None and previous != pkg:
                pkg = LockedPackage(
                    version=f"{previous.version}|{pkg.version}",
                    artifacts=tuple(sorted({*previous.artifacts, *pkg.artifacts})),
                    requires_dists=tuple(sorted({*previous.requires_dists, *pkg.requires_dists})),
                )
            packages[name] = pkg
    return packages


def changed_packages(
    old: Mapping[str, LockedPackage], new: Mapping[str, LockedPackage]
) -> dict[str, str]:
    """Packages added, removed or changed (version, artifacts, dependencies) -> a description."""
    changes: dict[str, str] = {}
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if before is None:
            assert after is not None
            changes[name] = f"{name} added ({after.version})"
        elif after is None:
            changes[name] = f"{name} removed ({before.version})"
        elif before.version != after.version:
            changes[name] = f"{name} {before.version} -> {after.version}"
        else:
            changes[name] = f"{name} {after.version} (artifacts or dependencies changed)"
    return changes


def lock_closure(
    packages: Mapping[str, LockedPackage], root: str, root_extras: frozenset[str]
) -> set[str]:
    """Every locked package `root[root_extras]` pulls in, itself included.

    A dependency guarded by `extra == "x"` counts only when x was requested of its parent.
    """
    seen: dict[str, set[str]] = {}
    stack = [(canonical_name(root), set(root_extras))]
    while stack:
        name, extras = stack.pop()
        known = seen.get(name)
        if known is not None and extras <= known:
            continue
        seen.setdefault(name, set()).update(extras)
        pkg = packages.get(name)
        if pkg is None:
            continue
        for dist in pkg.requires_dists:
            parsed = parse_requirement(dist)
            if parsed is None:
                continue
            dep, dep_extras, needs = parsed
            if needs and not (needs & seen[name]):
                continue
            stack.append((dep, set(dep_extras)))
    return set(seen)


def requirements_reached_by_lock_change(
    old: Mapping[str, LockedPackage],
    new: Mapping[str, LockedPackage],
    top_level: Iterable[str],
) -> dict[str, list[str]]:
    """Top-level requirement strings -> descriptions of the changed packages each one pulls in.

    A requirement is reached when a changed package is in its closure in the old or the new
    lockfile (a dependency that was dropped still changes what the requirement installs).
    """
    changes = changed_packages(old, new)
    reached: dict[str, list[str]] = {}
    if not changes:
        return reached
    for spec in top_level:
        parsed = parse_requirement(spec)
        if parsed is None:
            continue
        name, extras, _ = parsed
        closure = lock_closure(old, name, extras) | lock_closure(new, name, extras)
        hits = [changes[p] for p in sorted(closure & set(changes))]
        if hits:
            reached[spec] = hits
    return reached


def changed_requirement_names(old_text: str | None, new_text: str | None) -> set[str]:
    """Names whose line in a requirements .txt file was added, removed or changed."""

    def lines(text: str | None) -> dict[str, set[str]]:
        by_name: dict[str, set[str]] = {}
        for raw in (text or "").splitlines():
            line = raw.split("#", 1)[0].strip()
            parsed = parse_requirement(line)
            if parsed is not None:
                by_name.setdefault(parsed[0], set()).add(re.sub(r"\s+", "", line))
        return by_name

    before, after = lines(old_text), lines(new_text)
    return {n for n in set(before) | set(after) if before.get(n) != after.get(n)}


# --------------------------------------------------------------------------------------------
# git and Pants.
# --------------------------------------------------------------------------------------------


# Pants' generic advice after every error: dropped from our message to keep the cause visible.
_BOILERPLATE = ("Use --print-stacktrace", "See https://www.pantsbuild.org", "Consider reaching out")


def _run(argv: Sequence[str], cwd: Path, what: str, env: Mapping[str, str] | None = None) -> str:
    try:
        proc = subprocess.run(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as e:
        raise ToolError(f"{what}: cannot run {argv[0]}: {e}") from e
    if proc.returncode != 0:
        lines = [
            line
            for line in (proc.stderr or proc.stdout).strip().splitlines()
            if not line.startswith(_BOILERPLATE) and "DEPRECATED" not in line
        ]
        tail = "\n".join(lines[-25:])
        raise ToolError(f"{what} failed (exit {proc.returncode}): {' '.join(argv)}\n{tail}")
    return proc.stdout


class Git:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, *args: str) -> str:
        return _run(["git", *args], self.root, "git")

    def try_(self, *args: str) -> str | None:
        proc = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, check=False
        )
        return proc.stdout if proc.returncode == 0 else None

    def commit_of(self, ref: str) -> str:
        sha = self.try_("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if not sha:
            raise UsageError(f"unknown git ref {ref!r} (try `git fetch`, or name a branch or sha)")
        return sha.strip()

    def dirty_paths(self) -> list[str]:
        out = self("status", "--porcelain", "--untracked-files=all")
        return [line[3:] for line in out.splitlines() if line.strip()]

    def show(self, commit: str, path: str) -> str | None:
        """The file at a commit, or None where it does not exist there."""
        return self.try_("show", f"{commit}:{path}")

    def changed_files(self, base: str, working_tree: bool) -> dict[str, str]:
        """path -> status letter (A, M, D, ...), the same set Pants' --changed-since sees."""
        files: dict[str, str] = {}
        ranges = [["HEAD"]] if working_tree else [[base, "HEAD"]]
        for rng in ranges:
            out = self("diff", "--name-status", "--no-renames", *rng, "--")
            for line in out.splitlines():
                status, _, path = line.partition("\t")
                files[path] = status[:1]
        if working_tree:
            untracked = self("ls-files", "--others", "--exclude-standard", "--full-name")
            for path in untracked.splitlines():
                files.setdefault(path, "A")
        return files


@dataclass
class TargetInfo:
    address: str
    target_type: str
    dependencies: list[str]
    sources: list[str]
    requirements: list[str]
    resolve: str | None


class Pants:
    def __init__(self, root: Path, launcher: str, extra_args: Sequence[str]) -> None:
        self.root = root
        self.launcher = launcher
        self.extra_args = list(extra_args)
        self.invocations = 0

    def __call__(self, *args: str) -> str:
        self.invocations += 1
        argv = [self.launcher, *self.extra_args, *args]
        return _run(argv, self.root, "pants")

    def changed_targets(self, base: str) -> list[str]:
        out = self(f"--changed-since={base}", "list")
        return [line.strip() for line in out.splitlines() if line.strip()]

    def changed_graph(self, base: str) -> dict[str, TargetInfo]:
        out = self(f"--changed-since={base}", "--changed-dependents=transitive", "peek")
        try:
            data = json.loads(out) if out.strip() else []
        except json.JSONDecodeError as e:
            raise ToolError(f"pants peek printed no JSON: {e}") from e
        return {t["address"]: _target_info(t) for t in data}

    def run_goal(self, goal: str, addresses: Sequence[str]) -> None:
        """Run `pants <goal> <addresses>` with its output going to ours."""
        self.invocations += 1
        argv = [self.launcher, *self.extra_args, goal, *addresses]
        proc = subprocess.run(argv, cwd=self.root, check=False)
        if proc.returncode != 0:
            raise ToolError(f"pants {goal} failed (exit {proc.returncode}): {' '.join(argv)}")


def _target_info(t: Mapping[str, Any]) -> TargetInfo:
    return TargetInfo(
        address=t["address"],
        target_type=t.get("target_type", ""),
        dependencies=list(t.get("dependencies") or []),
        sources=list(t.get("sources") or []),
        requirements=list(t.get("requirements") or []),
        resolve=t.get("resolve"),
    )


# --------------------------------------------------------------------------------------------
# The analysis.
# --------------------------------------------------------------------------------------------


@dataclass
class Reason:
    file: str
    via: list[str] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)

    def text(self) -> str:
        extra = f" ({'; '.join(self.packages)})" if self.packages else ""
        return f"{self.file}{extra}"


@dataclass
class Result:
    base: str
    mode: str
    changed_files: dict[str, str]
    images: dict[str, list[Reason]]
    unowned_files: list[str]
    pants_invocations: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "mode": self.mode,
            "changed_files": sorted(self.changed_files),
            "unowned_files": self.unowned_files,
            "images": [
                {
                    "address": address,
                    "name": image_name(address),
                    "reasons": [
                        {"file": r.file, "via": r.via, "packages": r.packages} for r in reasons
                    ],
                }
                for address, reasons in sorted(self.images.items())
            ],
        }

    def as_text(self) -> str:
        if not self.images:
            count = len(self.changed_files)
            return f"No image is affected ({count} changed files since {self.base[:12]}).\n"
        lines = []
        for address, reasons in sorted(self.images.items()):
            lines.append(f"{address}")
            lines.extend(f"    {r.text()}" for r in reasons)
        return "\n".join(lines) + "\n"


def image_name(address: str) -> str:
    return address.rsplit(":", 1)[-1] if ":" in address else address.rsplit("/", 1)[-1]


def _address_dir(target: TargetInfo) -> str:
    path = target.address.split("#", 1)[0].split(":", 1)[0].removeprefix("//")
    if path in target.sources or "." in os.path.basename(path):
        return os.path.dirname(path)
    return path


def resolves_of(root: Path) -> tuple[dict[str, str], str | None]:
    """Lockfile path -> resolve name, and the default resolve, from pants.toml."""
    try:
        config = tomllib.loads((root / "pants.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"cannot read {root / 'pants.toml'}: {e}") from e
    python = config.get("python", {})
    resolves = python.get("resolves", {}) or {}
    lockfiles = {str(path).lstrip("/"): name for name, path in resolves.items()}
    return lockfiles, python.get("default_resolve")


def analyse(root: Path, git: Git, pants: Pants, base: str, mode: str, working_tree: bool) -> Result:
    changed = git.changed_files(base, working_tree)
    if not changed:
        return Result(base, mode, changed, {}, [])
    new_commit = None if working_tree else "HEAD"

    def new_text(path: str) -> str | None:
        if new_commit is None:
            p = root / path
            return p.read_text() if p.is_file() else None
        return git.show(new_commit, path)

    graph = pants.changed_graph(base)
    direct = set(pants.changed_targets(base))

    lockfiles, default_resolve = resolves_of(root)
    requirement_targets = {a: t for a, t in graph.items() if t.target_type == PYTHON_REQUIREMENT}
    # Seeds: directly changed targets, except the lockfile / requirements-file targets, whose
    # change is replaced by the requirement targets their diff actually reaches.
    seeds: dict[str, list[Reason]] = {}
    claimed: set[str] = set()

    def add_seed(address: str, reason: Reason) -> None:
        seeds.setdefault(address, []).append(reason)
        claimed.add(reason.file)

    for path in sorted(changed):
        if path in lockfiles:
            resolve = lockfiles[path]
            claimed.add(path)
            old_pkgs = parse_lockfile(git.show(base, path))
            new_pkgs = parse_lockfile(new_text(path))
            in_resolve = {
                a: t
                for a, t in requirement_targets.items()
                if (t.resolve or default_resolve) == resolve
            }
            specs = {spec: a for a, t in in_resolve.items() for spec in t.requirements}
            for spec, hits in requirements_reached_by_lock_change(
                old_pkgs, new_pkgs, specs
            ).items():
                add_seed(specs[spec], Reason(path, packages=hits))

    requirement_files = {
        dep: graph[dep]
        for req in requirement_targets.values()
        for dep in req.dependencies
        if dep in graph and graph[dep].target_type in REQUIREMENTS_FILE_TARGET_TYPES
    }
    for file_address, file_target in requirement_files.items():
        for path in file_target.sources:
            if path not in changed:
                continue
            claimed.add(path)
            if not path.endswith(".txt"):
                names = None  # pyproject.toml etc.: every requirement of the file
            else:
                names = changed_requirement_names(git.show(base, path), new_text(path))
            for address, req in requirement_targets.items():
                if file_address not in req.dependencies:
                    continue
                req_names = {p[0] for p in map(parse_requirement, req.requirements) if p}
                if names is None or req_names & names:
                    add_seed(address, Reason(path, packages=sorted(req_names)))

    skipped = set(requirement_files) | {
        a for a, t in graph.items() if t.target_type in LOCKFILE_TARGET_TYPES
    }
    requirement_paths = set(lockfiles) | {p for t in requirement_files.values() for p in t.sources}
    for address in sorted(direct):
        target = graph.get(address)
        if target is None or address in skipped:
            continue
        for path in sorted(changed):
            if path in requirement_paths:
                continue
            if path in target.sources:
                add_seed(address, Reason(path))
            elif os.path.dirname(path) == _address_dir(target) and (
                changed[path] == "D" or os.path.basename(path).startswith("BUILD")
            ):
                # Pants attributes these by directory: a changed BUILD file, a deleted source.
                add_seed(address, Reason(path))
        # Pants says it changed: keep it even where no file can be matched to it.
        seeds.setdefault(address, [])

    # Walk up the dependents graph from every seed.
    dependents: dict[str, set[str]] = {}
    for address, target in graph.items():
        for dep in target.dependencies:
            dependents.setdefault(dep, set()).add(address)
    images: dict[str, dict[str, Reason]] = {}
    for seed, reasons in seeds.items():
        reached, stack = {seed}, [seed]
        while stack:
            for parent in dependents.get(stack.pop(), ()):
                if parent not in reached:
                    reached.add(parent)
                    stack.append(parent)
        for address in reached:
            if graph.get(address) is None or graph[address].target_type != DOCKER_IMAGE:
                continue
            merged = images.setdefault(address, {})
            for reason in reasons:
                entry = merged.setdefault(reason.file, Reason(reason.file))
                if seed not in entry.via:
                    entry.via.append(seed)
                entry.packages = sorted(set(entry.packages) | set(reason.packages))
    final = {
        address: sorted(by_file.values(), key=lambda r: r.file)
        for address, by_file in images.items()
    }
    for reasons in final.values():
        for r in reasons:
            r.via.sort()
    unowned = sorted(set(changed) - claimed)
    return Result(base, mode, changed, final, unowned)


# --------------------------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------------------------


def default_main_branch(git: Git) -> str:
    for ref in ("origin/main", "main", "origin/master", "master"):
        if git.try_("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"):
            return ref
    raise UsageError("no main branch found (origin/main, main); pass --since REF")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="List (and optionally build or publish) the docker images a change reaches.",
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--since",
        metavar="REF",
        help="compare HEAD with its merge base with REF (default: the main branch)",
    )
    what.add_argument(
        "--working-tree",
        action="store_true",
        help="only the uncommitted changes (tracked and untracked) against HEAD",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--build", action="store_true", help="pants package the images")
    action.add_argument("--publish", action="store_true", help="pants publish the images")
    parser.add_argument(
        "--pants",
        default=os.environ.get("AFFECTED_IMAGES_PANTS"),
        help="the Pants launcher (default: ./pants in the repository root)",
    )
    parser.add_argument(
        "--pants-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra global argument for every Pants run, e.g. --pants-arg=--no-pantsd",
    )
    parser.add_argument(
        "--repo", type=Path, default=None, help="repository root (default: git's top level)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result, pants = run(args)
    except UsageError as e:
        print(f"affected_images: {e}", file=sys.stderr)
        return EXIT_USAGE
    except ToolError as e:
        print(f"affected_images: {e}", file=sys.stderr)
        return EXIT_TOOL
    if args.format == "json":
        json.dump(result.as_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(result.as_text())
        if result.unowned_files:
            print(
                f"({len(result.unowned_files)} changed files reach no target, e.g. "
                f"{', '.join(result.unowned_files[:3])})",
                file=sys.stderr,
            )
    sys.stdout.flush()
    if args.build or args.publish:
        goal = "publish" if args.publish else "package"
        if not result.images:
            print(f"affected_images: no image to {goal}", file=sys.stderr)
            return 0
        try:
            pants.run_goal(goal, sorted(result.images))
        except ToolError as e:
            print(f"affected_images: {e}", file=sys.stderr)
            return EXIT_TOOL
    return 0


def run(args: argparse.Namespace) -> tuple[Result, Pants]:
    start = args.repo or Path.cwd()
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=start,
        capture_output=True,
        text=True,
        check=False,
    )
    if top.returncode != 0:
        raise UsageError(f"{start} is not inside a git repository")
    root = Path(top.stdout.strip())
    git = Git(root)
    launcher = args.pants or str(root / "pants")
    pants = Pants(root, launcher, args.pants_arg)
    if args.working_tree:
        base, mode = git.commit_of("HEAD"), "working-tree"
    else:
        ref = args.since or default_main_branch(git)
        target = git.commit_of(ref)
        dirty = git.dirty_paths()
        if dirty:
            raise UsageError(
                f"the working tree has uncommitted changes ({', '.join(dirty[:5])}"
                f"{', ...' if len(dirty) > 5 else ''}); a ref range compares commits only. "
                "Commit or stash them, or use --working-tree for the uncommitted changes."
            )
        merge_base = git.try_("merge-base", "HEAD", target)
        if not merge_base:
            raise UsageError(f"HEAD and {ref!r} have no common ancestor")
        base, mode = merge_base.strip(), f"since {ref}"
    result = analyse(root, git, pants, base, mode, working_tree=args.working_tree)
    result.pants_invocations = pants.invocations
    return result, pants


if __name__ == "__main__":
    sys.exit(main())
