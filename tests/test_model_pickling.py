"""Model objects pickle as (class, field values) (the cache stores results this way) and load back equal."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.fixing import with_fixes
from ssot_audit.model import RuleInfo, Severity, pickling

ROOT = Path(__file__).resolve().parents[1]


def _instances(value: object, found: dict[type, object]) -> None:
    """One instance of every dataclass type reachable from ``value``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found.setdefault(type(value), value)
        for field in dataclasses.fields(value):
            _instances(getattr(value, field.name), found)
    elif isinstance(value, tuple | list):
        for item in value:
            _instances(item, found)


def test_a_result_with_fixes_and_its_plan_load_back_equal_from_positional_pickles() -> None:
    config = api.load_config(ROOT / "sample_repo")
    project = api.load_project(ROOT / "sample_repo", config, jobs=1)
    result = with_fixes(project, api.audit(project))
    plan = api.plan(result)
    found: dict[type, object] = {}
    _instances((result, plan), found)
    names = {cls.__name__ for cls in found}
    assert {"Finding", "Fix", "Edit", "SourceExcerpt", "Concept", "ConceptMember", "PlanStep", "RuleInfo"} <= names
    for value in (result, plan):
        assert pickle.loads(pickle.dumps(value, protocol=5)) == value
    for cls, instance in found.items():  # each pickles its values, not its field names and state
        kind, values = instance.__reduce__()
        assert kind is cls and list(values) == [getattr(instance, f.name) for f in dataclasses.fields(cls)]


def test_loading_calls_the_class_so_its_checks_run_and_a_field_outside_init_is_refused() -> None:
    info = RuleInfo("SSOT999", "x", "s", Severity.ERROR, "doc", fix="safe")
    kind, values = info.__reduce__()
    assert kind(*values) == info
    with pytest.raises(ValueError, match="RuleInfo.fix"):
        kind(*values[:-1], "sometimes")

    @dataclasses.dataclass(frozen=True)
    class Derived:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError, match="not an __init__ parameter"):
        pickling.pickle_positionally(Derived)
