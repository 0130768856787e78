"""The GitHub Actions workflows: well-formed, and every command they run exists here.

GitHub cannot be reached from the development machines, so nothing here runs a workflow; it
checks what can go stale: the structure, the repository paths each `run:` names, and the
scripts/affected_images.py command lines against that script's own argument parser (the one of
scripts/affected/cli.py, which the script runs).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from affected.cli import build_parser


def _root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / ".github/workflows/ci.yaml").is_file():
            return parent
    raise RuntimeError(".github/workflows is not in this sandbox (BUILD: //:ci)")


ROOT = _root()
WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yaml"))

# The part of GitHub's workflow syntax these files rely on.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "on", "jobs"],
    "properties": {
        "on": {"type": "object", "minProperties": 1},
        "jobs": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["runs-on", "steps"],
                "properties": {
                    "needs": {"type": ["string", "array"]},
                    "if": {"type": "string"},
                    "env": {"type": "object"},
                    "steps": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "oneOf": [{"required": ["run"]}, {"required": ["uses"]}],
                            "properties": {"run": {"type": "string"}, "uses": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}
REPO_PATH = re.compile(r"(?<![\w./-])(\./pants|\.ci/run|scripts/[\w./-]+)")
EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")


def load(path: Path) -> dict[str, Any]:
    raw: dict[Any, Any] = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as the boolean true.
    return {("on" if key is True else key): value for key, value in raw.items()}


def runs(workflow: dict[str, Any]) -> list[str]:
    return [s["run"] for job in workflow["jobs"].values() for s in job["steps"] if "run" in s]


def missing_paths(command: str, root: Path) -> list[str]:
    return [p for p in REPO_PATH.findall(command) if not (root / p).exists()]


def affected_images_errors(command: str) -> list[str]:
    """What the script's parser refuses in each of its invocations in `command`."""
    errors = []
    words = shlex.split(EXPRESSION.sub("EXPR", command.replace("\\\n", " ")))
    for i, word in enumerate(words):
        if word.endswith("scripts/affected_images.py"):
            ends = [j for j in range(i + 1, len(words)) if words[j] in {"|", "&&", ";"}]
            argv = words[i + 1 : ends[0] if ends else len(words)]
            try:
                build_parser().parse_args(argv)
            except SystemExit:
                errors.append(" ".join(argv))
    return errors


def test_there_are_the_ci_and_release_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yaml", "release.yaml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_the_workflow_is_well_formed(path: Path) -> None:
    jsonschema.validate(load(path), SCHEMA)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_repository_path_a_step_runs_exists(path: Path) -> None:
    commands = runs(load(path))
    assert any(REPO_PATH.search(c) for c in commands)
    assert [m for c in commands for m in missing_paths(c, ROOT)] == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_affected_images_is_called_with_flags_it_has(path: Path) -> None:
    assert [e for c in runs(load(path)) for e in affected_images_errors(c)] == []


def test_the_checks_catch_a_stale_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert missing_paths("bash .ci/run && scripts/gone.py", ROOT) == ["scripts/gone.py"]
    assert affected_images_errors('scripts/affected_images.py --base "${{ x }}"') != []
    assert affected_images_errors("scripts/affected_images.py --working-tree --since main") != []
    assert affected_images_errors("scripts/affected_images.py --since main --publish") == []
    capsys.readouterr()  # argparse's usage messages


def test_ci_runs_the_check_then_pushes_only_the_affected_images_from_main() -> None:
    ci = load(ROOT / ".github/workflows/ci.yaml")
    assert set(ci["on"]) == {"push", "pull_request"}
    assert runs({"jobs": {"check": ci["jobs"]["check"]}}) == ["bash .ci/run"]
    images = ci["jobs"]["images"]
    assert images["needs"] == "check"
    assert "refs/heads/main" in images["if"]
    assert images["env"]["IMAGE_TAG"] == "${{ github.sha }}"
    (publish,) = (c for c in runs({"jobs": {"images": images}}) if "affected_images.py" in c)
    assert "--publish" in publish
    assert '--since "${{ steps.base.outputs.sha }}"' in publish
    assert "gh run list --workflow ci.yaml --branch main" in "".join(runs(ci))


def test_a_release_tag_pushes_every_image_with_the_tag() -> None:
    release = load(ROOT / ".github/workflows/release.yaml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    (job,) = release["jobs"].values()
    assert job["env"]["IMAGE_TAG"] == "${{ github.ref_name }}"
    (command,) = runs(release)
    assert command.split()[0] == "./pants"
    assert command.split()[-2:] == ["publish", "deploy/docker::"]
