"""The two ways a run fails, and the exit status of each."""

EXIT_USAGE = 2
EXIT_TOOL = 3


class UsageError(Exception):
    """The request cannot be answered as asked (exit status 2)."""


class ToolError(Exception):
    """git or Pants failed (exit status 3)."""
