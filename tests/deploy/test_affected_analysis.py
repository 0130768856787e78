"""scripts/affected/analysis.py: the reports, and one analysis from git and a stand-in Pants."""

from __future__ import annotations

import json
from pathlib import Path

import deploy.affected_repo as demo
from affected.analysis import Result, analyse, image_name
from affected.git import Git
from affected.graph import Reason
from affected.pants import Pants
from deploy.fake_pants import FakePants

LOCK = "3rdparty/python/default.lock"
ALPHA = "3rdparty/python:reqs#alpha"
IMAGE = "deploy/docker:svc_a"


def result() -> Result:
    reasons = [Reason(LOCK, via=[ALPHA], packages=["gamma 1.0 -> 1.1", "x 1 -> 2"]), Reason("a.py")]
    return Result(
        base="0123456789abcdef",
        mode="since main",
        changed_files={"a.py": "M", LOCK: "M", "docs/x.md": "A"},
        images={IMAGE: reasons, "deploy/docker/b": []},
        unowned_files=["docs/x.md"],
    )


def test_the_text_report() -> None:
    lock_reason = f"{LOCK} (gamma 1.0 -> 1.1; x 1 -> 2)"
    assert result().as_text() == f"deploy/docker/b\n{IMAGE}\n    {lock_reason}\n    a.py\n"
    empty = Result("0123456789abcdef", "working-tree", {"a": "M", "b": "D"}, {}, ["a"])
    assert empty.as_text() == "No image is affected (2 changed files since 0123456789ab).\n"


def test_the_json_report() -> None:
    assert result().as_json() == {
        "base": "0123456789abcdef",
        "mode": "since main",
        "changed_files": ["3rdparty/python/default.lock", "a.py", "docs/x.md"],
        "unowned_files": ["docs/x.md"],
        "images": [
            {"address": "deploy/docker/b", "name": "b", "reasons": []},
            {
                "address": IMAGE,
                "name": "svc_a",
                "reasons": [
                    {"file": LOCK, "via": [ALPHA], "packages": ["gamma 1.0 -> 1.1", "x 1 -> 2"]},
                    {"file": "a.py", "via": [], "packages": []},
                ],
            },
        ],
    }


def test_image_name() -> None:
    assert image_name("deploy/docker:orders") == "orders"
    assert image_name("deploy/docker/orders") == "orders"


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    demo.git(repo, "init", "-q", "-b", "main")
    demo.write(
        repo,
        {
            "pants.toml": f'[python]\ndefault_resolve = "d"\n[python.resolves]\nd = "{LOCK}"\n',
            LOCK: demo.lockfile(demo.LOCKED),
            "docs/x.md": "x\n",
        },
    )
    demo.commit(repo, "first")
    return repo


def _peek() -> str:
    targets = [
        {"address": LOCK, "target_type": "_lockfiles", "sources": [LOCK]},
        {
            "address": ALPHA,
            "target_type": "python_requirement",
            "dependencies": [LOCK],
            "requirements": ["alpha==1.0"],
        },
        {"address": IMAGE, "target_type": "docker_image", "dependencies": [ALPHA]},
    ]
    return json.dumps(targets)


def test_a_working_tree_lockfile_change_is_diffed_against_head(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    fake = FakePants(tmp_path / "fake")
    fake.respond("list", f"{LOCK}\n")
    fake.respond("peek", _peek())
    demo.write(repo, {LOCK: demo.lockfile(dict(demo.LOCKED, gamma=("1.1", []))), "new.md": "n"})
    git, pants = Git(repo), Pants(repo, str(fake.launcher), [])
    head = git.commit_of("HEAD")
    found = analyse(repo, git, pants, head, "working-tree", working_tree=True)
    assert found.images == {IMAGE: [Reason(LOCK, via=[ALPHA], packages=["gamma 1.0 -> 1.1"])]}
    assert found.unowned_files == ["new.md"]
    # Committed, the same change is diffed between the base and HEAD; the tree is not read.
    demo.commit(repo, "bump gamma")
    demo.write(repo, {LOCK: "not even JSON"})
    found = analyse(repo, git, pants, head, "since main", working_tree=False)
    assert list(found.images) == [IMAGE]


def test_no_change_asks_pants_nothing(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    fake = FakePants(tmp_path / "fake")
    git = Git(repo)
    head = git.commit_of("HEAD")
    found = analyse(repo, git, Pants(repo, str(fake.launcher), []), head, "x", working_tree=False)
    assert found == Result(head, "x", {}, {}, [])
    assert fake.calls() == []
