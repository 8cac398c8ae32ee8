"""``python -m ssot_audit``.

``python -m`` puts the current directory first on ``sys.path``; inside a scanned tree, a ``jinja2.py`` or
``networkx.py`` there would then be imported (and run) instead of the real library. The scanned code is never
executed, so that entry goes before anything else is imported: this package is already found through its own
``__path__``.
"""

import os
import sys


def _drop_cwd_from_path() -> None:
    cwd = os.getcwd()
    sys.path[:] = [entry for entry in sys.path if entry not in ("", ".", cwd)]


_drop_cwd_from_path()

from ssot_audit.cli import entry_point  # noqa: E402 - only once the current directory is off sys.path

entry_point()
