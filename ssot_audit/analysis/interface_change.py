"""``interface_change``: what an edit changed in a file's interface, when it changed nothing else a reader sees.

The first step of the *interface path* (a scan after an edit that renames, adds or removes module-level names:
today the whole-program phase runs again). ``unseen.calls_only_change`` accepts an edit whose new facts are the old
ones moved, but for calls in function bodies and the names functions read. This judgement lets more differ and
says what did, so that a scan can tell which whole-program answers may have changed:

- ``names`` (D): the module-level names whose bindings differ (added, removed, or another run of ``Binding``
  records after moving), or that changed places among the names kept (``_moved_keys``). An import binding is
  compared by the ``ImportFact`` it points to, not by its index into ``ModuleFacts.imports``
  (``module_namespace._import_value`` dereferences the index when asked: an import inserted at the top shifts every
  later index, and no answer changes for that). Every answer the resolver gives about a name
  of the module (``Resolver.module_attr``) reads that name's bindings, so a name outside D answers as before unless it
  reads, through its bindings, something else that changed: a function of ``functions`` (its return values), the
  module's imports (``imports``), another module (the changed names of other edited files), or a module-level
  ``__getattr__`` / star imports (refused or flagged below). Which of those are read is for the caller to know
  (the next step: dependencies the full scan records); this module only says what changed. Nothing calls it yet.
- ``functions``: qualnames of functions added, removed, or whose facts differ beyond what ``calls_only_change``
  lets differ (parameters, decorators, return values, ``is_async``, ``always_raises``...), or whose local bindings
  of a *mentioned* name differ (``unseen.mentioned``: every reader of a function's locals asks about a name the
  file mentions, and the resolver, the one reader of another module's function locals, reads the function's
  ``FUNCTION`` leaf, or its ``LOCAL`` leaf for a method while the model is built). A method (a function
  with a ``class_qualname``) that differs only in what the concept model does not read of it (``MODEL_READS``:
  its parameters, return values and annotation, locals, body reads), its class's facts being the same, is one of
  ``methods`` too, whose ``trace.HEAD`` leaf (what the model reads of a function) does not fire; a method kept
  that differs in what the model reads of it (a decorator added) makes its class one of ``classes``. ``locals``
  names the kept methods' local names whose bindings differ, each a ``trace.LOCAL`` leaf; ``scoped`` the functions
  added, removed or changed in what a name read in them resolves through beside their locals (``SCOPE_READS``),
  each a ``trace.SCOPE`` leaf.
- ``imports``: the import rows differ (the import graph, the import sites and the modules counted as imported
  read them: to be patched at this file's rows).
- ``module_calls``: calls outside function bodies differ (``namespace._edited_at_import`` resolves them: whether the
  module fills other namespaces at import time; its ``trace.MODULE_CALLS`` leaf fires).
- ``attr_uses``: the attribute-use rows differ (``import pkg.mod`` then ``pkg.mod.helper``: what SSOT203 checks,
  and SSOT204's table of every module's such reads, whose rows of the module the scan makes again).
- ``exported``: names whose star-export status changed (``__all__`` added to or taken from), None when ``__all__``
  appeared or went (every name's).
- ``local``: what only this file's own judgements read differs (``rebinds``, ``raise_spans``, ``probed_attrs``,
  ``has_main_guard`` of a file without classes).

(``MODEL_READS``, ``SCOPE_READS``, ``MEMBERS`` and the judgement of classes and functions are ``member_change``'s.)

- ``classes``: the classes whose members (``MEMBERS``: methods added, removed or renamed, instance attributes,
  class attributes) or decorators (``decorated``) differ, or one of whose methods kept differs in what the model
  reads of it (a decorator added to a test), all else of them the same (their end aside): each fires its
  ``trace.CLASS`` leaf (but one whose private members alone changed, ``edits.changed_classes``), and its methods
  may differ in any way (the caller judges what the model reads of such a class: ``edits._test_class_holds``);
  ``members``: their private names whose rows differ, each a ``trace.MEMBER`` leaf. A class attribute is read by
  the member lookups (under those leaves), by the roles as a hand-written enum's constants
  (``roles.kind_by_methods``, which the caller compares) and as a base's ``Meta.abstract`` (an ``abstract`` that
  came or went in a class ``Meta`` is refused).

- ``added_classes``, ``removed_classes``: the classes added and removed, the classes both have kept in their order
  (the concept model reads every class: the caller lets through those of test code it can judge,
  ``edits._model_holds``); each fires its ``trace.CLASS`` leaf, and a module-level one's name is of ``names``.

Refused (None), in the safe direction: a class changed beyond its members (its end alone may move to a line the
edit changed), a method of another class added or removed; the order of the functions or classes kept by both
changed (readers iterate them; names that changed places are changed names); a module ``__getattr__``,
``dynamic_namespace`` or ``namespace_writers`` changed (they change every answer about the module); a field this
module does not know changed; a position that cannot move. (``stores``: the attributes whose stores into an imported
name changed, each a ``trace.STORES`` leaf of the table of every module's.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, fields
from difflib import SequenceMatcher

from ssot_audit.analysis.facts import ImportFact, ModuleFacts
from ssot_audit.analysis.member_change import (
    _changed_functions, _kept_in_order, _member_changed, _private_members, _run, _unplaced,
)
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.trace import (
    ALIASES, CLASS, CLASS_SITES, FUNCTION, HEAD, IMPORTERS, LOCAL, MEMBER, MODULE, MODULE_CALLS, NAMED, SCOPE, SITES,
    STAR, STORES,
)
from ssot_audit.analysis.unseen import (  # the walk of ``calls_only_change``, reused field by field
    _BINDING_LINE, _IMPORT_LINE, _REBIND_LINE, _UNREAD_FIELDS, _Moves, _plain_equal, _same_module_calls, _same_records,
    _same_uses,
)
from ssot_audit.model.moved import NewLine

# Fields only the file's own judgements read (``callees.ruled_out``, ``guard_instantiation._expected``,
# ``broken_import._missing_attribute``): they may differ, and the caller judges the file again.
_LOCAL_FIELDS = frozenset({"rebinds", "raise_spans", "probed_attrs"})
# Fields whose change alters every answer about the module: never let differ here.
_EQUAL_FIELDS = frozenset({"has_getattr", "dynamic_namespace", "namespace_writers"})
# Every field this judgement compares in its own way; any other is compared as it is (a field added later: safe).
_KNOWN_FIELDS = _UNREAD_FIELDS | _LOCAL_FIELDS | _EQUAL_FIELDS | {
    "imports", "classes", "functions", "bindings", "calls", "attr_uses", "dunder_all", "has_main_guard", "attr_stores"}


@dataclass(frozen=True, slots=True)
class InterfaceChange:
    """What differs between a file's old facts (moved) and its new ones (see the module docstring)."""

    names: frozenset[str]  # D: module-level names whose bindings differ
    functions: frozenset[str]  # qualnames of functions added, removed or changed beyond calls in their bodies
    imports: bool  # the import rows differ
    module_calls: bool  # calls outside function bodies differ
    attr_uses: bool  # attribute-use rows differ
    exported: frozenset[str] | None  # names whose star export changed; None: ``__all__`` appeared or went
    local: bool  # what only the file's own judgements read differs
    # the names of the ``from`` import rows added or removed (``*`` for a star import): whose importers the fixes
    # ask (``fix.memo.fix_by_file``)
    import_names: frozenset[str] = frozenset()
    # of ``functions``, the methods (changed in what the concept model does not read of them: ``MODEL_READS``)
    methods: frozenset[str] = frozenset()
    # of the methods kept, "qualname name" for each local name whose bindings differ (``trace.LOCAL``)
    locals: frozenset[str] = frozenset()
    # of ``functions``, those added, removed or changed in what a name read in them resolves through beside their
    # locals (``SCOPE_READS``): each fires its ``trace.SCOPE`` leaf
    scoped: frozenset[str] = frozenset()
    # classes whose members changed (``MEMBERS``: methods added, removed or renamed...), all else of them the same;
    # their methods may change in any way (the caller judges what the model reads of them: ``edits``)
    classes: frozenset[str] = frozenset()
    # of those classes, "qualname name" for each private name (``facts.is_private``) whose rows of ``MEMBERS``
    # differ (``trace.MEMBER``)
    members: frozenset[str] = frozenset()
    # methods kept but made ``async`` or sync, nothing else the model reads of them changed (no dunder): their
    # classes are of ``classes`` (what reads the class's async methods as a whole reads its ``trace.CLASS`` leaf,
    # ``Roles.methods_with``), and their ``trace.HEAD`` leaves fire; the caller judges what the model reads of them
    toggled: frozenset[str] = frozenset()
    # classes added and removed (qualnames): the caller judges what the concept model reads of them
    # (``edits._model_holds``: test code alone); each fires its ``trace.CLASS`` leaf
    added_classes: frozenset[str] = frozenset()
    removed_classes: frozenset[str] = frozenset()
    # attributes whose stores (``mod.attr = ...``, ``setattr``: ``ModuleFacts.attr_stores``) came, went or moved among
    # the module's: each fires its ``trace.STORES`` leaf, and the module's rows of the table of them are made again
    stores: frozenset[str] = frozenset()
    # of ``names``, those whose bindings differ only in where they are (lines, an import's column: an import
    # wrapped in parentheses, a comment written at the end of an assignment), not among the names that changed
    # places: every answer of the resolver about them is the same (it reads no position), so the concept model,
    # which keeps no position, reads nothing of theirs that changed; rules may (a finding's position): their leaves
    # fire
    placed: frozenset[str] = frozenset()
    # of ``classes``, those whose decorators differ (a test case marked ``@pytest.mark.django_db``): the roles read
    # a production class's (a dataclass is a record), unrecorded; the caller refuses those (``edits._model_holds``)
    decorated: frozenset[str] = frozenset()


