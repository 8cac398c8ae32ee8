"""Edits no rule can see: the files changed since the last scan of a tree, each judged against its previous facts.

A scan's result is a function of every file's facts, suppression comments, parse failures, line counts and paths
(rules never read files); only the excerpts and the fixes read the text, and the caller makes those again. So when
each changed file's new facts are its old facts with every position moved by one monotone line map (``linemap``),
apart from what no reader can observe (``unseen``), and its suppression comments moved the same way, the last
scan's result is the new result with the positions inside those files moved (``model.moved``): the scan parses
the changed files, reads their previous payloads from the packs, and never loads the project.

One level in, a *calls-only* edit (``unseen.calls_only_change``: calls inside function bodies and the names
functions read differ, nothing else) is seen only by the rules that read calls (``rules.CALL_READERS``): the scan
then loads the project with the last concept model and runs those rules alone (``api.scan_tree``).

One more level in, an *interface* edit (``interface_change``: module-level names or functions added, removed or
renamed, methods added, removed or renamed in a class of test code or private ones in any class, a class of test
code added or removed, nothing the
concept model, the import sites or graph, or the call readers' tables read) is seen by the judgements that read
what changed: the scan finds them in the dependency record the last full scan kept
(``analysis.trace``) and runs them alone (``interface_scan``).

A file added is judged as an empty module edited (the caller checks that an empty module there changes nothing of the
last scan: ``kept_added``), and a file removed as its module emptied (the caller checks that the empty module's
absence changes nothing more: ``kept_removed``). Anything else (a file unparsable, a payload missing from the packs,
an edit some reader could see) answers None: the scan then does the whole work, which is always right.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ssot_audit.analysis.linemap import LineMap
from ssot_audit.analysis.loader import FileOutcome, analyze_bytes, analyze_to_blob, outcome_of_blob, read_outcomes
from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.analysis.concepts import FACTORY_NAME
from ssot_audit.analysis.facts import (
    B_DEF, Binding, ClassFact, Expr, ModuleFacts, is_alias_binding, is_dunder, is_private,
)
from ssot_audit.analysis.interface_change import InterfaceChange, interface_change
from ssot_audit.analysis.member_change import model_read
from ssot_audit.analysis.roles import all_trivial, constructor_raises, is_double_name, kind_by_methods
from ssot_audit.analysis.unseen import calls_only_change, unseen_change
from ssot_audit.model.moved import NewLine

MAX_EDITED = 16  # changed files judged one by one; past this many, the whole scan is cheaper to reason about


@dataclass(frozen=True, slots=True)
class Moved:
    """How one changed file's positions move: old line -> new line (None: that line changed), and its line counts."""

    new_line: NewLine
    old_lines: int
    new_lines: int
    calls_only: bool = False  # calls inside function bodies (or the names functions read) changed too
    interface: InterfaceChange | None = None  # module-level names changed too (``calls_only`` is then True)
    # of ``interface.classes``, those whose private members alone changed (``changed_classes``): the concept
    # model reads none of what changed, test code or not, and the kept model is not asked about them
    private: frozenset[str] = frozenset()
    # of the others outside test code, those whose public methods changed and nothing else the model reads
    # (``public_members``): (qualname, public names before, after), for the kept model to judge
    # (``kept_judgements.public_members_unread``)
    public: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    # of the others, those whose public class attributes or instance attributes changed and nothing the kept model
    # judges (``changed_classes``): their ``trace.CLASS`` leaf fires, and the kept model is not asked about them
    attrs: frozenset[str] = frozenset()
    # the classes of test code the edit removed (``InterfaceChange.removed_classes``): qualname, scope and bases, for
    # the kept model to judge (``kept_judgements.patched_test_classes``: the hooks of the external bases they named)
    gone: tuple[tuple[str, str, tuple[Expr, ...]], ...] = ()
    # a file removed (``kept_removed``): its module's facts as they were, which the bases of ``gone`` are resolved in
    before: ModuleFacts | None = None
    # a module-level alias (``X = Y``) among the changed names, before or after (a file removed: any it bound): the
    # table of every module's aliases changes its rows (``ProjectIndex.module_aliases``, whose readers read
    # ``(ALIASES, "")``; ``rerun.restored_project`` makes the module's rows again)
    aliases: bool = False
    # of the changed names, those bound to an alias now: whether one names a class or function of the project (the
    # kept model's table of names would hold it, ``names.Names``) is asked once the project is restored
    # (``rerun.new_aliases_unnamed``)
    new_aliases: frozenset[str] = frozenset()


