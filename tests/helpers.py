"""Test helpers: build small multi-file projects in tmp_path and scan them."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis import loader
from ssot_audit.config import Config, parse_table
from ssot_audit.fixing import with_fixes
from ssot_audit.model import AuditResult
from ssot_audit.reporters import REPORTERS

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


MODULES = 8


def _module(i: int) -> str:
    """A module with classes, sync and async functions, cross-module imports, awaits and dropped coroutines, so
    every edit of the random-edit tests can change findings of several rules in other files (related locations included)."""
    j, k = (i + 1) % MODULES, (i + 3) % MODULES
    return f'''
        """Module {i}."""
        from pkg.m{j} import get_{j}, fetch_{j}
        from pkg import Manager{k % 3}


        class Manager{i % 3}:
            def connect(self) -> None:
                return None

            def send(self, data: bytes) -> int:
                return len(data)

            def close(self) -> None:
                return None


        class Shim{i}(Manager{k % 3}):
            pass


        def get_{i}() -> Manager{i % 3}:
            return Manager{i % 3}()


        async def fetch_{i}() -> int:
            return 1


        async def use_{i}() -> None:
            await get_{j}()
            fetch_{j}()
    '''


def incremental_project() -> dict[str, str]:
    """A package of ``MODULES`` modules importing each other (``_module``) for the cache's random-edit tests."""
    files = {f"pkg/m{i}.py": _module(i) for i in range(MODULES)}
    files["pkg/__init__.py"] = "".join(f"from pkg.m{i} import Manager{i}\n" for i in range(3))
    files["pkg/compat.py"] = "from pkg.m1 import get_1 as get_one\n"
    return files


def fixable_project() -> dict[str, str]:
    """``incremental_project`` and imports through a re-export (SSOT201) and of a class's second name (SSOT102), whose fixes
    read other files than the finding's."""
    return {**incremental_project(), "app/__init__.py": "", "app/core/__init__.py": "from app.core.store import make_store, Store\n",
            "app/core/store.py": "class Store:\n    pass\n\ndef make_store():\n    return Store()\n",
            "app/a.py": "from app.core.store import make_store\n", "app/b.py": "from app.core.store import make_store\n",
            "app/use.py": "from app.core import make_store  # via the package\n\nSTORE = make_store()\n",
            "pkg/legacy.py": "from pkg.m0 import Manager0\n\nLegacyManager = Manager0\n",
            "pkg/old_user.py": "from pkg.legacy import LegacyManager\n\nM = LegacyManager()\n"}  # fmt: skip


def scan_output(root: Path, cache: Path | None, fmt: str = "json", fixes: bool = False) -> str:
    """``root`` scanned through ``api.scan_tree`` (with ``cache`` as its cache directory; None: no cache), rendered
    in ``fmt``; ``fixes``: the JSON scan's fixes attached, as the CLI does."""
    finish = {"finish": with_fixes, "finish_name": "fixes"} if fixes else {}
    scanned = api.scan_tree(root, Config(), jobs=1, cache_dir=cache, **finish)  # type: ignore[arg-type]
    return REPORTERS[fmt](scanned.result)


def scanned_tree(tmp_path: Path, files: dict[str, str] | None = None, *, both_scopes: bool = False) -> tuple[Path, Path]:
    """``files`` (default ``incremental_project``) written under ``tmp_path`` and scanned once into a cache there;
    returns (root, cache). ``both_scopes``: scanned as CI's JSON scans (with fixes) and the pre-commit hook's text
    scans do, each keeping its own last result in the cache, so the random-edit tests follow both."""
    root, cache = write_project(tmp_path / "proj", incremental_project() if files is None else files), tmp_path / "cache"
    for fixes in (True, False) if both_scopes else (False,):
        scan_output(root, cache, "json" if fixes else "text", fixes)
    return root, cache
