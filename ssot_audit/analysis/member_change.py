"""What an edit changed of a file's classes and functions, for ``interface_change``: which classes changed in
their members or decorators (``_member_changed``), which functions changed and how (``_changed_functions``: the
methods the concept model reads the same of, their local names, the methods made async or sync, the classes of
the methods changed in what the model reads, the functions whose scope changed), and what the concept model reads
of a method (``MODEL_READS``, ``model_read``) or of a class's members (``MEMBERS``).

Bindings are compared by what they name (``_run``: an import binding by the import it names, ``_unplaced``: without
positions), as ``interface_change`` compares a module's names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any, NamedTuple

from ssot_audit.analysis.facts import (
    B_IMPORT, Binding, ClassFact, FunctionFact, ImportFact, ModuleFacts, is_dunder, is_private,
)
from ssot_audit.analysis.unseen import (
    _BINDING_LINE, _Moves, _differing_names, _same_class, _same_function_but_reads, _same_records, mentioned,
)

# What the concept model reads of a method (``roles``: the kind of a class, its guard, its trivial methods; ``handoff``,
# ``similarity``: who hands work on, async agreement; ``concepts.async_methods``; ``members``: properties), directly
# and not through a node of the dependency record: a method whose other fields changed leaves the model as it was.
MODEL_READS = ("is_async", "is_abstract", "is_stub", "always_raises", "is_trivial", "delegates", "decorators",
               "is_generator", "class_qualname", "parent", "name", "globals")  # the last four: ``SCOPE_READS``
# What a name read in a function resolves through beside its local bindings (``Resolver._resolve_name``: whether it
# is a method, its parent scope, its ``global`` names; ``trace.SCOPE``, with ``trace.LOCAL`` for the locals).
SCOPE_READS = ("class_qualname", "parent", "name", "globals")
# What member lookups read of a class (``members.MemberLookup``), beside its bases and the rest: a class whose members
# alone changed is let through (``InterfaceChange.classes``), its ``trace.CLASS`` leaf fired (a private name's rows:
# its ``trace.MEMBER`` leaf).
MEMBERS = ("methods", "method_variants", "attr_types", "class_attrs")


def _private_members(old: ModuleFacts, new: ModuleFacts, classes: Iterable[str]) -> frozenset[str]:
    """"qualname name" for each private name of ``classes`` whose rows of ``MEMBERS`` differ, compared as they are
    (an instance attribute's expression that only moved counts as changed: its lookups are judged again)."""
    found: set[str] = set()
    for qualname in classes:
        before, after = old.classes[qualname], new.classes[qualname]
        for name in {name for cls in (before, after) for field in MEMBERS for name in getattr(cls, field)}:
            if is_private(name) and any(getattr(before, field).get(name) != getattr(after, field).get(name)
                                        for field in MEMBERS):  # fmt: skip
                found.add(f"{qualname} {name}")
    return frozenset(found)


def _same_class_but_end(old: ClassFact, new: ClassFact, moves: _Moves) -> bool:
    """``unseen._same_class``, but for a class whose last line the edit changed (its last method's ``return``, say):
    its end then has no old line to move to, and any end after its first line is let through. Only a location reads
    a class's end (``RuleContext.class_location``): a finding of the file is judged again from the new facts, and a
    finding or concept member kept from the last result that holds the old end cannot be moved (``moved_result``),
    which sends the scan the whole way."""
    if _same_class(old, new, moves):
        return True
    return moves[old.end_line] is None and new.end_line >= new.line \
        and _same_class(replace(old, end_line=old.line), replace(new, end_line=new.line), moves)  # fmt: skip


_Classes = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]  # ``_member_changed``'s


