"""A scan lets go of what it no longer needs: the packs' bytes once their payloads are loaded, and the whole
project (every file's facts) as soon as the last reference to it goes, without waiting for the cyclic collector
(scans pause it, then freeze what survives: an object kept alive by a reference cycle stays until the process
ends or scans again)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest

from ssot_audit import api
from ssot_audit import project as loading
from ssot_audit.config import Config

from tests.helpers import write_project

PROJECT = {
    "app/__init__.py": "",
    "app/base.py": "class Base:\n    def run(self):\n        return 1\n",
    "app/impl.py": "from app.base import Base\n\n\nclass Impl(Base):\n    def run(self):\n        return 2\n",
    "app/use.py": "from app.impl import Impl\n\n\nasync def go():\n    return await Impl().run()\n",
}


def test_a_scanned_project_is_freed_by_reference_counting(tmp_path: Path) -> None:
    root = write_project(tmp_path / "src", PROJECT)
    project = api.load_project(root, Config(), jobs=1)
    result = api.audit(project)
    assert {f.code for f in result.findings} == {"SSOT401"}  # the resolver walked the MRO to find ``run``
    resolver, index = weakref.ref(project.resolver), weakref.ref(project.index)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del project
        assert resolver() is None and index() is None
    finally:
        if was_enabled:
            gc.enable()


def test_the_packs_are_let_go_once_loaded(tmp_path: Path) -> None:
    root = write_project(tmp_path / "src", PROJECT)
    store = tmp_path / "cache"
    api.scan_tree(root, Config(), jobs=1, cache_dir=store)
    (root / "app/use.py").write_text("from app.impl import Impl\n\n\ndef go():\n    return Impl().run()\n")
    found, tree = loading.walk_tree(root, Config(), loading.scope_key(root, Config(), api.ALL_RULES), store)
    assert tree is not None
    tree.load_payloads()
    assert len(tree.payloads.blobs) == len(PROJECT)
    loading.load_walked(root, Config(), found, jobs=1, progress=None, tree=tree, started=0.0)
    assert tree.payloads.blobs == {}
    assert len(tree.payloads.stored) == len(PROJECT)  # what compaction needs to know


def test_the_whole_program_answers_are_let_go_before_the_fixes_are_built(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``scan_tree``'s ``finish`` (building the fixes, at a scan's peak of memory) gets the facts, and the resolver,
    concepts, import sites and graph are freed by then."""
    root = write_project(tmp_path / "src", PROJECT)
    refs: list[weakref.ref[object]] = []
    audit = api._audit

    def audit_and_watch(project: loading.Project, **kwargs: Any) -> api.AuditResult:
        refs.extend(weakref.ref(part) for part in (project.resolver, project.concepts, project.sites, project.graph))
        return audit(project, **kwargs)

    alive: list[bool] = []

    def finish(loaded: api.Loaded, result: api.AuditResult, kept: dict[str, object]) -> api.AuditResult:
        alive.extend(ref() is not None for ref in refs)
        assert loaded.index.find_module("app.use") is not None
        return result

    monkeypatch.setattr(api, "_audit", audit_and_watch)
    scanned = api.scan_tree(root, Config(), jobs=1, finish=finish, finish_name="test")
    assert alive == [False, False, False, False]
    assert {f.code for f in scanned.result.findings} == {"SSOT401"}
