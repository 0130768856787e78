"""scripts/affected/cli.py and the scripts/affected_images.py launcher: flags, output formats,
exit statuses, with small git repositories and a stand-in Pants (no Pants runs).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import deploy.affected_repo as demo
from affected.cli import build_parser, main
from affected.errors import EXIT_TOOL, EXIT_USAGE
from deploy.fake_pants import FakePants

IMAGES = ["deploy/docker:a", "deploy/docker:b"]
PEEK = json.dumps(
    [
        {"address": "src/a.py", "target_type": "python_source", "sources": ["src/a.py"]},
        *(
            {"address": i, "target_type": "docker_image", "dependencies": ["src/a.py"]}
            for i in IMAGES
        ),
    ]
)


@pytest.mark.parametrize(
    "argv",
    [
        ["--since", "main", "--working-tree"],
        ["--build", "--publish"],
        ["--format", "yaml"],
        ["--base", "main"],
    ],
)
def test_refused_arguments(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == EXIT_USAGE
    assert "usage:" in capsys.readouterr().err


def test_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    args = build_parser().parse_args([])
    assert (args.since, args.working_tree, args.format, args.build, args.publish) == (
        None,
        False,
        "text",
        False,
        False,
    )
    assert (args.pants, args.pants_arg, args.repo) == (None, [], None)
    monkeypatch.setenv("AFFECTED_IMAGES_PANTS", "/opt/pants")
    args = build_parser().parse_args(["--pants-arg=--no-pantsd", "--pants-arg=-q"])
    assert (args.pants, args.pants_arg) == ("/opt/pants", ["--no-pantsd", "-q"])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose branch `case` changes src/a.py and docs/x.md since main."""
    path = tmp_path / "repo"
    path.mkdir()
    demo.git(path, "init", "-q", "-b", "main")
    demo.write(path, {"pants.toml": "", "src/a.py": "a\n"})
    demo.commit(path, "first")
    demo.git(path, "checkout", "-q", "-b", "case")
    demo.write(path, {"src/a.py": "a2\n", "docs/x.md": "x\n"})
    demo.commit(path, "second")
    return path


@pytest.fixture
def fake(tmp_path: Path) -> FakePants:
    pants = FakePants(tmp_path / "fake")
    pants.respond("list", "src/a.py\n")
    pants.respond("peek", PEEK)
    return pants


def affected(repo: Path, fake: FakePants, *args: str) -> int:
    return main(["--repo", str(repo), "--pants", str(fake.launcher), *args])


def test_text_output(repo: Path, fake: FakePants, capsys: pytest.CaptureFixture[str]) -> None:
    assert affected(repo, fake) == 0
    out, err = capsys.readouterr()
    assert out == "".join(f"{image}\n    src/a.py\n" for image in IMAGES)
    assert err == "(1 changed files reach no target, e.g. docs/x.md)\n"
    base = demo.git(repo, "rev-parse", "main").strip()
    assert fake.calls() == [
        f"--changed-since={base} --changed-dependents=transitive peek",
        f"--changed-since={base} list",
    ]


def test_json_output(repo: Path, fake: FakePants, capsys: pytest.CaptureFixture[str]) -> None:
    assert affected(repo, fake, "--format", "json", "--since", "main") == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["mode"] == "since main"
    assert report["base"] == demo.git(repo, "rev-parse", "main").strip()
    assert [i["name"] for i in report["images"]] == ["a", "b"]
    assert report["unowned_files"] == ["docs/x.md"]
    assert err == ""


@pytest.mark.parametrize(("flag", "goal"), [("--build", "package"), ("--publish", "publish")])
def test_build_and_publish_run_pants_on_the_images(
    repo: Path, fake: FakePants, flag: str, goal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert affected(repo, fake, flag, "--pants-arg=--no-pantsd") == 0
    assert fake.calls()[-1] == f"--no-pantsd {goal} {' '.join(IMAGES)}"
    assert all(call.startswith("--no-pantsd ") for call in fake.calls())
    fake.respond(goal, exit_code=1)
    assert affected(repo, fake, flag) == EXIT_TOOL
    assert f"affected_images: pants {goal} failed (exit 1)" in capsys.readouterr().err


def test_nothing_to_build(repo: Path, fake: FakePants, capsys: pytest.CaptureFixture[str]) -> None:
    fake.respond("peek", "[]")
    fake.respond("list", "")
    assert affected(repo, fake, "--build") == 0
    out, err = capsys.readouterr()
    base = demo.git(repo, "rev-parse", "main").strip()
    assert out == f"No image is affected (2 changed files since {base[:12]}).\n"
    assert "affected_images: no image to package" in err
    assert not any("package" in call for call in fake.calls())


def test_usage_errors(repo: Path, fake: FakePants, capsys: pytest.CaptureFixture[str]) -> None:
    demo.write(repo, {f"dirty{i}.txt": "" for i in range(6)})
    assert affected(repo, fake) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("affected_images: the working tree has uncommitted changes (dirty0.txt,")
    assert "dirty4.txt, ...); a ref range compares commits only." in err
    assert affected(repo, fake, "--since", "nope") == EXIT_USAGE
    assert "unknown git ref 'nope'" in capsys.readouterr().err
    assert fake.calls() == []


def test_pants_failing(repo: Path, fake: FakePants, capsys: pytest.CaptureFixture[str]) -> None:
    fake.respond("peek", stderr="boom", exit_code=1)
    assert affected(repo, fake) == EXIT_TOOL
    assert "pants failed (exit 1)" in capsys.readouterr().err


def test_the_launcher_needs_only_the_standard_library(tmp_path: Path) -> None:
    """scripts/affected_images.py run directly, without site-packages, finds the package."""
    (script,) = (
        p / "scripts/affected_images.py"
        for p in Path(__file__).resolve().parents
        if (p / "scripts/affected_images.py").is_file()
    )
    command = [sys.executable, "-S", "-E", "-s", str(script)]
    helped = subprocess.run([*command, "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0, helped.stderr
    assert "--working-tree" in helped.stdout
    refused = subprocess.run(
        [*command, "--working-tree"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert refused.returncode == EXIT_USAGE
    assert refused.stderr == f"affected_images: {tmp_path} is not inside a git repository\n"