def interface_change(old: ModuleFacts, new: ModuleFacts, new_line: NewLine) -> InterfaceChange | None:
    """What the edit from ``old`` to ``new`` (positions mapped by ``new_line``) changed in the file's interface;
    None when it changed something this judgement does not let differ (see the module docstring)."""
    if type(old) is not ModuleFacts or type(new) is not ModuleFacts:
        return None
    try:
        return _judge(old, new, _Moves(new_line))
    except (TypeError, ValueError, LookupError, AttributeError):  # a fact of a shape this module does not expect
        return None


def _judge(old: ModuleFacts, new: ModuleFacts, moves: _Moves) -> InterfaceChange | None:
    for f in fields(ModuleFacts):
        if f.name not in _KNOWN_FIELDS and not _plain_equal(getattr(old, f.name), getattr(new, f.name)):
            return None
    if any(not _plain_equal(getattr(old, name), getattr(new, name)) for name in _EQUAL_FIELDS):
        return None
    member_changed = _member_changed(old.classes, new.classes, moves)
    if member_changed is None:
        return None
    classes, added, removed, decorated = member_changed
    same_imports = _same_records(old.imports, new.imports, (_IMPORT_LINE,), moves)
    changed = _changed_functions(old, new, moves, same_imports, classes | added | removed)
    if changed is None:
        return None
    functions, methods, local_names, toggled = changed.functions, changed.methods, changed.locals, changed.toggled
    # the classes of the methods made async or sync, or changed otherwise in what the model reads of them (their
    # members' rows are the same)
    classes |= changed.owners | {new.functions[q].class_qualname or "" for q in toggled}
    names, placed = _changed_names(old, new, moves)
    main_guard = old.has_main_guard != new.has_main_guard
    if main_guard and new.classes:  # ``roles.Roles._classify`` reads it of every class of the file
        return None
    return InterfaceChange(
        names=names, functions=functions,
        imports=not same_imports,
        module_calls=not _same_module_calls(old.calls, new.calls, moves),
        attr_uses=not _same_uses(old.attr_uses, new.attr_uses, moves),
        exported=_exported(old.dunder_all, new.dunder_all),
        local=main_guard or not _same_records(old.rebinds, new.rebinds, (_REBIND_LINE,), moves)
        or not _same_records(old.raise_spans, new.raise_spans, (0, 1), moves) or old.probed_attrs != new.probed_attrs,
        import_names=frozenset() if same_imports else _import_names(old.imports, new.imports),
        methods=methods, locals=local_names, scoped=changed.scoped, classes=classes,
        members=_private_members(old, new, classes),
        toggled=toggled, added_classes=added, removed_classes=removed, stores=_stored(old, new), placed=placed,
        decorated=decorated,
    )  # fmt: skip


