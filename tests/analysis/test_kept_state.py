"""The kept whole-program state, restored against a project after calls-only edits, reading no module's facts,
answers as the project's freshly built import sites, graph, concept model and tables.

Project A is loaded and its state kept (``snapshot_state``); the tree is edited as a calls-only edit does (blank
lines at the top and ``print(0)`` calls in function bodies: every line moves), project B is loaded, every
``ModuleInfo.facts`` of B is wrapped in a proxy that records which module was read, and A's state is restored
against B's index and a new resolver. Nothing is read; then the restored state is compared with B's own.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from ssot_audit import api, capture
from ssot_audit.analysis.graph import ImportGraph
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.kept_methods import KeptMethods
from ssot_audit.analysis.kept_state import Restored, read_state, restore_state, snapshot_state
from ssot_audit.analysis.linemap import LineMap, line_digest
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.model.moved import NewLine, moved_result
from ssot_audit.project import Project

from tests.analysis.test_concept_snapshot import DJANGO, SAMPLE, _answers, _copy, _edit_tree, _load
from tests.helpers import incremental_project, write_project


class _Recording:
    """A module's facts that note, on every attribute read, that the module was read."""

    def __init__(self, facts: object, module: str, read: set[str]) -> None:
        self._facts, self._module, self._read = facts, module, read

    def __getattr__(self, name: str) -> Any:
        self._read.add(self._module)
        return getattr(self._facts, name)


def _record_reads(index: ProjectIndex) -> set[str]:
    """Wrap each module's facts in ``_Recording``; the set the modules read are added to."""
    read: set[str] = set()
    for info in index.iter_modules():
        object.__setattr__(info, "facts", _Recording(info.facts, info.name, read))
    return read


def _stop_recording(index: ProjectIndex) -> None:
    for info in index.iter_modules():
        recording = info.facts
        assert isinstance(recording, _Recording)
        object.__setattr__(info, "facts", recording._facts)


def _texts(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def _moves(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, NewLine]:
    """Each edited file's line map, as the scan works it out (``analysis.linemap``)."""
    return {path: LineMap.between(line_digest(old), line_digest(after[path])).new_line
            for path, old in before.items() if after[path] != old}  # fmt: skip


def _module_names(project: Project) -> dict[str, str]:
    return {info.relpath: info.name for info in project.index.iter_modules()}


def _graph_answers(graph: ImportGraph, modules: list[str]) -> dict[str, Any]:
    """What the rules, ``api._audit`` and the exports ask of a graph."""
    return {
        "edges": {u: dict(t) for u, t in graph.edge_records().items()},
        "runtime": graph.runtime_edges(),
        "cycles": [graph.find_cycles(include_function_local=local) for local in (False, True)],
        "importers": [graph.find_importers(m) for m in modules],
        "dependencies": [graph.find_dependencies(m) for m in modules],
        "lines": [[graph.edge_lines(u, v, runtime_only=r, include_function_local=r) for v in graph.find_dependencies(u)
                   for r in (False, True)] for u in modules],  # fmt: skip
        "json": graph.to_json(),
    }


def _edit_bodies(root: Path) -> int:
    """``_edit_tree``, and ``print(0)`` before the last line of two-line bodies (the generated project's)."""
    added = _edit_tree(root, calls=True)
    for path in sorted(root.rglob("m*.py")):
        text = path.read_text(encoding="utf-8")
        edited = re.sub(r"^( +)(fetch_\d+\(\))$", r"\1print(0)\n\1\2", text, flags=re.MULTILINE)
        added += edited.count("print(0)") - text.count("print(0)")
        path.write_text(edited, encoding="utf-8")
    return added


def _restore_unread(first: Project, root: Path) -> tuple[Project, Restored, dict[str, NewLine]]:
    """A's state kept, ``root`` edited (calls only), B loaded and A's state restored on it reading no facts."""
    blob = snapshot_state(first.index, first.sites, first.graph, first.concepts, _module_names(first))
    before = _texts(root)
    assert _edit_bodies(root) > 0
    moves = _moves(before, _texts(root))
    second = _load(root)
    state = read_state(blob)
    assert state.module_names == _module_names(second)
    read = _record_reads(second.index)
    back = restore_state(state, second.index, Resolver(second.index), moves, unparsed=second.concepts.unparsed)
    assert back is not None
    methods = back.concepts.roles.methods
    assert isinstance(methods, KeptMethods) and methods.worked_out == 0  # no class's public methods worked out yet
    assert back.concepts.names._names == {} == back.concepts.names._paths  # no target's names or paths either
    tables = (capture.module_table(second.index), capture.symbol_imports(second.index, back.sites, back.concepts))
    assert read == set()  # not one module's facts: sites, graph, names, roles' methods, tables
    _stop_recording(second.index)
    assert tables == (capture.module_table(second.index),
                      capture.symbol_imports(second.index, second.sites, second.concepts))  # fmt: skip
    return second, back, moves


def _check(root: Path) -> Restored:
    first = _load(root)
    result = api.audit(first)
    second, back, moves = _restore_unread(first, root)
    assert back.sites.sites == second.sites.sites and back.sites._by_target == second.sites._by_target
    modules = list(second.index.modules)
    assert _graph_answers(back.graph, modules) == _graph_answers(second.graph, modules)
    assert back.concepts.names.alias_names() == second.concepts.names.alias_names()
    assert _answers(back.concepts) == _answers(second.concepts)
    fresh = api.audit(second)
    tables = dataclasses.replace(result, findings=(), suppressed=())  # findings are the rules' (``rerun``)
    moved = moved_result(tables, moves, fresh.stats.lines)
    assert moved is not None  # the last result's concept table and symbol imports, moved, are the new ones
    assert (moved.concepts, moved.symbol_imports, moved.import_edges) == (fresh.concepts, fresh.symbol_imports,
                                                                         fresh.import_edges)  # fmt: skip
    return back


def test_sample_repo(tmp_path: Path) -> None:
    back = _check(_copy(SAMPLE, tmp_path / "sample"))
    assert len(back.sites.sites) == 111 and back.concepts.names.alias_names()


def test_the_generated_project(tmp_path: Path) -> None:
    back = _check(write_project(tmp_path, incremental_project()))
    assert len(back.sites.sites) == 28 and back.graph.runtime_edges()


@pytest.mark.skipif(not DJANGO.is_dir(), reason="set SSOT_CORPUS to the directory where django-5.2.19 is unpacked")
def test_django_models(tmp_path: Path) -> None:
    """``django.db.models``: 43 modules, deep hierarchies (expressions, fields, lookups), relative imports."""
    root = tmp_path / "slice"
    models = _copy(DJANGO / "db" / "models", root / "django" / "db" / "models")
    for package in (models.parent, models.parent.parent):
        (package / "__init__.py").write_text("", encoding="utf-8")
    back = _check(root)
    assert len(back.concepts.roles.methods) == 367 and len(back.sites.sites) == 430
    assert len(back.concepts.names.alias_names()) == 1


def test_a_line_the_edit_changed_is_refused(tmp_path: Path) -> None:
    """A kept import line that the map drops: the state is not the new project's (None, the whole scan runs)."""
    root = write_project(tmp_path, incremental_project())
    first = _load(root)
    blob = snapshot_state(first.index, first.sites, first.graph, first.concepts, _module_names(first))
    site = first.sites.sites[0]
    path = first.index.get_module(site.importer).relpath
    back = restore_state(read_state(blob), first.index, Resolver(first.index),
                         {path: lambda line: None if line == site.line else line})  # fmt: skip
    assert back is None