def _member_changed(old: dict[str, ClassFact], new: dict[str, ClassFact], moves: _Moves) -> _Classes | None:
    """The qualnames of the classes whose members (``MEMBERS``) or decorators differ, every other fact of each the same
    after moving (its end aside: a method added last ends it on a new line), of the classes added, of those removed
    and of those whose decorators differ (``InterfaceChange.decorated``); None when
    the classes both have, in order, differ otherwise. Only the member lookups read the members outside the concept
    model (``trace.CLASS``, which they record), and every reader of the class's place reads its module
    (``RuleContext.class_location``: the ``MODULE`` leaf). A class added or removed is a name of its scope added or
    removed (a module-level one is of ``names``; one in a function, a local of it, which is judged as such); one in a
    class both have is refused (a member of it, which ``members`` finds among the module's classes and
    ``Roles._abstract_model_base`` reads as ``Meta``); the concept model reads every class, which the caller judges
    (``edits._model_holds``)."""
    order = _kept_in_order(old, new)
    if order is None:
        return None
    both, either = order
    if any(q.rpartition(".")[0] in both for q in either):
        return None  # a class nested in a class both have: a member of it, which lookups find by the module's classes
    changed: set[str] = set()
    decorated: set[str] = set()
    for qualname in both:
        before, after = old[qualname], new[qualname]
        if _same_class_but_end(before, after, moves):
            continue
        kept = {name: getattr(before, name) for name in MEMBERS}
        if not _same_class(replace(before, end_line=before.line), replace(after, end_line=after.line, **kept), moves):
            if not _same_class(replace(before, end_line=before.line),
                               replace(after, end_line=after.line, decorators=before.decorators, **kept), moves):
                return None
            decorated.add(qualname)
        if after.name == "Meta" and ("abstract" in before.class_attrs) != ("abstract" in after.class_attrs):
            return None  # what ``Roles._abstract_model_base`` reads of a base's ``Meta``, unrecorded
        changed.add(qualname)
    return (frozenset(changed), frozenset(q for q in either if q in new), frozenset(q for q in either if q in old),
            frozenset(decorated))


def _kept_in_order(old: Iterable[str], new: Iterable[str]) -> tuple[list[str], set[str]] | None:
    """The keys both have (in their order) and those only one has; None when the keys both have are in another
    order (readers iterate the dicts)."""
    old_keys, new_keys = list(old), list(new)
    both = set(old_keys) & set(new_keys)
    kept = [k for k in old_keys if k in both]
    if kept != [k for k in new_keys if k in both]:
        return None
    return kept, set(old_keys).symmetric_difference(new_keys)


class _Changed(NamedTuple):
    """What ``_changed_functions`` found (see there)."""

    functions: frozenset[str]
    methods: frozenset[str]
    locals: frozenset[str]
    toggled: frozenset[str]
    owners: frozenset[str]  # classes let through as classes whose members changed
    scoped: frozenset[str]  # functions added, removed or changed in ``SCOPE_READS``


def _changed_functions(old_facts: ModuleFacts, new_facts: ModuleFacts, moves: _Moves, same_imports: bool,
                       classes: frozenset[str]) -> _Changed | None:  # fmt: skip
    """Qualnames of the functions added, removed or changed beyond calls in their bodies, of those the methods (of
    ``classes``, whose members changed, only those kept the same in what the model reads: the others may change in
    any way, as functions), the methods'
    local names whose bindings differ ("qualname name"), the methods made ``async`` or sync (``_toggled``: of
    the functions, not of the methods), and the classes of the methods kept but changed otherwise in what the model
    reads (``MODEL_READS``: a decorator added), which are let through as classes whose members changed
    (``classes``: the caller judges them, and their methods are functions); None for a method added or removed
    outside ``classes``. A function kept whose local bindings of a mentioned name differ is
    changed (``unseen.mentioned``: changed functions' mentions included, wider being safe); one whose differing
    locals nothing mentions is not (no reader asks about them, as in ``unseen``). Import bindings are compared by
    the import they name: a function's ``from x import y`` is an index into the module's imports, which one added
    above moves, and which names another import when that one changed (``same_imports`` False: every local name is
    compared)."""
    old, new = old_facts.functions, new_facts.functions
    order = _kept_in_order(old, new)
    if order is None:
        return None
    kept, changed = order
    unread: list[tuple[FunctionFact, frozenset[str]]] = []
    for qualname in kept:
        before, after = old[qualname], new[qualname]
        if not _same_function_but_reads(before, after, moves):
            changed.add(qualname)
            continue
        names = _differing_names(before.locals, after.locals, moves) if same_imports \
            else set(before.locals.keys()) | set(after.locals.keys())  # fmt: skip
        differing = frozenset(n for n in names if not _same_records(_run(old_facts, before.locals.get(n, ())),
                                                   _run(new_facts, after.locals.get(n, ())), (_BINDING_LINE,), moves))
        if differing:
            unread.append((before, differing))
    if unread:  # a function whose mentioned locals differ is a changed function: readers of them read its leaf
        said = mentioned(new_facts, unread)
        changed.update(func.qualname for func, names in unread if not names.isdisjoint(said))
    # a kept method of a class whose members are the same, changed in what the model reads of it (a decorator
    # added): its class is let through as one whose members changed, for the caller to judge (``classes``)
    both = [q for q in changed if q in old and q in new]
    owners = frozenset(owner for q in both if (owner := new[q].class_qualname) and owner not in classes
                       and not _same_head(old[q], new[q]) and not _toggled(old[q], new[q]))  # fmt: skip
    classes = classes | owners
    # the others: a method of ``classes`` the model reads the same of, or of another class (whose facts are the same,
    # ``_judge``), which is now the same in what the model reads of it, or made async or sync
    methods = frozenset(q for q in changed if (owner := (new.get(q) or old[q]).class_qualname)
                        and (owner not in classes or _same_head(old.get(q), new.get(q))))  # fmt: skip
    if any(q not in old or q not in new for q in methods):
        return None  # a method added or removed outside ``classes``
    toggled = frozenset(q for q in methods if _toggled(old[q], new[q]))
    scoped = frozenset(q for q in changed if q not in old or q not in new or _scope_read(old[q]) != _scope_read(new[q]))
    same_scope = [q for q in both if q not in scoped and new[q].class_qualname]  # methods whose ``SCOPE`` is the same
    return _Changed(frozenset(changed), methods - toggled, _local_names(old_facts, new_facts, same_scope), toggled,
                    owners, scoped)  # fmt: skip


