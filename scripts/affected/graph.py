"""Changed files -> the targets they change (seeds) -> the images those reach (pure).

The graph is what `pants peek` says about the changed targets and their transitive dependents;
nothing here runs Pants or git.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from affected.lockfile import (
    changed_requirement_names,
    parse_lockfile,
    parse_requirement,
    requirements_reached_by_lock_change,
)

DOCKER_IMAGE = "docker_image"
PYTHON_REQUIREMENT = "python_requirement"
# Synthetic targets Pants creates for a resolve's lockfile and for a requirements file (the
# latter only counts where a python_requirement depends on it).
LOCKFILE_TARGET_TYPES = frozenset({"_lockfile", "_lockfiles"})
REQUIREMENTS_FILE_TARGET_TYPES = frozenset(
    {"_generator_sources_helper", "_python_requirements_file"}
)


@dataclass
class TargetInfo:
    """One target of the graph, with the fields of `pants peek` used here."""

    address: str
    target_type: str
    dependencies: list[str]
    sources: list[str]
    requirements: list[str]
    resolve: str | None


@dataclass
class Reason:
    """A changed file that reaches an image, via which seed targets, with which packages."""

    file: str
    via: list[str] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)

    def text(self) -> str:
        extra = f" ({'; '.join(self.packages)})" if self.packages else ""
        return f"{self.file}{extra}"


@dataclass(frozen=True)
class Change:
    """The changed files (path -> git status letter) and their text before and after."""

    files: Mapping[str, str]
    old_text: Callable[[str], str | None]
    new_text: Callable[[str], str | None]


@dataclass(frozen=True)
class Resolves:
    """pants.toml's lockfiles (path -> resolve name) and its default resolve."""

    lockfiles: Mapping[str, str]
    default: str | None


@dataclass
class Seeds:
    """Where the walk starts: target -> the changed files that change it directly."""

    reasons: dict[str, list[Reason]] = field(default_factory=dict)
    # The changed files matched to a target (or a lockfile); the others reach no target.
    claimed: set[str] = field(default_factory=set)

    def add(self, address: str, reason: Reason) -> None:
        self.reasons.setdefault(address, []).append(reason)
        self.claimed.add(reason.file)


def find_seeds(
    change: Change,
    graph: Mapping[str, TargetInfo],
    direct: Iterable[str],
    resolves: Resolves,
) -> Seeds:
    """The seed targets of a change.

    `direct` are the targets Pants says own a changed file. The lockfile and requirements-file
    targets among them are replaced by the requirement targets their diff actually reaches.
    """
    requirements = {a: t for a, t in graph.items() if t.target_type == PYTHON_REQUIREMENT}
    requirement_files = {
        dep: graph[dep]
        for req in requirements.values()
        for dep in req.dependencies
        if dep in graph and graph[dep].target_type in REQUIREMENTS_FILE_TARGET_TYPES
    }
    seeds = Seeds()
    _seed_lockfiles(seeds, change, requirements, resolves)
    _seed_requirement_files(seeds, change, requirements, requirement_files)
    skipped = set(requirement_files) | {
        a for a, t in graph.items() if t.target_type in LOCKFILE_TARGET_TYPES
    }
    requirement_paths = set(resolves.lockfiles) | {
        p for t in requirement_files.values() for p in t.sources
    }
    for address in sorted(direct):
        target = graph.get(address)
        if target is None or address in skipped:
            continue
        for path in sorted(change.files):
            if path in requirement_paths:
                continue
            if path in target.sources:
                seeds.add(address, Reason(path))
            elif os.path.dirname(path) == _address_dir(target) and (
                change.files[path] == "D" or os.path.basename(path).startswith("BUILD")
            ):
                # Pants attributes these by directory: a changed BUILD file, a deleted source.
                seeds.add(address, Reason(path))
        # Pants says it changed: keep it even where no file can be matched to it.
        seeds.reasons.setdefault(address, [])
    return seeds


def _seed_lockfiles(
    seeds: Seeds, change: Change, requirements: Mapping[str, TargetInfo], resolves: Resolves
) -> None:
    """A changed lockfile seeds the requirements of its resolve that pull in a changed package."""
    for path in sorted(change.files):
        if path not in resolves.lockfiles:
            continue
        resolve = resolves.lockfiles[path]
        seeds.claimed.add(path)
        old = parse_lockfile(change.old_text(path))
        new = parse_lockfile(change.new_text(path))
        specs = {
            spec: address
            for address, target in requirements.items()
            if (target.resolve or resolves.default) == resolve
            for spec in target.requirements
        }
        for spec, hits in requirements_reached_by_lock_change(old, new, specs).items():
            seeds.add(specs[spec], Reason(path, packages=hits))


def _seed_requirement_files(
    seeds: Seeds,
    change: Change,
    requirements: Mapping[str, TargetInfo],
    requirement_files: Mapping[str, TargetInfo],
) -> None:
    """A changed requirements .txt line seeds its requirement; any other such file all of its."""
    for file_address, file_target in requirement_files.items():
        for path in file_target.sources:
            if path not in change.files:
                continue
            seeds.claimed.add(path)
            names = (
                changed_requirement_names(change.old_text(path), change.new_text(path))
                if path.endswith(".txt")
                else None  # pyproject.toml etc.: every requirement of the file
            )
            for address, req in requirements.items():
                if file_address not in req.dependencies:
                    continue
                req_names = {p[0] for p in map(parse_requirement, req.requirements) if p}
                if names is None or req_names & names:
                    seeds.add(address, Reason(path, packages=sorted(req_names)))


def _address_dir(target: TargetInfo) -> str:
    """The directory of the BUILD file that declares `target`."""
    path = target.address.split("#", 1)[0].split(":", 1)[0].removeprefix("//")
    if path in target.sources or "." in os.path.basename(path):
        return os.path.dirname(path)
    return path


def reached_images(
    graph: Mapping[str, TargetInfo], seeds: Mapping[str, list[Reason]]
) -> dict[str, list[Reason]]:
    """Image address -> the changed files reaching it (sorted), walking up from every seed."""
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
            if address not in graph or graph[address].target_type != DOCKER_IMAGE:
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
    return final