def _stored(old: ModuleFacts, new: ModuleFacts) -> frozenset[str]:
    """The attributes whose stores differ: rows only one has (as many times), or every stored attribute when the
    rows are the same in another order (the table of them lists a module's rows in its order)."""
    if old.attr_stores == new.attr_stores:
        return frozenset()
    before, after = Counter(old.attr_stores), Counter(new.attr_stores)
    changed = frozenset(store.attr for store in (before - after) + (after - before))
    return changed or frozenset(store.attr for store in (*old.attr_stores, *new.attr_stores))


def _import_names(old: list[ImportFact], new: list[ImportFact]) -> frozenset[str]:
    """The names of the ``from`` imports one of ``old`` and ``new`` has more of than the other (positions aside)."""
    before, after = Counter(i[2:] for i in old), Counter(i[2:] for i in new)
    return frozenset(row[2] for row in (before - after) + (after - before) if row[2] is not None)


def _moved_keys(old: Iterable[str], new: Iterable[str]) -> tuple[list[str], set[str]]:
    """``_kept_in_order``'s answer, the keys both have in another order too: those out of a longest run both have
    in order (``difflib``'s matching blocks) are of the keys only one has (moved, as if removed and added)."""
    order = _kept_in_order(old, new)
    if order is not None:
        return order
    old_keys, new_keys = list(old), list(new)
    both = set(old_keys) & set(new_keys)
    before, after = [k for k in old_keys if k in both], [k for k in new_keys if k in both]
    blocks = SequenceMatcher(None, before, after, autojunk=False).get_matching_blocks()
    kept = [k for a, _, size in blocks for k in before[a:a + size]]
    return kept, set(old_keys).symmetric_difference(new_keys) | (both - set(kept))


