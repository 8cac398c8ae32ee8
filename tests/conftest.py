"""Suite-wide setup: tests never write into the user's real cache directory.

CLI scans cache per-file results under ``$XDG_CACHE_HOME``. The variable is set for the whole session (before any
fixture, including session-scoped ones that run the CLI, and inherited by subprocesses) and removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_SAVED: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    _SAVED["XDG_CACHE_HOME"] = os.environ.get("XDG_CACHE_HOME")
    _SAVED["dir"] = tempfile.mkdtemp(prefix="ssot-audit-test-cache-")
    os.environ["XDG_CACHE_HOME"] = _SAVED["dir"]


def pytest_unconfigure(config: pytest.Config) -> None:
    previous = _SAVED.get("XDG_CACHE_HOME")
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous
    if _SAVED.get("dir"):
        shutil.rmtree(str(_SAVED["dir"]), ignore_errors=True)
