"""The one error the history store raises: a message that says what is wrong with which file."""

from __future__ import annotations


class HistoryError(Exception):
    """A history file that cannot be used (corrupt, newer schema, not ours, locked) or a failed git step.

    The CLI reports it with exit code 2. The store never resets or overwrites a file it cannot read.
    """
