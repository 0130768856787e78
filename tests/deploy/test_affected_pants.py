"""scripts/affected/pants.py and process.py, with a stand-in launcher (no Pants runs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from affected.errors import ToolError, UsageError
from affected.graph import Resolves, TargetInfo
from affected.pants import Pants, parse_peek, resolves_of
from deploy.fake_pants import FakePants


@pytest.fixture
def fake(tmp_path: Path) -> FakePants:
    return FakePants(tmp_path / "fake")


def test_parse_peek() -> None:
    out = json.dumps(
        [
            {
                "address": "3rdparty/python:reqs#alpha",
                "target_type": "python_requirement",
                "dependencies": ["3rdparty/python:reqs"],
                "requirements": ["alpha==1.0"],
                "resolve": "tools",
                "tags": None,
            },
            {"address": "deploy/docker:svc", "target_type": "docker_image", "sources": None},
        ]
    )
    assert parse_peek(out) == {
        "3rdparty/python:reqs#alpha": TargetInfo(
            "3rdparty/python:reqs#alpha",
            "python_requirement",
            ["3rdparty/python:reqs"],
            [],
            ["alpha==1.0"],
            "tools",
        ),
        "deploy/docker:svc": TargetInfo("deploy/docker:svc", "docker_image", [], [], [], None),
    }
    assert parse_peek("\n") == {}
    with pytest.raises(ToolError, match="pants peek printed no JSON"):
        parse_peek("Initializing scheduler...")


def test_the_two_queries_and_their_arguments(fake: FakePants, tmp_path: Path) -> None:
    fake.respond("list", "a:a\n\nb:b\n")
    fake.respond("peek", json.dumps([{"address": "a:a", "target_type": "docker_image"}]))
    pants = Pants(tmp_path, str(fake.launcher), ["--no-pantsd"])
    assert pants.changed_targets("abc") == ["a:a", "b:b"]
    assert list(pants.changed_graph("abc")) == ["a:a"]
    assert fake.calls() == [
        "--no-pantsd --changed-since=abc list",
        "--no-pantsd --changed-since=abc --changed-dependents=transitive peek",
    ]


def test_a_failing_run_reports_its_cause_without_the_boilerplate(
    fake: FakePants, tmp_path: Path
) -> None:
    noise = [f"noise {i}" for i in range(30)]
    stderr = "\n".join(
        [
            *noise,
            "DEPRECATED: something",
            "SyntaxError: BUILD line 1",
            "Use --print-stacktrace for more error details and/or -ldebug for more logs.",
            "See https://www.pantsbuild.org/v2.17/docs/getting-help for common issues.",
        ]
    )
    fake.respond("list", stderr=stderr, exit_code=1)
    with pytest.raises(ToolError) as failure:
        Pants(tmp_path, str(fake.launcher), []).changed_targets("abc")
    head, *tail = str(failure.value).splitlines()
    assert head == f"pants failed (exit 1): {fake.launcher} --changed-since=abc list"
    assert tail == [*noise[-24:], "SyntaxError: BUILD line 1"]


def test_a_missing_launcher(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="pants: cannot run /nonexistent/pants"):
        Pants(tmp_path, "/nonexistent/pants", []).changed_targets("abc")


def test_run_goal(fake: FakePants, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    fake.respond("package", "built\n")
    Pants(tmp_path, str(fake.launcher), ["-q"]).run_goal("package", ["a:a", "b:b"])
    assert fake.calls() == ["-q package a:a b:b"]
    assert capfd.readouterr().out == "built\n"  # passed through, not captured
    fake.respond("publish", exit_code=4)
    with pytest.raises(ToolError, match=r"pants publish failed \(exit 4\)"):
        Pants(tmp_path, str(fake.launcher), []).run_goal("publish", ["a:a"])


def test_resolves_of(tmp_path: Path) -> None:
    (tmp_path / "pants.toml").write_text(
        '[python]\ndefault_resolve = "main"\n'
        '[python.resolves]\nmain = "/3rdparty/main.lock"\ntools = "3rdparty/tools.lock"\n'
    )
    assert resolves_of(tmp_path) == Resolves(
        {"3rdparty/main.lock": "main", "3rdparty/tools.lock": "tools"}, "main"
    )
    (tmp_path / "pants.toml").write_text("[python\n")
    with pytest.raises(UsageError, match="cannot read"):
        resolves_of(tmp_path)
    with pytest.raises(UsageError, match="cannot read"):
        resolves_of(tmp_path / "nowhere")


def test_resolves_of_the_real_pants_toml() -> None:
    (root,) = (p for p in Path(__file__).resolve().parents if (p / "pants.toml").is_file())
    assert resolves_of(root) == Resolves(
        {"3rdparty/python/default.lock": "python-default"}, "python-default"
    )
