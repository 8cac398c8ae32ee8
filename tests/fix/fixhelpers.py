"""Helpers for fix tests: build a project, fix it in memory, read the fixed files."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ssot_audit.config import Config, parse_table
from ssot_audit.fixing import FixOptions, FixOutcome, fix_tree
from tests.helpers import write_project


def fix_project(root: Path, files: dict[str, str], *, table: dict | None = None, unsafe: bool = False,
                codes: tuple[str, ...] = (), raw: dict[str, bytes] | None = None) -> FixOutcome:  # fmt: skip
    """Write ``files`` (dedented) and ``raw`` (bytes as given) under ``root`` and fix them in memory."""
    write_project(root, files)
    for rel, data in (raw or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    config = parse_table(table) if table is not None else Config()
    wanted = (lambda f: f.code in codes) if codes else (lambda f: True)
    return fix_tree(root, config, FixOptions(wanted, unsafe=unsafe, jobs=1, cache_dir=None))


def after(outcome: FixOutcome, path: str, encoding: str = "utf-8") -> str:
    """The fixed text of one file (which must have changed)."""
    return outcome.after[path].decode(encoding)


def dedent(source: str) -> str:
    """What ``write_project`` writes for ``source``."""
    return textwrap.dedent(source).lstrip("\n")
