"""Where the rules read modules' facts, and why each read is known to the dependency record (``analysis.trace``).

A scan after an interface edit reruns the judgements (units) that read what the edit changed: the units keyed by an
edited module, and those the record says read it. A judgement that reads another module's facts without the record
seeing it would keep a stale finding. So every place a rule reads ``.facts`` or walks modules is listed here with
its reason, and the test fails on a site added or gone (read the new one, then list it): the model is
``tests/test_calls_only.py::test_the_modules_naming_a_call_accessor_are_the_known_ones``.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "ssot_audit" / "rules"
WATCHED = frozenset({"facts", "iter_modules", "iter_classes", "iter_functions", "find_modules", "find_calls_named",
                     "modules"})  # fmt: skip

OWN = "the judged module's own facts, inside its unit (the unit keyed by that module)"
RECORDED = "a module reached through get_module (a recorded (MODULE, m) leaf)"
SETUP = "the rule's setup outside any unit: (UNIT, code, None), the whole rule"
NOT_MODULE = "not a module's facts (a finding's facts, a cycle's modules)"
NAMES = "the modules' names, paths and is_test/is_package: no fact an interface edit changes"

# (file, enclosing function, attribute) -> (number of sites, reason)
SITES: dict[tuple[str, str, str], tuple[int, str]] = {
    ("ambiguous_name.py", "_Packages.__missing__", "modules"): (1, NAMES),
    ("ambiguous_name.py", "_binding", "facts"): (1, RECORDED),
    ("await_on_sync.py", "_overridden_on_the_way", "facts"): (1, RECORDED),
    ("await_on_sync.py", "check", "facts"): (1, OWN),
    ("await_on_sync.py", "names_namesake", "facts"): (1, NOT_MODULE),  # a kept finding's (``kept_calls.async_after``)
    ("base.py", "RuleContext.class_location", "facts"): (1, RECORDED),
    ("base.py", "RuleContext.function_location", "facts"): (1, RECORDED),
    # the modules to judge, each then judged in its unit (``in_units``, ``in_module_units``)
    ("base.py", "RuleContext.judged_modules", "find_modules"): (1, OWN),
    ("base.py", "RuleContext.judged_modules", "iter_modules"): (1, OWN),
    # SSOT401/402's table of async defs (is_async and names), when the scan kept none: SSOT401 builds it under
    # ``ctx.unit(None)``, SSOT402 in its setup
    ("base.py", "async_functions", "iter_functions"): (1, SETUP),
    ("broken_import.py", "_canonical", "facts"): (2, RECORDED),
    ("broken_import.py", "_check_imports", "facts"): (1, OWN),
    ("broken_import.py", "_known_missing", "facts"): (1, OWN),  # and its shared table's answers are trace nodes
    ("broken_import.py", "_missing_attribute", "facts"): (1, OWN),
    ("broken_import.py", "_missing_name", "facts"): (1, RECORDED),
    ("broken_import.py", "_moved_to", "iter_modules"): (1, NAMES),
    ("broken_import.py", "check", "facts"): (1, NOT_MODULE),
    ("broken_import.py", "check", "iter_modules"): (1, OWN),
    ("concept_alias.py", "check", "facts"): (2, OWN),  # the aliasing module's bindings; an importer's, by get_module
    ("concept_alias.py", "check", "iter_modules"): (1, OWN),
    ("divergent_import.py", "_layered_reexport", "facts"): (3, RECORDED),
    ("direct_instantiation.py", "check", "find_calls_named"): (1, OWN),
    ("duplicate_factory.py", "_awaitable", "facts"): (1, RECORDED),
    ("duplicate_factory.py", "_judge", "facts"): (2, RECORDED),
    ("duplicate_factory.py", "_keyword", "facts"): (1, RECORDED),
    ("duplicate_factory.py", "_per_package_helpers", "facts"): (1, RECORDED),
    ("duplicate_factory.py", "_wraps_a_copy", "facts"): (1, RECORDED),
    # the groups of copies by name (names of module-level functions), when the scan kept none
    ("duplicate_factory.py", "duplicated_factories", "iter_functions"): (1, SETUP),
    ("guard_instantiation.py", "check", "find_calls_named"): (1, OWN),
    ("guard_instantiation.py", "check", "facts"): (1, OWN),
    ("import_cycle.py", "_finding", "modules"): (6, NOT_MODULE),
    ("import_cycle.py", "check", "modules"): (2, NOT_MODULE),
    ("shared_instance.py", "_cached_singletons", "iter_functions"): (1, OWN),
    ("shared_instance.py", "_shared_assignments", "facts"): (1, OWN),
    ("shared_instance.py", "_shared_target", "facts"): (2, OWN),
    ("shim_subclass.py", "_made_at_home", "facts"): (1, RECORDED),
    ("unawaited_coroutine.py", "check", "find_calls_named"): (1, OWN),
    ("unawaited_coroutine.py", "_how_misused", "facts"): (2, OWN),
    ("unawaited_coroutine.py", "_uses", "facts"): (1, OWN),
    ("units.py", "module_names", "modules"): (1, NAMES),
    ("units.py", "unit_of", "facts"): (2, NOT_MODULE),
}


def _sites(tree: ast.AST, scope: str = "") -> Counter[tuple[str, str]]:
    """(enclosing function or class.function, attribute) of every watched attribute read under ``tree``."""
    found: Counter[tuple[str, str]] = Counter()
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found += _sites(child, f"{scope}.{child.name}" if scope else child.name)
            continue
        if isinstance(child, ast.Attribute) and child.attr in WATCHED:
            found[scope, child.attr] += 1
        found += _sites(child, scope)
    return found


def test_every_read_of_modules_facts_in_the_rules_has_a_known_reason() -> None:
    found = {(path.name, scope, attr): count for path in sorted(RULES.glob("*.py"))
             for (scope, attr), count in _sites(ast.parse(path.read_text("utf-8"))).items()}  # fmt: skip
    assert found == {site: count for site, (count, _) in SITES.items()}
