"""scripts/affected/graph.py: changed files to seed targets, seeds to images, on a made-up graph.

The graph mirrors what `pants peek` says about the demo repository of affected_repo.py: three
services, a shared module, requirements alpha and beta from requirements.txt and the lockfile.
"""

from __future__ import annotations

import deploy.affected_repo as demo
from affected.graph import (
    Change,
    Reason,
    Resolves,
    TargetInfo,
    find_seeds,
    reached_images,
)

LOCK = "3rdparty/python/default.lock"
REQS_TXT = "3rdparty/python/requirements.txt"
REQS_FILE = "3rdparty/python:reqs"
ALPHA, BETA = "3rdparty/python:reqs#alpha", "3rdparty/python:reqs#beta"
EVENTS = "src/python/demo/shared/events.py"
RESOLVES = Resolves({LOCK: "python-default"}, "python-default")


def target(
    address: str,
    target_type: str,
    dependencies: list[str] | None = None,
    sources: list[str] | None = None,
    requirements: list[str] | None = None,
) -> TargetInfo:
    return TargetInfo(
        address, target_type, dependencies or [], sources or [], requirements or [], None
    )


def demo_graph() -> dict[str, TargetInfo]:
    targets = [
        target(LOCK, "_lockfiles", sources=[LOCK]),
        target(REQS_FILE, "_python_requirements_file", sources=[REQS_TXT]),
        target(ALPHA, "python_requirement", [REQS_FILE, LOCK], requirements=["alpha==1.0"]),
        target(BETA, "python_requirement", [REQS_FILE, LOCK], requirements=["beta[fast]==1.0"]),
        target(EVENTS, "python_source", sources=[EVENTS]),
    ]
    for svc, deps in (("svc_a", [EVENTS, ALPHA]), ("svc_b", [EVENTS, BETA]), ("svc_c", [])):
        main = f"src/python/demo/{svc}/main.py"
        targets += [
            target(main, "python_source", deps, sources=[main]),
            target(f"src/python/demo/{svc}:{svc}", "pex_binary", [main]),
            target(demo.IMAGE[svc], "docker_image", [f"src/python/demo/{svc}:{svc}"]),
        ]
    return {t.address: t for t in targets}


def change(files: dict[str, str], old: dict[str, str], new: dict[str, str]) -> Change:
    return Change(files, old.get, new.get)


def test_a_source_change_seeds_its_target_and_reaches_its_importers_images() -> None:
    graph = demo_graph()
    seeds = find_seeds(change({EVENTS: "M"}, {}, {}), graph, [EVENTS], RESOLVES)
    assert seeds.reasons == {EVENTS: [Reason(EVENTS)]}
    assert seeds.claimed == {EVENTS}
    images = reached_images(graph, seeds.reasons)
    assert images == {
        demo.IMAGE["svc_a"]: [Reason(EVENTS, via=[EVENTS])],
        demo.IMAGE["svc_b"]: [Reason(EVENTS, via=[EVENTS])],
    }


def test_build_files_and_deleted_sources_are_attributed_by_directory() -> None:
    graph = demo_graph()
    build, util = "src/python/demo/svc_c/BUILD", "src/python/demo/svc_c/util.py"
    binary = "src/python/demo/svc_c:svc_c"
    files = {build: "M", util: "D", "src/python/demo/svc_b/BUILD": "M"}
    seeds = find_seeds(change(files, {}, {}), graph, [binary], RESOLVES)
    assert seeds.reasons == {binary: [Reason(build), Reason(util)]}
    # A file address's directory is that of the file, not the file.
    main = "src/python/demo/svc_c/main.py"
    seeds = find_seeds(change({build: "M"}, {}, {}), graph, [main], RESOLVES)
    assert seeds.reasons == {main: [Reason(build)]}


def test_a_changed_target_without_a_matching_file_still_seeds() -> None:
    graph = demo_graph()
    binary = "src/python/demo/svc_c:svc_c"
    seeds = find_seeds(change({"docs/x.md": "M"}, {}, {}), graph, [binary, "gone:x"], RESOLVES)
    assert seeds.reasons == {binary: []}
    assert seeds.claimed == set()
    assert reached_images(graph, seeds.reasons) == {demo.IMAGE["svc_c"]: []}


def test_a_lockfile_change_seeds_only_the_requirements_pulling_in_a_changed_package() -> None:
    graph = demo_graph()
    old, new = demo.lockfile(demo.LOCKED), demo.lockfile(dict(demo.LOCKED, gamma=("1.1", [])))
    files = {LOCK: "M"}
    # Pants owns the lockfile by its own target, on which every requirement depends.
    seeds = find_seeds(change(files, {LOCK: old}, {LOCK: new}), graph, [LOCK], RESOLVES)
    assert seeds.reasons == {ALPHA: [Reason(LOCK, packages=["gamma 1.0 -> 1.1"])]}
    images = reached_images(graph, seeds.reasons)
    assert images == {
        demo.IMAGE["svc_a"]: [Reason(LOCK, via=[ALPHA], packages=["gamma 1.0 -> 1.1"])]
    }
    # Another resolve's lockfile reaches none of the default resolve's requirements, but is
    # accounted for.
    other = Resolves({LOCK: "tools"}, "python-default")
    seeds = find_seeds(change(files, {LOCK: old}, {LOCK: new}), graph, [LOCK], other)
    assert seeds.reasons == {}
    assert seeds.claimed == {LOCK}


def test_a_requirements_line_reaches_its_requirement_only() -> None:
    graph = demo_graph()
    old, new = "alpha==1.0\nbeta[fast]==1.0\n", "alpha==1.0\nbeta[fast]==1.1\n"
    files = {REQS_TXT: "M", EVENTS: "M"}
    seeds = find_seeds(
        change(files, {REQS_TXT: old}, {REQS_TXT: new}), graph, [REQS_FILE, EVENTS], RESOLVES
    )
    assert seeds.reasons == {
        BETA: [Reason(REQS_TXT, packages=["beta"])],
        EVENTS: [Reason(EVENTS)],
    }
    assert seeds.claimed == {REQS_TXT, EVENTS}


def test_a_requirements_file_that_is_not_txt_reaches_all_its_requirements() -> None:
    graph = demo_graph()
    graph[REQS_FILE].sources = ["3rdparty/python/pyproject.toml"]
    files = {"3rdparty/python/pyproject.toml": "M"}
    seeds = find_seeds(change(files, {}, {}), graph, [REQS_FILE], RESOLVES)
    assert set(seeds.reasons) == {ALPHA, BETA}


def test_reasons_from_several_seeds_merge_by_file() -> None:
    # Two files of one change, each reaching the image through two seeds; a cycle on the way.
    graph = {
        "a": target("a", "python_source", ["b"]),
        "b": target("b", "python_source", ["a"]),
        "c": target("c", "python_source"),
        "img": target("img", "docker_image", ["a", "c"]),
        "other": target("other", "docker_image"),
    }
    seeds = {
        "c": [Reason("x.lock", packages=["p 2"]), Reason("y.py")],
        "b": [Reason("x.lock", packages=["p 1"])],
    }
    assert reached_images(graph, seeds) == {
        "img": [
            Reason("x.lock", via=["b", "c"], packages=["p 1", "p 2"]),
            Reason("y.py", via=["c"]),
        ]
    }
    # An image that is itself changed is reached.
    assert reached_images(graph, {"other": [Reason("BUILD")]}) == {
        "other": [Reason("BUILD", via=["other"])]
    }
