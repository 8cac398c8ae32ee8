"""The cycles of the last scan served again (``ImportGraph(kept_cycles=...)``) equal the cycles of the graph, edit
after edit: imports added and removed inside and outside cycles, function-local and ``TYPE_CHECKING`` imports,
files added, removed and renamed, lines moved."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis.graph import Cycle, CyclesKey, ImportGraph, Importers
from ssot_audit.config import Config
from ssot_audit.project import load_project

from tests.helpers import write_project

MODULES = 7


def _project() -> dict[str, str]:
    files = {f"pkg/m{i}.py": f"from pkg import m{(i + 1) % MODULES}\n\n\ndef f():\n    return 1\n" for i in range(MODULES)}
    files["pkg/__init__.py"] = ""
    return files


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit of the import structure; returns what it did."""
    paths = sorted((root / "pkg").glob("m*.py"))
    path = rng.choice(paths)
    text = path.read_text(encoding="utf-8")
    other = f"m{rng.randrange(MODULES + 2)}"
    kind = rng.choice(["import", "local-import", "type-checking", "remove", "delete", "rename", "new", "moved"])
    if kind == "import":
        text = f"from pkg import {other}\n" + text
    elif kind == "local-import":
        text += f"\n\ndef g():\n    from pkg import {other}\n"
    elif kind == "type-checking":
        text = f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import {other}\n" + text
    elif kind == "remove" and "import" in text:
        lines = text.splitlines(keepends=True)
        del lines[rng.choice([n for n, line in enumerate(lines) if line.startswith("from pkg")] or [0])]
        text = "".join(lines)
    elif kind == "delete" and len(paths) > 3:
        path.unlink()
        return f"delete {path.name}"
    elif kind == "rename":
        target = path.with_name(f"{other}.py")
        if not target.exists():
            path.rename(target)
            return f"rename {path.name} -> {target.name}"
    elif kind == "new":
        path, text = root / "pkg" / f"{other}.py", f"from pkg import {path.stem}\n"
    elif kind == "moved":  # the cycles' edges keep their modules, their lines move
        text = "# moved\n" + text
    path.write_text(text, encoding="utf-8")
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", [21, 22, 23, 24, 25])
def test_kept_cycles_are_the_cycles_of_the_graph(tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", _project())
    computed: list[int] = []
    real = ImportGraph._find_cycles

    def counting(self: ImportGraph, runtime: Mapping[str, list[str]]) -> tuple[Cycle, ...]:
        computed.append(len(runtime))
        return real(self, runtime)

    monkeypatch.setattr(ImportGraph, "_find_cycles", counting)
    rng = random.Random(seed)
    kept: dict[CyclesKey, tuple[Cycle, ...]] = {}
    importers: Importers = {}
    done: list[str] = []
    served = 0
    for _ in range(25):
        index = load_project(root, Config(), jobs=1).index
        reused = ImportGraph(index, kept_cycles=kept, kept_importers=lambda: importers)
        for local in (False, True):
            computed.clear()
            found = reused.find_cycles(include_function_local=local)
            served += not computed
            computed.clear()
            assert found == ImportGraph(index).find_cycles(include_function_local=local), done
            assert computed  # the plain graph worked them out
        kept, importers = reused.cycles_asked, reused.importers_asked
        done.append(_edit(root, rng))
    assert served > 0  # edits that leave the runtime edges alone (moved lines, TYPE_CHECKING imports) reuse them,
    # and so do edits of modules in no cycle that nothing imports (see the test below)


def test_a_source_module_changed_serves_the_last_cycles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last cycles are served after an edit of the edges of a module nothing imports and in no cycle (one added,
    one removed, one that imports more); not after an edit of a module some module imports (it may close a cycle),
    nor of one in a cycle."""
    files = {**_project(), "pkg/side.py": "X = 1\n", "pkg/user.py": "from pkg import side\n",
             "pkg/a.py": "from pkg import b\n", "pkg/b.py": "from pkg import a\n"}
    root = write_project(tmp_path / "proj", files)
    computed: list[int] = []
    real = ImportGraph._find_cycles
    monkeypatch.setattr(ImportGraph, "_find_cycles", lambda self, runtime: computed.append(1) or real(self, runtime))
    graph = ImportGraph(load_project(root, Config(), jobs=1).index)
    graph.find_cycles()
    steps = [("pkg/t1.py", "from pkg import m1, side\n", True),  # added, imports a cycle's module
             ("pkg/user.py", "from pkg import side, m3\n", True),  # imports more; nothing imports it
             ("pkg/t1.py", None, True),  # removed
             ("pkg/side.py", "from pkg import m2\n", False),  # imported by user
             ("pkg/m4.py", "from pkg import m5, side\n", False),  # in the cycle
             ("pkg/t2.py", "from pkg import user\n", True),  # added, imports a module changed before
             ("pkg/side.py", "from pkg import user\n", False),  # imported by user: a new cycle
             ("pkg/m4.py", "from pkg import m5\nimport pkg.t2\n", False),  # in the cycle
             ("pkg/a.py", None, False)]  # in a cycle of two: b, imported by nothing now, changes too
    for path, text, served in steps:
        if text is None:
            (root / path).unlink()
        else:
            (root / path).write_text(text, encoding="utf-8")
        index = load_project(root, Config(), jobs=1).index
        again = ImportGraph(index, kept_cycles=graph.cycles_asked, kept_importers=lambda g=graph: g.importers_asked)
        computed.clear()
        found = again.find_cycles()
        assert (not computed) == served, path
        assert found == ImportGraph(index).find_cycles(), path
        graph = again


def test_a_scan_after_a_test_module_added_computes_no_cycles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", {**_project(), "tests/__init__.py": ""})
    first = api.scan_tree(root, Config(), jobs=1, cache_dir=tmp_path / "cache").result
    assert [f.code for f in first.findings] == ["SSOT202"]
    (root / "tests/test_new.py").write_text("from pkg import m3\n\n\ndef test_it():\n    assert m3\n")
    computed: list[int] = []
    real = ImportGraph._find_cycles
    monkeypatch.setattr(ImportGraph, "_find_cycles", lambda self, runtime: computed.append(1) or real(self, runtime))
    again = api.scan_tree(root, Config(), jobs=1, cache_dir=tmp_path / "cache").result
    assert computed == []
    monkeypatch.undo()
    assert again.findings == api.scan_tree(root, Config(), jobs=1).result.findings


def test_a_scan_after_an_edit_that_keeps_the_edges_computes_no_cycles(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    root = write_project(tmp_path / "proj", _project())
    first = api.scan_tree(root, Config(), jobs=1, cache_dir=tmp_path / "cache").result
    assert [f.code for f in first.findings] == ["SSOT202"]
    edited = root / "pkg" / "m3.py"
    edited.write_text("# a line above every import\n" + edited.read_text(encoding="utf-8"), encoding="utf-8")
    computed: list[int] = []
    real = ImportGraph._find_cycles
    monkeypatch.setattr(ImportGraph, "_find_cycles", lambda self, runtime: computed.append(1) or real(self, runtime))
    again = api.scan_tree(root, Config(), jobs=1, cache_dir=tmp_path / "cache").result
    assert computed == []
    assert again.findings == api.scan_tree(root, Config(), jobs=1).result.findings
