"""Which service images does a change reach? The package behind scripts/affected_images.py.

Asks the Pants dependency graph which `docker_image` targets a change reaches, transitively, and
prints them with the reason (the changed files that reach each one); `--build` / `--publish`
then run `pants package` / `pants publish` on exactly those images.

    scripts/affected_images.py                      # since the merge base with main (clean tree)
    scripts/affected_images.py --since origin/main  # since the merge base with a ref
    scripts/affected_images.py --working-tree       # uncommitted (and untracked) changes only
    scripts/affected_images.py --format json --build

How it works (two Pants invocations):

1. `pants --changed-since=BASE list` gives the targets that own a changed file (Pants' own
   ownership rules: generated targets for live files, target generators for deleted files, every
   target of a changed BUILD file).
2. `pants --changed-since=BASE --changed-dependents=transitive peek` gives those targets plus all
   their transitive dependents, with their types and dependencies. The images are the
   `docker_image` targets reachable from the changed targets in that graph.

Third-party requirements are the exception. Pants sees a lockfile or requirements-file change as
touching every requirement of the resolve (and so every image). Instead the lockfile is diffed
between the base and the tree: a package whose version or artifacts changed reaches the
top-level requirements that pull it in (directly or transitively, honouring extras), and a
changed line of a requirements .txt file reaches its own requirement. Only the
`python_requirement` targets found that way seed the graph walk.

BASE is a commit: the merge base of HEAD with `--since` (default: the main branch), or HEAD for
`--working-tree`. Pants always adds uncommitted and untracked files to a `--changed-since`
diff, so a ref range is refused on a dirty tree rather than silently mixing both.

Exit status: 0 on success (also when no image is affected), 2 for a usage error (unknown ref,
dirty tree, not a git repository), 3 when Pants (or git) fails.

The modules, each usable and tested on its own:

    errors.py    the two failures and their exit statuses
    process.py   running git or Pants, failures as ToolError
    git.py       the git adapter: refs, dirty paths, changed files, file contents at a commit
    pants.py     the Pants adapter: changed targets, the dependents graph, package/publish
    lockfile.py  requirement strings, lockfile and requirements-file diffs (pure)
    graph.py     changed files -> seed targets, seeds -> reached images (pure)
    analysis.py  one analysis from git and Pants, and its text and JSON reports
    cli.py       the command line
"""
