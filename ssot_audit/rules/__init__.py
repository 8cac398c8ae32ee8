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

# The rules whose findings may change when only the calls inside function bodies or a function's ``name_uses``
# change (``analysis.unseen.calls_only_change``): those that read ``facts.calls``, ``index.find_calls_named`` or
# ``name_uses`` (``tests/test_calls_only.py`` walks every rule's imports and fails when a rule outside this set
# reaches such a reader), and SSOT901, made by the suppression step
# from every other finding (an await added in one file can end an SSOT402 finding a comment elsewhere silenced).
CALL_READERS: frozenset[str] = frozenset({
    shim_subclass.INFO.code,  # SSOT103: calls of the parent's name in the shim's module
    duplicate_factory.INFO.code,  # SSOT104: calls of each factory
    direct_instantiation.INFO.code,  # SSOT301
    shared_instance.INFO.code,  # SSOT302: calls whose result is assigned
    guard_instantiation.INFO.code,  # SSOT303
    await_on_sync.INFO.code,  # SSOT401: awaited calls, and the calls of a function's body
    unawaited_coroutine.INFO.code,  # SSOT402: calls, and how a function reads the name a result went to
    unused_suppression.INFO.code,  # SSOT901: follows every finding above
})  # fmt: skip

# The call readers whose finding at a call depends on the calls and ``name_uses`` of that call's own module alone
# (each loops over ``index.find_calls_named`` and judges a call by the facts of its module, the resolver, the import
# sites and the concept model, none of which reads calls): after a calls-only edit, their findings in the other
# modules are the last scan's, so they run on the edited modules only (``RuleContext.calls_in``). SSOT401 is not
# among them: it follows a base method's own calls, in another module, to judge an await.
LOCAL_CALL_READERS: frozenset[str] = frozenset({
    direct_instantiation.INFO.code,  # SSOT301
    guard_instantiation.INFO.code,  # SSOT303
    unawaited_coroutine.INFO.code,  # SSOT402
})  # fmt: skip

__all__ = ["ALL_RULES", "CALL_READERS", "LOCAL_CALL_READERS", "Rule", "RuleContext"]
