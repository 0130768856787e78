"""scripts/affected_images.py, end to end against a throwaway Pants monorepo.

The pure parts have their own fast tests: test_affected_{lockfile,graph,git,pants,analysis,cli}.py.

What this spawns: one throwaway git repository per test session (see affected_repo.py) and one
`pantsd` for it (about 0.5 GB while it runs), started by the first nested `pants` call and
stopped by its pid when the module's tests finish. The first call costs ~15-25 s cold (Pants
builds its Dockerfile parser once per machine); each case after that ~2-5 s.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import deploy.affected_repo as demo
from affected.cli import main
from affected.errors import EXIT_TOOL, EXIT_USAGE

IMAGE = demo.IMAGE


def _real_root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / "pants.toml").is_file() and (parent / "pants").is_file():
            return parent
    raise RuntimeError("no pants.toml + pants launcher above this test (BUILD: :pants_launcher)")


def _stop_pantsd(repo: Path) -> None:
    for pid_file in repo.glob(".pids/*/pantsd/pid"):
        try:
            pid = int(pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except (OSError, ValueError):
            continue
        if f"[{repo}]" not in cmdline:  # only the daemon this module started
            continue
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.1)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    real = _real_root()
    path = tmp_path_factory.mktemp("affected") / "demo"
    cache = Path(os.environ.get("HOME", "/nonexistent")) / ".cache" / "ticketing-tests"
    demo.make_repo(path, real, cache, [real / demo.PEX_TOOL])
    try:
        yield path
    finally:
        _stop_pantsd(path)


@pytest.fixture
def branch(repo: Path) -> Iterator[Path]:
    """A fresh branch off main; the tree is reset to main afterwards."""
    demo.git(repo, "checkout", "-q", "-B", "case", "main")
    try:
        yield repo
    finally:
        demo.git(repo, "reset", "-q", "--hard")
        demo.git(repo, "clean", "-qfd")
        demo.git(repo, "checkout", "-q", "main")


def affected(
    repo: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict | None, str]:
    code = main(["--repo", str(repo), "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def images_of(result: dict | None) -> set[str]:
    assert result is not None
    return {image["address"] for image in result["images"]}


def reasons_of(result: dict | None, address: str) -> list[str]:
    assert result is not None
    (image,) = (i for i in result["images"] if i["address"] == address)
    return [r["file"] for r in image["reasons"]]


def change(repo: Path, files: dict[str, str | None], message: str) -> None:
    demo.write(repo, files)
    demo.commit(repo, message)


def append(repo: Path, rel: str, text: str) -> str:
    return (repo / rel).read_text() + text


# --- the graph cases --------------------------------------------------------------------------


def test_a_service_change_reaches_only_its_image(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main_py = "src/python/demo/svc_a/main.py"
    change(branch, {main_py: append(branch, main_py, "# tweak\n")}, "svc_a")
    code, result, err = affected(branch, capsys, "--since", "main")
    assert code == 0, err
    assert images_of(result) == {IMAGE["svc_a"]}
    assert reasons_of(result, IMAGE["svc_a"]) == [main_py]


def test_shared_event_schemas_reach_every_importer_and_no_other(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = "src/python/demo/shared/events.py"
    change(branch, {events: append(branch, events, "VERSION = 2\n")}, "events")
    code, result, err = affected(branch, capsys, "--since", "main")
    assert code == 0, err
    assert images_of(result) == {IMAGE["svc_a"], IMAGE["svc_b"]}
    assert reasons_of(result, IMAGE["svc_b"]) == [events]


def test_a_dockerfile_change_reaches_its_image(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = "deploy/docker/svc_c/Dockerfile"
    change(branch, {dockerfile: append(branch, dockerfile, "EXPOSE 8080\n")}, "docker")
    code, result, err = affected(branch, capsys, "--since", "main")
    assert code == 0, err
    assert images_of(result) == {IMAGE["svc_c"]}
    assert reasons_of(result, IMAGE["svc_c"]) == [dockerfile]


def test_docs_tests_and_the_chart_reach_no_image(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change(
        branch,
        {
            "docs/README.md": "# Demo, reworded\n",
            "tests/demo/test_a.py": append(branch, "tests/demo/test_a.py", "# more\n"),
            "deploy/helm/demo/values.yaml": "replicas: 2\n",
        },
        "docs, tests, chart",
    )
    code, result, err = affected(branch, capsys, "--since", "main")
    assert code == 0, err
    assert images_of(result) == set()
    assert result is not None
    assert result["unowned_files"] == ["deploy/helm/demo/values.yaml", "docs/README.md"]


def test_a_lockfile_change_reaches_only_images_using_the_changed_package(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # gamma is not a requirement: alpha pulls it in, and only svc_a imports alpha.
    locked = dict(demo.LOCKED, gamma=("1.1", []))
    change(branch, {"3rdparty/python/default.lock": demo.lockfile(locked)}, "bump gamma")
    code, result, err = affected(branch, capsys, "--since", "main")
    assert code == 0, err
    assert images_of(result) == {IMAGE["svc_a"]}
    assert result is not None
    (reason,) = result["images"][0]["reasons"]
    assert reason["file"] == "3rdparty/python/default.lock"
    assert reason["packages"] == ["gamma 1.0 -> 1.1"]
    assert reason["via"] == ["3rdparty/python:reqs#alpha"]

    # epsilon is behind beta's "slow" extra, which nothing requests: it reaches nothing.
    locked["epsilon"] = ("2.0", [])
    change(branch, {"3rdparty/python/default.lock": demo.lockfile(locked)}, "bump epsilon")
    code, result, err = affected(branch, capsys, "--since", "HEAD~1")
    assert code == 0, err
    assert images_of(result) == set()


def test_a_requirements_line_change_reaches_only_its_users(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change(
        branch,
        {
            "3rdparty/python/requirements.txt": "alpha==1.0\nbeta[fast]==1.1\n",
            "3rdparty/python/default.lock": demo.lockfile(
                dict(demo.LOCKED, beta=("1.1", demo.LOCKED["beta"][1]))
            ),
        },
        "bump beta",
    )
    code, result, err = affected(branch, capsys, "--since", "main")
    assert code == 0, err
    assert images_of(result) == {IMAGE["svc_b"]}
    assert reasons_of(result, IMAGE["svc_b"]) == [
        "3rdparty/python/default.lock",
        "3rdparty/python/requirements.txt",
    ]


def test_a_deleted_file_is_handled(branch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change(
        branch,
        {
            "src/python/demo/svc_c/util.py": None,
            "src/python/demo/svc_c/main.py": 'def run() -> None:\n    print("hi")\n',
        },
        "inline util",
    )
    code, result, err = affected(branch, capsys, "--since", "main")
    assert code == 0, err
    assert images_of(result) == {IMAGE["svc_c"]}
    assert result is not None
    assert "src/python/demo/svc_c/util.py" in result["changed_files"]
    assert "src/python/demo/svc_c/util.py" not in result["unowned_files"]

    # A whole service and its image deleted: nothing left to build, and no error.
    for rel in ("__init__.py", "main.py", "BUILD"):
        demo.write(branch, {f"src/python/demo/svc_c/{rel}": None})
    demo.write(branch, {"deploy/docker/svc_c/Dockerfile": None, "deploy/docker/svc_c/BUILD": None})
    demo.commit(branch, "drop svc_c")
    code, result, err = affected(branch, capsys, "--since", "HEAD~1")
    assert code == 0, err
    assert images_of(result) == set()


def test_the_working_tree_mode_sees_uncommitted_changes(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main_py = "src/python/demo/svc_b/main.py"
    demo.write(branch, {main_py: append(branch, main_py, "# wip\n")})
    code, result, err = affected(branch, capsys, "--working-tree")
    assert code == 0, err
    assert images_of(result) == {IMAGE["svc_b"]}

    code = main(["--repo", str(branch), "--working-tree"])  # the text format
    out, _ = capsys.readouterr()
    assert code == 0
    assert out == f"{IMAGE['svc_b']}\n    {main_py}\n"


def test_the_script_runs_as_documented(branch: Path) -> None:
    """`scripts/affected_images.py --working-tree` in the repository, with the standard library."""
    main_py = "src/python/demo/svc_a/main.py"
    demo.write(branch, {main_py: append(branch, main_py, "# wip\n")})
    script = _real_root() / "scripts/affected_images.py"
    proc = subprocess.run(
        [sys.executable, "-S", "-E", "-s", str(script), "--working-tree"],
        cwd=branch / "src",
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{IMAGE['svc_a']}\n    {main_py}\n"


# --- errors -----------------------------------------------------------------------------------


def test_an_unknown_ref_is_a_clear_error(branch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = affected(branch, capsys, "--since", "no-such-branch")
    assert code == EXIT_USAGE
    assert "unknown git ref 'no-such-branch'" in err


def test_a_dirty_tree_is_refused_for_a_ref_range(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo.write(branch, {"docs/notes.md": "untracked\n"})
    code, _, err = affected(branch, capsys, "--since", "main")
    assert code == EXIT_USAGE
    assert "uncommitted changes (docs/notes.md)" in err
    assert "--working-tree" in err


def test_pants_failing_is_reported(branch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change(branch, {"src/python/demo/svc_a/BUILD": "python_sources(\n"}, "broken BUILD")
    code, _, err = affected(branch, capsys, "--since", "main")
    assert code == EXIT_TOOL
    assert "pants failed" in err
    assert "SyntaxError" in err


def test_a_missing_pants_launcher_is_reported(
    branch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change(branch, {"docs/README.md": "# x\n"}, "docs")
    code, _, err = affected(branch, capsys, "--since", "main", "--pants", "/nonexistent/pants")
    assert code == EXIT_TOOL
    assert "cannot run /nonexistent/pants" in err


def test_outside_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = affected(tmp_path, capsys, "--working-tree")
    assert code == EXIT_USAGE
    assert "not inside a git repository" in err