def judged_edits(tree: TreeCache, root: Path) -> dict[str, Moved] | None:
    """Per changed file (``tree.before``; and added or removed, as an empty module edited or a module emptied),
    how its positions move, when each change is unseen or calls-only (see the module docstring); else None. The new
    payloads go to the scan's new pack, as the full analysis would put them, and are kept for it
    (``PayloadCache.add_early``): a file is parsed once whichever path the scan takes."""
    removed = {path: key for path, (_, key) in tree.removed.items()}
    if not (tree.before or tree.added or removed) or len(tree.before) + len(tree.added) + len(removed) > MAX_EDITED:
        return None
    olds = read_outcomes(tree.store, tree.packs, {**tree.before, **removed})  # those entries alone, not the packs
    for relpath in tree.added:  # a file added is judged as an empty module edited (``added``: when that holds)
        olds[relpath] = analyze_bytes(b"", relpath)
    boundary = str(root.resolve())
    by_path = {f.relpath: f for f in tree.files}
    moves: dict[str, Moved] = {}
    for relpath, (was, _) in sorted(tree.removed.items()):  # a file removed: its module emptied (``kept_removed``)
        before = olds.get(relpath)
        moved = _moved(before, analyze_bytes(b"", relpath), was.is_test, removed=True) if before is not None else None
        if moved is None or before is None or before.facts is None:
            return None
        moves[relpath] = replace(moved, before=before.facts)
    for relpath in sorted({*tree.before, *tree.added}):
        old, source = olds.get(relpath), by_path.get(relpath)
        if old is None or source is None:
            return None
        key, payload = analyze_to_blob(source.path, relpath, boundary)
        if not key or key != tree.payloads.hashes.get(relpath):
            return None  # unreadable now, or changed again since it was hashed
        tree.payloads.add_early(relpath, key, payload)
        new = outcome_of_blob(relpath, payload)
        moved = _moved(old, new, source.is_test) if new is not None else None
        if moved is None:
            return None
        moves[relpath] = moved
    return moves


def _moved(old: FileOutcome, new: FileOutcome, is_test: bool = False, removed: bool = False) -> Moved | None:
    """How ``old``'s positions move to ``new``'s, when the change between them is unseen or calls-only (``is_test``:
    the file is test code; ``removed``: ``new`` is the empty module of a file removed)."""
    if old.facts is None or new.facts is None:
        return None  # a parse failure before or after: its SSOT900 and the module's absence are the whole scan's
    new_line = LineMap.between(old.line_digest, new.line_digest).new_line
    if _same_suppressions(old, new, new_line) and unseen_change(old.facts, new.facts, new_line):
        return Moved(new_line, old.lines, new.lines)
    # the calls-only scan applies the new suppression comments to every finding again: they may differ
    if calls_only_change(old.facts, new.facts, new_line):
        return Moved(new_line, old.lines, new.lines, calls_only=True)
    change = interface_change(old.facts, new.facts, new_line)
    if change is None:
        return None
    private, public, attrs = changed_classes(old.facts, new.facts, change, is_test)
    if _model_holds(old.facts, new.facts, change, is_test, private | attrs | {q for q, _, _ in public}):
        gone = tuple((q, (cls := old.facts.classes[q]).scope, cls.bases) for q in sorted(change.removed_classes))
        aliases, new_aliases = alias_change(old.facts, new.facts, change, removed)
        return Moved(new_line, old.lines, new.lines, calls_only=True, interface=change, private=private, public=public,
                     gone=gone, attrs=attrs, aliases=aliases, new_aliases=new_aliases)  # fmt: skip
    return None


def _model_holds(old: ModuleFacts, new: ModuleFacts, change: InterfaceChange, is_test: bool = False,
                 judged: frozenset[str] = frozenset()) -> bool:  # fmt: skip
    """Whether what the concept model and the call readers' tables read of the file directly (not through the resolver,
    whose reads the dependency record has) is the same before and after ``change`` (a module-level alias, ``X = Y``,
    among the changed names is checked later: ``Moved.aliases``, ``Moved.new_aliases``): outside test code
    (``is_test``), the same factory-named module-level functions (the model's factories,
    ``concepts._factories_by_class``, and SSOT104's groups list them by name; what the model reads of one, its returns,
    it reads through the resolver); a class whose members changed, of ``judged`` (its private members alone changed,
    ``changed_classes``, or its public class attributes and nothing the kept model judges, or its public methods
    outside test code, ``public_members``, for the kept model to judge) or of test code (``_test_class_holds``); a
    class added or removed only in test code, and no double nor guard by its facts (``_test_class_counts``: the kept
    model judges the rest, ``kept_judgements.patched_test_classes``).
    An ``async def`` added, removed or made sync is no refusal of its own: the scan patches the call readers' table
    of them for the edited modules, and what SSOT402 and SSOT401 kept of the other modules is checked against the
    names that came or went (``kept_calls.async_after``); one made async or sync fires its ``trace.HEAD`` leaf. The
    model reads which public methods are async (``ConceptModel.async_methods`` of a concept's members, the
    similarity's agreement of the classes it compares): a method's class is of ``judged`` (``public_members``
    compares its kept methods' ``async``, and the kept model refuses a class it compared or holds) or refused here.
    The interface path keeps the last scan's model and tables; any of
    these sends the scan the whole way. A changed import is let through: the scan makes the file's import sites
    and edges again, and finds what they changed (``rerun.restored_project``); so is a changed attribute use (the
    file's rows of SSOT204's table of them are made again, ``interface_scan.rerun_after_attribute_reads``), and so
    is a changed call outside function bodies: neither the model nor those tables read calls (the call readers
    judge them in the module's own judgements; ``kept_calls`` reads the edited modules' as they are), and what
    another module's judgement reads of them, whether the module fills other namespaces at import time, is its
    ``trace.MODULE_CALLS`` leaf (``namespace._edited_at_import``)."""
    for name in change.names:
        if not is_test and FACTORY_NAME.match(name) and _defined(old, name) != _defined(new, name):
            return False  # a factory added, removed or renamed (an import of one is no factory of this module)
    if change.decorated and not is_test:
        return False  # a production class's decorators: what the roles read of it (``Roles._kind_by_base``, shims)
    if change.added_classes or change.removed_classes:
        if not is_test or not all(_test_class_counts(new, q) for q in change.added_classes) \
                or not all(_test_class_counts(old, q) for q in change.removed_classes):  # fmt: skip
            return False
    return all(qualname in judged or _test_class_holds(old, new, qualname, is_test) for qualname in change.classes)