def _changed_names(old: ModuleFacts, new: ModuleFacts, moves: _Moves) -> tuple[frozenset[str], frozenset[str]]:
    """D: the module-level names whose runs of bindings differ after moving, import bindings compared by the
    import they point to, and the names both have that changed places among them (``_moved_keys``: an import moved
    up, or into an ``if TYPE_CHECKING:`` block). The readers of another module's names in their order read the
    module-level aliases (``names.Names``, ``ProjectIndex.module_aliases``), which keep their order unless one of
    them moved, and a changed alias fires that table (``edits.Moved.aliases``; one that names a class or function of
    the project sends the scan the whole way, ``rerun.new_aliases_unnamed``); the tables of who defines
    a name list modules, not names (``namespace.every_definer``). And of D, the names kept in place whose bindings
    differ only in their positions (``InterfaceChange.placed``)."""
    kept, changed = _moved_keys(old.bindings, new.bindings)
    placed = set()
    for name in kept:
        before, after = _run(old, old.bindings[name]), _run(new, new.bindings[name])
        if not _same_records(before, after, (_BINDING_LINE,), moves):
            changed.add(name)
            if _unplaced(old, old.bindings[name]) == _unplaced(new, new.bindings[name]):
                placed.add(name)
    return frozenset(changed), frozenset(placed)


def _exported(old: list[str] | None, new: list[str] | None) -> frozenset[str] | None:
    """The names whose star export ``__all__`` changed; None when it appeared or went."""
    if old == new:
        return frozenset()
    if old is None or new is None:
        return None
    changed = frozenset(old).symmetric_difference(new)
    return changed or None  # the same names in another order or repeated: every name's, to be safe


