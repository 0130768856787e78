"""Requirement strings, and what a lockfile or requirements-file change touches (pure)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from affected.errors import UsageError

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
    """One locked project: a change to any of these fields changes what gets installed."""

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
