"""The rule catalog: an explicit tuple, in code order (no directory scanning)."""

from __future__ import annotations

from ssot_audit.rules import (
    ambiguous_name,
    await_on_sync,
    broken_import,
    concept_alias,
    direct_instantiation,
    divergent_import,
    duplicate_concept,
    duplicate_factory,
    guard_instantiation,
    import_cycle,
    orphaned_copy,
    parse_error,
    shared_instance,
    shim_subclass,
    unawaited_coroutine,
    unused_suppression,
)
from ssot_audit.rules.base import Rule, RuleContext

ALL_RULES: tuple[Rule, ...] = (
    duplicate_concept.RULE,
    concept_alias.RULE,
    shim_subclass.RULE,
    duplicate_factory.RULE,
    orphaned_copy.RULE,
    divergent_import.RULE,
    import_cycle.RULE,
    broken_import.RULE,
    ambiguous_name.RULE,
    direct_instantiation.RULE,
    shared_instance.RULE,
    guard_instantiation.RULE,
    await_on_sync.RULE,
    unawaited_coroutine.RULE,
    parse_error.RULE,
    unused_suppression.RULE,
)

__all__ = ["ALL_RULES", "Rule", "RuleContext"]
