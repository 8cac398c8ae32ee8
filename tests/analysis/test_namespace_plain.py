"""``Namespaces.find_definers`` looks names up module by module for the first few names, then from an index of
every binding: both give the plain definition's answer (modules in index order whose module-level bindings of the
name include a ``def``, a ``class`` or an assignment, not only imports). Asked for every bound name of sample_repo
and of a generated monorepo (far more names than the one-by-one budget), plus names nothing binds."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.monorepo_gen.generate import generate
from ssot_audit import api
from ssot_audit.analysis.facts import B_CLASS, B_DEF, B_IMPORT
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.namespace import _DEFINERS_ONE_BY_ONE, Namespaces
from ssot_audit.config import Config

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_repo"


def plain_definers(index: ProjectIndex, name: str) -> tuple[str, ...]:
    """The definition, module by module."""
    return tuple(info.name for info in index.iter_modules()
                 if any(b.kind in (B_DEF, B_CLASS) or (b.kind != B_IMPORT and b.value is not None)
                        for b in info.facts.bindings.get(name, ())))  # fmt: skip


@pytest.mark.parametrize("which", ["sample", "monorepo"])
def test_find_definers_is_the_plain_definition(which: str, tmp_path: Path) -> None:
    root = SAMPLE if which == "sample" else tmp_path
    if which == "monorepo":
        generate(tmp_path, files=200, seed=3)
    project = api.load_project(root, Config(), jobs=1)
    spaces = Namespaces(project.index, project.resolver)
    names = sorted({n for info in project.index.iter_modules() for n in info.facts.bindings}) + ["__nothing__", "zz"]
    assert len(names) > 2 * _DEFINERS_ONE_BY_ONE
    answers = {name: spaces.find_definers(name) for name in names}
    assert answers == {name: plain_definers(project.index, name) for name in names}
    assert sum(bool(found) for found in answers.values()) > _DEFINERS_ONE_BY_ONE
    assert answers == {name: spaces.find_definers(name) for name in names}  # memoised answers are the same