def _local_names(old: ModuleFacts, new: ModuleFacts, methods: Iterable[str]) -> frozenset[str]:
    """"qualname name" for each local name of the kept ``methods`` whose bindings differ (``trace.LOCAL``: what the
    model reads of a method's locals, beside its ``SCOPE``)."""
    found: set[str] = set()
    for qualname in methods:
        was, now = old.functions[qualname], new.functions[qualname]
        names = set(was.locals.keys()) | set(now.locals.keys())  # compared without lines: a function scope is
        # resolved without reading them (``Resolver._from_bindings``), and a parameter added moves none of them
        found.update(f"{qualname} {n}" for n in names
                     if _unplaced(old, was.locals.get(n, ())) != _unplaced(new, now.locals.get(n, ())))
    return frozenset(found)


def _scope_read(function: FunctionFact) -> tuple[Any, ...]:
    """What a name read in ``function`` resolves through beside its locals (``SCOPE_READS``, ``trace.SCOPE``)."""
    return tuple(getattr(function, name) for name in SCOPE_READS)


def _same_head(was: FunctionFact | None, now: FunctionFact | None) -> bool:
    """A method kept, and the same in what the model reads of it (``MODEL_READS``)."""
    return was is not None and now is not None and model_read(was) == model_read(now)


def _toggled(was: FunctionFact | None, now: FunctionFact | None) -> bool:
    """A method kept and made ``async`` or sync, all else the model reads of it the same; no dunder (``__aenter__``...:
    what makes a class a context manager or a proxy is the roles')."""
    return was is not None and now is not None and was.is_async != now.is_async and not is_dunder(now.name) \
        and model_read(was, async_too=False) == model_read(now, async_too=False)  # fmt: skip


def _unplaced(facts: ModuleFacts, run: Iterable[Binding]) -> list[tuple[Any, ...]]:
    """``_run`` with every binding's position left out: its line, and an import's column (no answer of the resolver
    reads either)."""
    return [(b[0], b[1]._replace(col=0) if b[0] == B_IMPORT else b[1], *b[_BINDING_LINE + 1:])
            for b in _run(facts, run)]  # fmt: skip


_BUT_ASYNC = tuple(name for name in MODEL_READS if name != "is_async")


def model_read(function: FunctionFact, *, async_too: bool = True) -> tuple[Any, ...]:
    """What the concept model reads of a method (``MODEL_READS``; ``async_too=False``: but whether it is async)."""
    return tuple(getattr(function, name) for name in (MODEL_READS if async_too else _BUT_ASYNC))


def _run(facts: ModuleFacts, run: Iterable[Binding]) -> list[tuple[Any, ...]]:
    """A name's bindings in a scope of ``facts``, an import binding's value replaced by the import it names (but its
    line: the binding's own line is the import's, and moves with it)."""
    return [_dereferenced(facts.imports, b) if b.kind == B_IMPORT else b for b in run]


def _dereferenced(imports: list[ImportFact], binding: Binding) -> Binding:
    """The binding with its import in place of its index: every field of it but the line (which the binding's own
    line moves with), so a field added to ``ImportFact`` later is compared too."""
    return binding._replace(value=imports[binding.value]._replace(line=0))
