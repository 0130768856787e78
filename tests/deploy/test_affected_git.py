"""scripts/affected/git.py against small throwaway git repositories (no Pants)."""

from __future__ import annotations

from pathlib import Path

import pytest

import deploy.affected_repo as demo
from affected.errors import ToolError, UsageError
from affected.git import Git, toplevel


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    demo.git(path, "init", "-q", "-b", "main")
    demo.write(path, {".gitignore": "*.log\n", "a.py": "a\n", "gone.py": "x\n", "sub/b.py": "b\n"})
    demo.commit(path, "first")
    return path


def test_toplevel(repo: Path, tmp_path: Path) -> None:
    assert toplevel(repo / "sub") == repo.resolve()
    outside = tmp_path / "outside"
    outside.mkdir()
    with pytest.raises(UsageError, match="is not inside a git repository"):
        toplevel(outside)


def test_changed_files_of_a_commit_range_and_of_the_working_tree(repo: Path) -> None:
    base = demo.git(repo, "rev-parse", "HEAD").strip()
    demo.git(repo, "mv", "sub/b.py", "sub/c.py")
    demo.write(repo, {"a.py": "a2\n", "gone.py": None, "new.py": "n\n"})
    demo.commit(repo, "second")
    git = Git(repo)
    # No rename detection: a move is a deletion and an addition, as Pants sees it.
    assert git.changed_files(base, working_tree=False) == {
        "a.py": "M",
        "gone.py": "D",
        "new.py": "A",
        "sub/b.py": "D",
        "sub/c.py": "A",
    }
    demo.write(repo, {"a.py": "a3\n", "sub/untracked.py": "u\n", "ignored.log": "i\n"})
    assert git.changed_files("unused", working_tree=True) == {"a.py": "M", "sub/untracked.py": "A"}
    assert git.dirty_paths() == ["a.py", "sub/untracked.py"]


def test_show_a_file_at_a_commit(repo: Path) -> None:
    git = Git(repo)
    assert git.show("HEAD", "sub/b.py") == "b\n"
    assert git.show("HEAD", "nope.py") is None


def test_refs(repo: Path) -> None:
    git = Git(repo)
    head = demo.git(repo, "rev-parse", "HEAD").strip()
    assert git.commit_of("main") == head
    with pytest.raises(UsageError, match="unknown git ref 'nope'"):
        git.commit_of("nope")
    assert git.main_branch() == "main"
    demo.git(repo, "update-ref", "refs/remotes/origin/main", head)
    assert git.main_branch() == "origin/main"
    assert git.merge_base("main", head) == head
    demo.git(repo, "checkout", "-q", "--orphan", "lonely")
    demo.commit(repo, "unrelated")
    with pytest.raises(UsageError, match="HEAD and 'main' have no common ancestor"):
        git.merge_base("main", head)


def test_no_main_branch(repo: Path) -> None:
    demo.git(repo, "branch", "-m", "main", "trunk")
    with pytest.raises(UsageError, match="no main branch found"):
        Git(repo).main_branch()


def test_a_failing_git_command_is_a_tool_error(repo: Path) -> None:
    with pytest.raises(ToolError, match=r"git failed \(exit \d+\): git diff --no-such-flag"):
        Git(repo)("diff", "--no-such-flag")