def alias_change(old: ModuleFacts, new: ModuleFacts, change: InterfaceChange,
                 removed: bool = False) -> tuple[bool, frozenset[str]]:  # fmt: skip
    """Whether a module-level alias is among the names ``change`` changed, before or after (of a file ``removed``:
    whether it bound any), and the changed names bound to an alias after (``Moved.aliases``, ``Moved.new_aliases``)."""
    new_aliases = frozenset(name for name in change.names if is_alias(new.bindings.get(name, ())))
    changed = bool(new_aliases) or any(is_alias(old.bindings.get(name, ())) for name in change.names) \
        or (removed and any(map(is_alias, old.bindings.values())))  # fmt: skip
    return changed, new_aliases


def is_alias(bindings: Iterable[Binding]) -> bool:
    """Whether one of a name's module-level ``bindings`` is an alias, ``X = Y`` or ``X = mod.Y`` (what
    ``ProjectIndex.module_aliases`` lists)."""
    return any(map(is_alias_binding, bindings))


Public = tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (qualname, public names before, after)


def changed_classes(old: ModuleFacts, new: ModuleFacts, change: InterfaceChange,
                    is_test: bool) -> tuple[frozenset[str], Public, frozenset[str]]:  # fmt: skip
    """Of the classes whose members changed (``InterfaceChange.classes``), those whose private members alone changed
    (``Moved.private``: no public method made async or sync either); outside test code, those whose public
    methods changed (or were made async or sync) and nothing else the model reads, with their public names before
    and after (``Moved.public``); and those whose public methods are the same, as the model reads them, and whose
    public class attributes or any instance attributes changed (``Moved.attrs``: ``Roles.methods`` holds no
    attribute, and what else reads one reads the class's ``trace.CLASS`` leaf, or is compared in
    ``public_members``)."""
    members = {q: public_members(old, new, q, change.toggled) for q in sorted(change.classes)}
    made = {f.class_qualname for q in change.toggled if not is_private((f := new.functions[q]).name)}
    same = {q for q, names in members.items() if names is not None and names[0] == names[1] and q not in made}
    attrs = frozenset(q for q in same if _read_under_class(old.classes[q]) != _read_under_class(new.classes[q]))
    private = frozenset(same - attrs)
    public = tuple((q, *names) for q, names in members.items()  # outside test code, for the kept model to judge
                   if names is not None and q not in same and not is_test)  # fmt: skip
    return private, public, attrs


def _read_under_class(cls: ClassFact) -> tuple[dict[str, object], dict[str, object]]:
    """The attributes of a class read under its ``trace.CLASS`` leaf, with what each is assigned: its public class
    attributes and all its instance attributes (``Similarity.held`` goes through every instance attribute, private ones
    too; a private one's other readers are its lookups, under its ``trace.MEMBER`` leaf)."""
    return {name: exprs for name, exprs in cls.class_attrs.items() if not is_private(name)}, dict(cls.attr_types)


