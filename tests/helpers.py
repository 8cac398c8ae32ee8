"""Test helpers: build small multi-file projects in tmp_path and scan them."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis import loader
from ssot_audit.config import Config, parse_table
from ssot_audit.model import AuditResult

MARKER = re.compile(r"\[(SSOT\d{3})\]")


def write_project(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: source}`` under ``root`` (sources are dedented)."""
    for rel, source in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return root


def record_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The list that the files parsed from now on (not served by a cache) are appended to, by repo-relative path."""
    parsed: list[str] = []
    real = loader.analyze_bytes

    def counting(data: bytes, relpath: str) -> loader.FileOutcome:
        parsed.append(relpath)
        return real(data, relpath)

    monkeypatch.setattr(loader, "analyze_bytes", counting)
    return parsed


def scan_project(root: Path, table: dict | None = None, **config: object) -> AuditResult:
    """Scan with a config built from a ``[tool.ssot-audit]``-style table (zero-config when None)."""
    cfg = parse_table(table) if table is not None else Config()
    if config:
        cfg = cfg.with_overrides(**config)
    return api.scan(root, config=cfg, jobs=1)


def triples(result: AuditResult, code: str | None = None) -> set[tuple[str, str, int]]:
    """(code, path, line) of every finding (of one code)."""
    return {(f.code, f.location.path, f.location.line) for f in result.findings if code is None or f.code == code}


def markers(root: Path) -> set[tuple[str, str, int]]:
    """(code, path, line) of every ``# [SSOTxxx]`` marker under ``root``."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        text = path.read_bytes().decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), 1):
            for code in MARKER.findall(line):
                found.add((code, path.relative_to(root).as_posix(), number))
    return found
