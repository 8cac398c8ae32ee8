"""``ConceptModel._factories_by_class`` visits only the functions of production modules: it gives exactly the plain
definition, every module-level ``get_*``/``create_*``... function of ``iter_functions`` outside tests, by the project
class it returns."""

from __future__ import annotations

from collections import defaultdict

import pytest

from ssot_audit.analysis.concepts import FACTORY_NAME, ConceptModel
from ssot_audit.analysis.values import ClassValue, FunctionValue
from tests.analysis.test_concepts_plain import SAMPLE, _model
from tests.helpers import write_project

# A factory in production code, one in a test module (not counted), a method and a nested function of that name.
FACTORIES = {
    "app/__init__.py": "",
    "app/store.py": """
        class Store:
            def get_item(self): return Store()

        def create_store():
            def get_inner(): return Store()
            return Store()
    """,
    "tests/test_store.py": """
        from app.store import Store

        def make_store():
            return Store()
    """,
}


def plain_factories(model: ConceptModel) -> dict[ClassValue, list[FunctionValue]]:
    found: dict[ClassValue, list[FunctionValue]] = defaultdict(list)
    for info, func in model.index.iter_functions():
        if info.is_test or "." in func.qualname or not FACTORY_NAME.match(func.name):
            continue
        value = FunctionValue(info.name, func.qualname)
        for cls in model.returned_classes(value):
            found[cls].append(value)
    return dict(found)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ConceptModel]:
    return {"sample_repo": _model(SAMPLE), "factories": _model(write_project(tmp_path_factory.mktemp("f"), FACTORIES))}


@pytest.mark.parametrize("name", ["sample_repo", "factories"])
def test_factories_are_the_plain_definition(models: dict[str, ConceptModel], name: str) -> None:
    model = models[name]
    expected = plain_factories(model)
    assert expected  # some factory found
    assert model._factories == expected and list(model._factories) == list(expected)


def test_factories_leave_out_tests_methods_and_nested_functions(models: dict[str, ConceptModel]) -> None:
    assert models["factories"]._factories == {ClassValue("app.store", "Store"): [FunctionValue("app.store", "create_store")]}