def fired_leaves(module: str, change: InterfaceChange, recorded: Recorded, *, imported: Iterable[str] | None = None,
                 sites: Iterable[Hashable] | None = None, aliases: bool = True,
                 private: frozenset[str] = frozenset()) -> list[Hashable]:  # fmt: skip
    """The leaves of the dependency record (``trace``) whose answers ``change`` of ``module`` can alter: the
    namespace of each changed or re-exported name (every recorded name of the module when ``__all__`` appeared or
    went), each changed function (and what the model reads of it, ``trace.HEAD``, but of ``methods``), the star
    imports when a star import changed, its calls outside function bodies when they changed (``MODULE_CALLS``:
    whether it fills other namespaces at import time, which other modules' judgements ask), and the module read as
    a whole (any change of it). What only the module's own judgements read (``local``, its calls, attribute uses) is
    read by them, and they are judged again anyway (and the module's rows of SSOT204's table of attribute reads
    are made again: ``interface_scan.rerun_after_attribute_reads``).

    Tables over every module: which modules define a changed name (``NAMED``); the module-level aliases when any
    name's bindings changed (an alias added, gone or retargeted is a changed name); when the imports changed, every
    import edge (``(IMPORTERS, "")``: the cycles) and the importers of each module in ``imported``, the modules the
    old or the new imports make ``module`` depend on (``ProjectIndex.imported_modules_of`` before and after; None:
    the importers of every module, which is safe and coarse), and the import sites: all of them and ``sites``, the
    leaves of what the old or the new sites of ``module`` reach (``usage.sites_leaf``; None: every recorded one). ``aliases=False``: the caller knows no alias
    row of the module changed (``edits.Moved.aliases``), so the aliases' table does not fire.

    Each class whose members changed fires its ``CLASS`` leaf but those of ``private`` (whose private members alone
    changed: ``edits.changed_classes``), and each private name whose rows changed its ``MEMBER`` leaf."""
    leaves: list[Hashable] = [(MODULE, module)]
    if change.module_calls:
        leaves.append((MODULE_CALLS, module))
    leaves.extend((module, name) for name in change.names)
    leaves.extend((NAMED, name) for name in change.names)
    if change.names and aliases:
        leaves.append((ALIASES, ""))
    if change.exported is None:
        leaves.extend(leaf for leaf in recorded.leaves_of(module) if len(leaf) == 2)  # type: ignore[arg-type]
    else:
        leaves.extend((module, name) for name in change.exported)
    leaves.extend((FUNCTION, module, qualname) for qualname in change.functions)
    leaves.extend((HEAD, module, qualname) for qualname in change.functions - change.methods)  # ``methods``: the same
    leaves.extend((SCOPE, module, qualname) for qualname in change.scoped)
    leaves.extend((LOCAL, module, scoped) for scoped in change.locals)
    leaves.extend((CLASS, module, qualname) for qualname in change.classes - private)
    leaves.extend((CLASS, module, qualname) for qualname in change.added_classes | change.removed_classes)
    leaves.extend((MEMBER, module, scoped) for scoped in change.members)
    leaves.extend((STORES, attr) for attr in change.stores)
    if change.imports:
        if "*" in change.import_names:  # what a name the module does not bind reads (``Resolver._module_attr``)
            leaves.append((STAR, module))
        leaves.extend(import_leaves(imported, sites, recorded))
    return leaves


def import_leaves(imported: Iterable[str] | None, sites: Iterable[Hashable] | None, recorded: Recorded) -> list[Hashable]:
    """The leaves a change of one module's import rows fires (``fired_leaves``): the import edges (every one, and the
    importers of each module of ``imported``) and the import sites (all of them, and ``sites``); None as there."""
    leaves = [*_per_module(IMPORTERS, imported, recorded), (SITES, "")]
    leaves.extend(sites if sites is not None else (*recorded.keys.of_kind(SITES), *recorded.keys.of_kind(CLASS_SITES)))
    return leaves


def _per_module(kind: int, modules: Iterable[str] | None, recorded: Recorded) -> list[Hashable]:
    """The leaves of a table over every module (``kind``): the whole table's and each of ``modules``' (None: every
    recorded one)."""
    if modules is None:
        return recorded.keys.of_kind(kind)
    return [(kind, ""), *((kind, module) for module in modules)]
