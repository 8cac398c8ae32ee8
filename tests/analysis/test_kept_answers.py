"""Equal memoised answers are one object (the resolver's name and attribute answers, the roles' method-name sets),
and keeping them once changes no answer: a resolver that keeps every answer as computed gives equal ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ssot_audit import api
from ssot_audit.analysis.concepts import ConceptModel
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.values import ClassValue, InstanceValue
from ssot_audit.config import Config

from tests.helpers import write_project

ROOT = Path(__file__).resolve().parent.parent.parent


class _KeepNothing(dict[Any, Any]):
    """The plain definition: every answer stays the object its computation made."""

    def setdefault(self, key: Any, default: Any = None) -> Any:
        return default


def _questions(project: api.Project) -> list[tuple[str, str, str]]:
    """Every name a function of the tree binds or reads, asked in that function, and every module-level name."""
    asked = []
    for info in project.index.iter_modules():
        asked += [(info.name, "", name) for name in info.facts.bindings]
        for func in info.facts.functions.values():
            asked += [(info.name, func.qualname, name) for name in (*func.locals.keys(), *func.name_uses.keys())]
    return asked


@pytest.mark.parametrize("tree", ["sample_repo", "ssot_audit"])
def test_kept_answers_equal_the_answers_as_computed(tree: str) -> None:
    project = api.load_project(ROOT / tree, Config(), jobs=1)
    plain = Resolver(project.index)
    plain._answers = _KeepNothing()
    kept = Resolver(project.index)
    questions = _questions(project)
    assert len(questions) > 300
    answers = [kept.resolve_name(*q) for q in questions]
    assert answers == [plain.resolve_name(*q) for q in questions]
    assert len({id(a) for a in answers}) == len(set(answers))  # each distinct answer one object
    for module, _, name in questions:
        assert kept.module_attr(module, name) == plain.module_attr(module, name)


def test_equal_answers_are_one_object(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/store.py": "class Store:\n    def get(self):\n        return self\n\n    def put(self, item):\n        self.item = item\n",
        "app/more.py": "class More:\n    def get(self):\n        pass\n\n    def put(self):\n        self.item = 1\n",
    })  # fmt: skip
    project = api.load_project(tmp_path, Config(), jobs=1)
    resolver = project.resolver
    first = resolver.resolve_name("app.store", "Store.get", "self")
    assert first == {InstanceValue(ClassValue("app.store", "Store"))}
    assert resolver.resolve_name("app.store", "Store.put", "self") is first
    sites = ImportSites(project.index, resolver)
    roles = ConceptModel(project.index, resolver, sites, Config().concepts, {}).roles
    store, more = ClassValue("app.store", "Store"), ClassValue("app.more", "More")
    assert roles.methods_with(store, "is_async") == frozenset()
    assert roles.methods_with(store, "is_trivial") == {"get"} == roles.methods_with(more, "is_trivial")
    assert roles.methods_with(more, "is_trivial") is roles.methods_with(store, "is_trivial")
