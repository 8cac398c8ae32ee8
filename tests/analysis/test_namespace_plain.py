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
from ssot_audit.analysis.roles import is_backup_path
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


def plain_namesakes(index: ProjectIndex, directory: str) -> list[str]:
    """The definition: directories of top-level packages or of no regular package, backup copies left out, that
    share ``directory``'s last name, sorted."""
    tops: set[str] = set()
    for info in index.iter_modules():
        package = info.name if info.is_package else info.name.rpartition(".")[0]
        where = info.relpath.rpartition("/")[0]
        if not is_backup_path(info.relpath) and ("." not in package or "__init__.py" not in index.find_directory_entries(where)):
            tops.add(where)
    return sorted(d for d in tops if d.rpartition("/")[2] == directory.rpartition("/")[2])


def test_namesakes_are_the_plain_definition(tmp_path: Path) -> None:
    from tests.helpers import write_project

    write_project(tmp_path / "plugins", {
        "lib/__init__.py": "", "lib/module_utils/__init__.py": "", "lib/module_utils/basic.py": "",
        "playbook/module_utils/extra.py": "", "playbook/module_utils/extra_old.py": "",
        "backup/module_utils/gone.py": "", "module_utils/top.py": "", "app/__init__.py": "",
        "app/module_utils/__init__.py": "", "app/module_utils/x_backup.py": "", "scripts/tool.py": "",
    })  # fmt: skip
    generate(tmp_path / "mono", files=200, seed=3)
    seen = 0
    for root in (tmp_path / "plugins", tmp_path / "mono", SAMPLE):
        project = api.load_project(root, Config(), jobs=1)
        spaces = Namespaces(project.index, project.resolver)
        for directory in project.index.iter_directories():
            assert spaces._namesakes(directory) == plain_namesakes(project.index, directory), directory
            seen += len(spaces._namesakes(directory)) > 1
    assert seen >= 2
