"""The command line: flags, output formats and exit statuses (see the package docstring)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from affected.analysis import Result, analyse
from affected.errors import EXIT_TOOL, EXIT_USAGE, ToolError, UsageError
from affected.git import Git, toplevel
from affected.pants import Pants

# How many of the dirty paths the refusal names.
_DIRTY_SHOWN = 5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="List (and optionally build or publish) the docker images a change reaches.",
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--since",
        metavar="REF",
        help="compare HEAD with its merge base with REF (default: the main branch)",
    )
    what.add_argument(
        "--working-tree",
        action="store_true",
        help="only the uncommitted changes (tracked and untracked) against HEAD",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--build", action="store_true", help="pants package the images")
    action.add_argument("--publish", action="store_true", help="pants publish the images")
    parser.add_argument(
        "--pants",
        default=os.environ.get("AFFECTED_IMAGES_PANTS"),
        help="the Pants launcher (default: ./pants in the repository root)",
    )
    parser.add_argument(
        "--pants-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra global argument for every Pants run, e.g. --pants-arg=--no-pantsd",
    )
    parser.add_argument(
        "--repo", type=Path, default=None, help="repository root (default: git's top level)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result, pants = run(args)
    except UsageError as e:
        print(f"affected_images: {e}", file=sys.stderr)
        return EXIT_USAGE
    except ToolError as e:
        print(f"affected_images: {e}", file=sys.stderr)
        return EXIT_TOOL
    if args.format == "json":
        json.dump(result.as_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(result.as_text())
        if result.unowned_files:
            print(
                f"({len(result.unowned_files)} changed files reach no target, e.g. "
                f"{', '.join(result.unowned_files[:3])})",
                file=sys.stderr,
            )
    sys.stdout.flush()
    if args.build or args.publish:
        goal = "publish" if args.publish else "package"
        if not result.images:
            print(f"affected_images: no image to {goal}", file=sys.stderr)
            return 0
        try:
            pants.run_goal(goal, sorted(result.images))
        except ToolError as e:
            print(f"affected_images: {e}", file=sys.stderr)
            return EXIT_TOOL
    return 0


def run(args: argparse.Namespace) -> tuple[Result, Pants]:
    """The analysis the parsed `args` ask for, and the Pants that `--build`/`--publish` use."""
    root = toplevel(args.repo or Path.cwd())
    git = Git(root)
    pants = Pants(root, args.pants or str(root / "pants"), args.pants_arg)
    if args.working_tree:
        base, mode = git.commit_of("HEAD"), "working-tree"
    else:
        ref = args.since or git.main_branch()
        target = git.commit_of(ref)
        dirty = git.dirty_paths()
        if dirty:
            raise UsageError(
                f"the working tree has uncommitted changes ({', '.join(dirty[:_DIRTY_SHOWN])}"
                f"{', ...' if len(dirty) > _DIRTY_SHOWN else ''}); a ref range compares commits "
                "only. Commit or stash them, or use --working-tree for the uncommitted changes."
            )
        base, mode = git.merge_base(ref, target), f"since {ref}"
    return analyse(root, git, pants, base, mode, working_tree=args.working_tree), pants
