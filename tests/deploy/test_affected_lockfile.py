"""scripts/affected/lockfile.py: requirement strings, lockfile and requirements-file diffs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import deploy.affected_repo as demo
from affected.errors import UsageError
from affected.lockfile import (
    LockedPackage,
    changed_packages,
    changed_requirement_names,
    lock_closure,
    parse_lockfile,
    parse_requirement,
    requirements_reached_by_lock_change,
)


def _lock(packages: dict[str, tuple[str, list[str]]]) -> dict[str, LockedPackage]:
    return parse_lockfile(demo.lockfile(packages))


def test_parse_requirement() -> None:
    assert parse_requirement("FastStream[rabbit,cli]==0.7.8") == (
        "faststream",
        frozenset({"rabbit", "cli"}),
        frozenset(),
    )
    assert parse_requirement("aio_pika>=9 ; extra == 'rabbit'") == (
        "aio-pika",
        frozenset(),
        frozenset({"rabbit"}),
    )
    assert parse_requirement("# comment") is None
    assert parse_requirement("-r other.txt") is None


def _resolve(version: str, requires_dists: list[str]) -> dict[str, object]:
    locked = {"project_name": "Alpha_X", "version": version, "requires_dists": requires_dists}
    return {"locked_requirements": [{**locked, "artifacts": [{"algorithm": "a", "hash": "h"}]}]}


def test_parse_lockfile_merges_the_resolves_of_several_platforms() -> None:
    assert parse_lockfile(None) == {}
    same = json.dumps({"locked_resolves": [_resolve("1.0", ["gamma"]), _resolve("1.0", ["gamma"])]})
    assert parse_lockfile(f"// header\n{same}") == {
        "alpha-x": LockedPackage("1.0", ("a:h",), ("gamma",))
    }
    # Another version on a second platform: the package is the union of both.
    other = json.dumps(
        {"locked_resolves": [_resolve("1.0", ["gamma"]), _resolve("1.1", ["delta"])]}
    )
    assert parse_lockfile(other) == {
        "alpha-x": LockedPackage("1.0|1.1", ("a:h",), ("delta", "gamma"))
    }


def test_a_lockfile_that_is_not_json_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="lockfile is not valid JSON"):
        parse_lockfile("// header\n{not json")


def test_lockfile_diff_maps_packages_to_top_level_requirements() -> None:
    old = _lock(demo.LOCKED)
    # A transitive dependency: reaches the requirement that pulls it in.
    new = _lock(dict(demo.LOCKED, gamma=("1.1", [])))
    assert requirements_reached_by_lock_change(old, new, ["alpha==1.0", "beta[fast]"]) == {
        "alpha==1.0": ["gamma 1.0 -> 1.1"]
    }
    # Behind a requested extra: reaches; behind an unrequested one: does not.
    new = _lock(dict(demo.LOCKED, delta=("1.1", []), epsilon=("1.1", [])))
    assert requirements_reached_by_lock_change(old, new, ["alpha", "beta[fast]"]) == {
        "beta[fast]": ["delta 1.0 -> 1.1"]
    }
    assert requirements_reached_by_lock_change(old, new, ["alpha", "beta"]) == {}
    # Same version, new artifacts (a rebuilt wheel) still counts; identical lockfiles do not.
    rehashed = _lock(demo.LOCKED)
    rehashed["alpha"] = LockedPackage("1.0", ("sha256:other",), old["alpha"].requires_dists)
    assert changed_packages(old, rehashed) == {
        "alpha": "alpha 1.0 (artifacts or dependencies changed)"
    }
    assert changed_packages(old, _lock(demo.LOCKED)) == {}
    # A dependency dropped from the new lock still reaches its former parent.
    new = _lock(dict(demo.LOCKED, alpha=("2.0", [])))
    del new["gamma"]
    assert requirements_reached_by_lock_change(old, new, ["alpha"]) == {
        "alpha": ["alpha 1.0 -> 2.0", "gamma removed (1.0)"]
    }
    # A new package reaches the requirement that now pulls it in.
    new = _lock(dict(demo.LOCKED, alpha=("1.1", ["gamma", "zeta"]), zeta=("1.0", [])))
    assert requirements_reached_by_lock_change(old, new, ["alpha"]) == {
        "alpha": ["alpha 1.0 -> 1.1", "zeta added (1.0)"]
    }


def test_lock_closure_follows_extras_only_where_requested() -> None:
    packages = _lock(demo.LOCKED)
    assert lock_closure(packages, "alpha", frozenset()) == {"alpha", "gamma"}
    assert lock_closure(packages, "beta", frozenset()) == {"beta"}
    assert lock_closure(packages, "Beta", frozenset({"fast"})) == {"beta", "delta"}
    # An unlocked root is itself only.
    assert lock_closure(packages, "zeta", frozenset()) == {"zeta"}


def test_changed_requirement_names() -> None:
    old = "# tools\nalpha==1.0\nbeta[fast]==1.0  # why\nGamma_X>=2\n"
    new = "# tools, reworded\nalpha == 1.0\nbeta[fast]==1.1\ndelta\n"
    assert changed_requirement_names(old, new) == {"beta", "gamma-x", "delta"}
    assert changed_requirement_names(None, "alpha\n") == {"alpha"}


def test_the_real_lockfile_parses() -> None:
    (lock,) = (
        p / "3rdparty/python/default.lock"
        for p in Path(__file__).resolve().parents
        if (p / "3rdparty/python/default.lock").is_file()
    )
    packages = parse_lockfile(lock.read_text())
    assert "litestar" in packages
    assert "faststream" in lock_closure(packages, "faststream", frozenset({"rabbit"}))
    assert "aio-pika" in lock_closure(packages, "faststream", frozenset({"rabbit"}))