def public_members(old: ModuleFacts, new: ModuleFacts, qualname: str,
                   toggled: frozenset[str] = frozenset()) -> tuple[tuple[str, ...], tuple[str, ...]] | None:  # fmt: skip
    """The public method names of a class whose members changed (``InterfaceChange.classes``), before and after,
    when nothing else the concept model reads of it changed but its attributes (its instance attributes, read as
    what a facade wraps, ``Similarity.held``, and its class attributes are read by the member lookups and ``held``
    under the class's ``trace.CLASS`` leaf, which ``changed_classes`` makes fire: ``Moved.attrs``), what its methods
    make it (``roles.kind_by_methods``: an abstract method, stubs, a hand-written
    enum), its dunders (a raising ``__init__`` or ``__new__``: a guard; ``__getattr__``: a proxy) and each public
    method kept, in ``MODEL_READS``, but whether the methods of ``toggled`` (``InterfaceChange.toggled``) are
    ``async``; private methods may change in any way. The model reads the public names (``Roles.methods``: the
    roles, the weights and comparisons, the canonical choice, the plan's matrix) and which public methods are async
    (a concept's members', the compared classes'), which the kept model judges
    (``kept_judgements.public_members_unread``: the caller sends it a class with a public method made async or sync
    even when its names are the same). None when something else changed."""
    before, after = old.classes[qualname], new.classes[qualname]
    if kind_by_methods(old.functions, before) != kind_by_methods(new.functions, after):
        return None
    dunders = [name for name in before.methods if is_dunder(name)]
    if dunders != [name for name in after.methods if is_dunder(name)]:
        return None
    was = tuple(name for name in before.methods if not name.startswith("_"))
    now = tuple(name for name in after.methods if not name.startswith("_"))
    kept = [name for name in was if name in now]
    if any(_member(old, before, name, toggled) != _member(new, after, name, toggled) for name in (*dunders, *kept)):
        return None
    return was, now


def _member(facts: ModuleFacts, cls: ClassFact, name: str, toggled: frozenset[str]) -> tuple[object, ...]:
    """A method as the model reads it: each definition's qualname (conditional ones too) and ``MODEL_READS`` (but
    ``is_async`` of ``toggled``)."""
    return tuple((q, model_read(facts.functions[q], async_too=q not in toggled) if q in facts.functions else None)
                 for q in (cls.methods[name], *cls.method_variants.get(name, ())))


def _test_class_holds(old: ModuleFacts, new: ModuleFacts, qualname: str, is_test: bool) -> bool:
    """Whether the concept model reads nothing that changed of a class whose members changed
    (``InterfaceChange.classes``), by its facts: a class of test code (its role ``test-code`` or ``test-double``
    whatever its methods: ``Roles._classify``) that is no test double by its name nor by its methods before or after
    (``roles.all_trivial``: the model compares test doubles with production classes), and whose constructor always
    raises after as before (``Roles._raising``). What the facts cannot tell (a mock base along its MRO, a concept it
    is attached to, a subclass, whose methods would change too) is judged with the kept model
    (``kept_judgements.members_unread``). A production class's members feed the model's comparisons: refused."""
    before, after = old.classes[qualname], new.classes[qualname]
    return is_test and not is_double_name(after.name) \
        and not all_trivial(old.functions, before) and not all_trivial(new.functions, after) \
        and _raising(old, before) == _raising(new, after)  # fmt: skip


def _test_class_counts(facts: ModuleFacts, qualname: str) -> bool:
    """Whether a class of test code added or removed (``InterfaceChange.added_classes``, ``removed_classes``; in
    ``facts``, the ones that have it) is one the concept model may not read, by its facts: no test double by its name
    nor by its methods (``roles.all_trivial``) unless defined inside a function or class (the discovery compares
    doubles at module level only), its constructor not always raising (``Roles._raising``, which the kept model
    holds). What the facts cannot tell (a mock base along its MRO, a concept member it derives from, a configured
    pattern its name matches, the hooks of an external base it names, a name of its own) the kept model judges
    (``kept_judgements.patched_test_classes``)."""
    cls = facts.classes[qualname]
    double = is_double_name(cls.name) or all_trivial(facts.functions, cls)
    return (not double or bool(cls.scope)) and not _raising(facts, cls)


def _raising(facts: ModuleFacts, cls: ClassFact) -> bool:
    """Whether ``Roles._raising`` holds the class (``roles.constructor_raises``)."""
    return constructor_raises(facts.functions, cls.qualname)


def _defined(facts: ModuleFacts, name: str) -> frozenset[str]:
    """The functions the module-level bindings of ``name`` define (qualnames)."""
    return frozenset(b.value for b in facts.bindings.get(name, ()) if b.kind == B_DEF)


def _same_suppressions(old: FileOutcome, new: FileOutcome, new_line: NewLine) -> bool:
    """The suppression comments of ``new`` are those of ``old`` at moved lines (a comment edited, added or removed
    changes what is silenced and what SSOT901 reports)."""
    if len(old.suppressions) != len(new.suppressions):
        return False
    for before, after in zip(old.suppressions, new.suppressions):
        line = new_line(before.line)
        if line is None or replace(before, line=line) != after:
            return False
    return True
