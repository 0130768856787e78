#!/usr/bin/env python3
"""Which service images does a change reach? Runs the CLI of the `affected` package beside it.

    scripts/affected_images.py                      # since the merge base with main (clean tree)
    scripts/affected_images.py --since origin/main  # since the merge base with a ref
    scripts/affected_images.py --working-tree       # uncommitted (and untracked) changes only
    scripts/affected_images.py --format json --build

Needs only the standard library (any Python 3.11): run directly, this file's directory is on
sys.path, so `affected` is found. How it works, exit statuses: scripts/affected/__init__.py.
"""

import sys

from affected.cli import main

if __name__ == "__main__":
    sys.exit(main())
