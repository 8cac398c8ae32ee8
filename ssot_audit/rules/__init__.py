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
from ssot_audit.rules.units import module_names, unit_of

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

# How each call reader answers ``RuleContext.calls_in`` (the modules judged) and ``call_reads`` (filled, when given,
# with what a judgement read in other modules' calls or ``name_uses``). Every call reader but SSOT901 is in exactly
# one of the three sets below (``tests/rules/test_local_call_readers.py`` checks it). After a calls-only edit of the
# modules E, a scan runs the call readers with ``calls_in = E | {M : last call_reads[M] meets E}`` and keeps the last
# scan's findings of theirs located elsewhere; the new ``call_reads`` is the last one with the entries of the judged
# modules replaced by this run's. That is exact: a judgement reads calls only of its own module and of the modules
# recorded, so one that read no edited module's calls reads the same as before and gives the same findings.
#
# The readers whose findings in a module M read the calls and ``name_uses`` of M alone (besides the resolver, the
# import sites and the concept model, none of which reads a call inside a function body): asked about ``calls_in``,
# they give exactly their findings in those modules and record nothing.
LOCAL_CALL_READERS: frozenset[str] = frozenset({
    shim_subclass.INFO.code,  # SSOT103: a shim by its own module's calls (``_made_at_home``)
    direct_instantiation.INFO.code,  # SSOT301
    shared_instance.INFO.code,  # SSOT302: assigned calls, and cached factories (no call), by their own module
    guard_instantiation.INFO.code,  # SSOT303
    unawaited_coroutine.INFO.code,  # SSOT402
})  # fmt: skip

# The readers that also follow calls into other modules: asked about ``calls_in``, they give exactly their findings
# in those modules, and record in ``call_reads[M]`` the other modules whose calls M's findings read.
FOLLOWING_CALL_READERS: frozenset[str] = frozenset({
    await_on_sync.INFO.code,  # SSOT401: a base method's ``self`` calls, in its module (``_overridden_on_the_way``)
})  # fmt: skip

# The readers that judge groups of definitions across modules (SSOT104: the copies of one factory name, by their
# modules' calls): asked about ``calls_in``, they give exactly the findings of the groups with a member in those
# modules, wherever the findings are; each finding names its group (``facts["factory"]``), by which ``rerun`` keeps
# the other groups' findings.
GROUPED_CALL_READERS: frozenset[str] = frozenset({
    duplicate_factory.INFO.code,  # SSOT104: a copy that calls another copy (``_wraps_a_copy``) is no copy
})  # fmt: skip

__all__ = ["ALL_RULES", "CALL_READERS", "FOLLOWING_CALL_READERS", "LOCAL_CALL_READERS", "GROUPED_CALL_READERS", "Rule",
           "RuleContext", "module_names", "unit_of"]
