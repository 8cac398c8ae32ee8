"""A concept model kept as plain data, and restored against a newly loaded project without being built again.

After an edit that changes only calls inside function bodies and functions' name reads (a *calls-only* edit; see
``analysis.unseen``), every fact the concept model reads is the one of the last scan up to moved positions, so its
expensive, eagerly computed state (each class's role and public methods, the orphaned copies, the factories, the
configured and discovered concepts, the notes) is the last scan's. ``take_snapshot`` keeps that state as plain,
position-free data; ``restored`` attaches it to the new index, resolver and import sites.

What is carried and what is rebuilt:

- carried: ``Roles.role`` (in its order), ``Roles.copies``, ``Roles.imported``, the classes whose constructor
  always raises, each class's project bases, the similarity's protocols and hooks of external bases, the
  factories by class, the concepts and the notes: what classifying, finding copies, resolving every MRO and
  forming concepts cost. None holds a line or a column: a snapshot of a tree and of the same tree with every line
  moved are equal. Classes are numbers into one list, equal strings one object (about 4 MB pickled at 4M lines);
- carried too: the similarity's counts of method names (``df``, ``total``: counting them reads every class's set);
- rebuilt from the new project: ``Names`` (it holds lines: where each alias and ``as`` import is; by its own
  code, or given by the caller: ``analysis.kept_state`` carries them with their lines), and ``concept_of`` (from
  the concepts, as ``ConceptModel.__init__`` makes it);
- ``Roles.methods`` worked out for a class when first asked (``kept_methods.KeptMethods``: by ``Roles``' own
  steps, from the carried bases and each class's own public names in its order, reading no class's facts), the
  same keys in the same order;
- left lazy, as in a fresh model, and so worked out from the new facts when asked: ``Roles.methods_with``,
  ``Roles.guard_raise``, ``async_methods``, ``returned_classes``, ``production_importers``, the similarity's
  profiles and comparisons, ``attach``'s indexes.

The restored model answers every query exactly as a freshly built one when the facts it was built from equal the
new ones except for positions, calls inside function bodies and functions' ``name_uses``: no part of the model
reads those (``tests/analysis/test_concept_snapshot.py`` compares the two on edited projects).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import cast

from ssot_audit.analysis.concepts import ConceptInfo, ConceptModel
from ssot_audit.analysis.configured import CONFIGURED, _lookups, _matches
from ssot_audit.analysis.facts import ClassFact, Expr
from ssot_audit.analysis.handoff import Handoff
from ssot_audit.analysis.hooks import external_bases
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.analysis.interfaces import Interfaces
from ssot_audit.analysis.kept_methods import KeptMethods, MethodColumns, method_columns, own_public
from ssot_audit.analysis.names import Names, name_words
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.roles import CLASS, TEST_CODE, TEST_DOUBLE, Roles, constructor_raises
from ssot_audit.analysis.similarity import MIN_SHARED, Similarity
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.config import ConceptConfig, ConfigError

Ref = tuple[str, str]  # (module, qualname) of a function
# A concept: name, origin, canonical, reason, members, shims, lookalikes, factories, allowed creators, per user,
# rejected, warnings; classes are numbers in ``ConceptSnapshot.modules``/``qualnames``.
ConceptRow = tuple[str, str, int, str, tuple[int, ...], tuple[int, ...], tuple[tuple[int, str], ...],
                   tuple[Ref, ...], tuple[str, ...], bool, tuple[tuple[int, str], ...], tuple[str, ...]]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ConceptSnapshot:
    """A concept model's computed state, without positions: strings, ints, and tuples and arrays of them.

    Classes are numbers: the class at number ``i`` is ``ClassValue(modules[i], qualnames[i])``; the first ``roles``
    of them are ``Roles.role``'s keys, in its order (a class a concept names outside it, if any, follows).
    """

    modules: tuple[str, ...]
    qualnames: tuple[str, ...]
    roles: tuple[str, ...]
    methods: MethodColumns  # what replaying ``Roles.methods`` reads (``kept_methods``)
    df_names: tuple[str, ...]  # ``Similarity.df``'s keys and counts, and its ``total``
    df_counts: array[int]
    total: int
    protocols: tuple[tuple[str, ...], ...]  # ``Interfaces.protocols``, each sorted
    telling: tuple[tuple[tuple[str, ...], int, int], ...]  # ``Interfaces._table``: (names, protocol, needed)
    hooks: tuple[tuple[str, tuple[str, ...]], ...]  # ``Interfaces._hooks``, each sorted
    hook_bases: tuple[str, ...]  # ``Interfaces.read_bases``, sorted
    compared: array[int]  # ``Similarity.compared``, sorted
    copies: tuple[tuple[int, int], ...]  # (orphaned copy, the live class it repeats), in ``Roles.copies``' order
    imported: tuple[str, ...]  # sorted
    raising: tuple[int, ...]  # classes with an ``__init__``/``__new__`` that always raises
    factories: tuple[tuple[int, tuple[Ref, ...]], ...]  # ``ConceptModel._factories``, in its order
    concepts: tuple[ConceptRow, ...]
    notes: tuple[str, ...]


class _Numbering:
    """Classes to numbers, ``Roles.role``'s keys first."""

    def __init__(self, first: Mapping[ClassValue, object]) -> None:
        self.number: dict[ClassValue, int] = {value: i for i, value in enumerate(first)}
        self.classes: list[ClassValue] = list(first)

    def __call__(self, value: ClassValue) -> int:
        known = self.number.get(value)
        if known is None:
            known = self.number[value] = len(self.classes)
            self.classes.append(value)
        return known


def take_snapshot(model: ConceptModel) -> ConceptSnapshot:
    """``model``'s computed state as plain data (see the module docstring for what is carried)."""
    roles = model.roles
    number = _Numbering(roles.role)
    # Equal strings as one object, which pickle then writes once: a qualname is in every copy of a tree, each read
    # from its own file.
    strings: dict[str, str] = {}
    kept = strings.setdefault
    concepts = tuple(_concept_row(c, number) for c in model.concepts)
    factories = tuple((number(cls), tuple((f.module, f.qualname) for f in found))
                      for cls, found in model._factories.items())  # fmt: skip
    copies = tuple((number(a), number(b)) for a, b in roles.copies.items())
    raising = tuple(sorted(map(number, roles._raising)))
    compared = array("I", sorted(map(number, model.similarity.compared)))
    # ints in arrays, not tuples: a tuple per class and an object per number above 256 are 9 MB more at 4M lines
    order = array("I", map(number, roles.methods))
    bases = [list(map(number, model.resolver.base_classes(value))) for value in roles.methods]  # memoised
    own = [tuple(kept(n, n) for n in _own_public(model.index, value)) for value in roles.methods]
    methods = method_columns(order, len(number.classes), own, bases, list(roles.methods.values()))
    similarity = model.similarity
    interfaces = similarity.interfaces
    protocol_number = {methods: i for i, methods in reversed(list(enumerate(interfaces.protocols)))}  # the first

    def words(names: frozenset[str]) -> tuple[str, ...]:
        return tuple(kept(n, n) for n in sorted(names))

    return ConceptSnapshot(  # every class numbered above: the list is complete
        modules=tuple(kept(v.module, v.module) for v in number.classes),
        qualnames=tuple(kept(v.qualname, v.qualname) for v in number.classes), roles=tuple(roles.role.values()),
        methods=methods, df_names=tuple(kept(n, n) for n in similarity.df),
        df_counts=array("I", similarity.df.values()), total=similarity.total,
        protocols=tuple(map(words, interfaces.protocols)),
        telling=tuple((words(t), protocol_number[m], needed) for t, m, needed in interfaces._table),
        hooks=tuple((base, words(found)) for base, found in interfaces._hooks.items()),
        hook_bases=tuple(sorted(interfaces.read_bases)), compared=compared, copies=copies,
        imported=tuple(kept(m, m) for m in sorted(roles.imported)), raising=raising, factories=factories,
        concepts=concepts, notes=tuple(model.notes),
    )  # fmt: skip


def _own_public(index: ProjectIndex, value: ClassValue) -> list[str]:
    """The public method names ``value``'s class defines, in its facts' order (what ``Roles._public_methods`` reads
    of them)."""
    fact = index.find_class(value.module, value.qualname)
    if fact is None:
        raise ValueError(f"{value.fullname} is not a class of the project")
    return [m for m in fact.methods if not m.startswith("_")]


def _concept_row(c: ConceptInfo, number: _Numbering) -> ConceptRow:
    return (c.name, c.origin, number(c.canonical), c.canonical_reason, tuple(map(number, c.members)),
            tuple(map(number, c.shims)), tuple((number(v), role) for v, role in c.lookalikes),
            tuple((f.module, f.qualname) for f in c.factories), c.allowed_creators, c.per_user,
            tuple((number(v), why) for v, why in c.rejected), tuple(c.warnings))  # fmt: skip


def restored(snapshot: ConceptSnapshot, index: ProjectIndex, resolver: Resolver, sites: ImportSites,
             unparsed: Mapping[str, str] | None = None, names: Names | None = None) -> ConceptModel:  # fmt: skip
    """A model that answers as ``ConceptModel(index, resolver, sites, ...)`` would, built from ``snapshot`` (taken of
    a model of the same facts up to positions, calls in function bodies and ``name_uses``: see the module
    docstring). ``unparsed``: as given to ``ConceptModel``. ``names``: the model's ``Names`` when the caller has
    them (``Names.of_aliases``, reading no facts), else built (reading every module's bindings)."""
    modules = {name: name for name in index.modules}  # the index's strings, not a second copy of each
    if not modules.keys() >= set(snapshot.modules):
        raise ValueError("a class of the snapshot is in no module of the project: the snapshot is of other facts")
    classes = ClassValue.of_columns(list(map(modules.__getitem__, snapshot.modules)), snapshot.qualnames)
    names = Names(index, resolver, sites) if names is None else names
    roles = _restored_roles(snapshot, classes, index, resolver, names)
    model = ConceptModel.__new__(ConceptModel)  # the attributes ``ConceptModel.__init__`` sets, none computed again
    model.index, model.unparsed, model.resolver, model.sites = index, unparsed or {}, resolver, sites
    model.names, model.roles, model.kinds, model.methods = names, roles, roles.role, roles.methods
    model.similarity = _restored_similarity(snapshot, index, resolver, roles, names)
    model._by_word = None
    model._satellite_index = None
    model._returned = {}
    model._factories = {classes[i]: [FunctionValue(*f) for f in found] for i, found in snapshot.factories}
    model.concepts = [_concept(row, classes) for row in snapshot.concepts]
    model.concept_of = {}
    for concept in model.concepts:
        for member in concept.all_classes():
            model.concept_of.setdefault(member, concept)
    model.notes = list(snapshot.notes)
    return model


def _restored_roles(snapshot: ConceptSnapshot, classes: list[ClassValue], index: ProjectIndex, resolver: Resolver,
                    names: Names) -> Roles:  # fmt: skip
    """``Roles`` with the attributes its ``__init__`` sets; the per-class caches it fills lazily start empty."""
    roles = Roles.__new__(Roles)
    roles.index, roles.resolver, roles.names = index, resolver, names
    roles.imported = frozenset(snapshot.imported)
    roles.role = dict(zip(classes, snapshot.roles))
    roles._raising = frozenset(classes[i] for i in snapshot.raising)
    roles._flagged, roles._with, roles._own_public, roles._sets = {}, {}, {}, {}
    # Each class's public methods worked out when first asked, by ``Roles``' own steps (see ``kept_methods``): a
    # calls-only scan asks about a few classes, and working out all 85,000 of 4M lines cost 0.46 CPU-s.
    roles.methods = KeptMethods(snapshot.methods, classes, roles._walk_public)
    roles.copies = {classes[a]: classes[b] for a, b in snapshot.copies}
    return roles


def _restored_similarity(snapshot: ConceptSnapshot, index: ProjectIndex, resolver: Resolver, roles: Roles,
                         names: Names) -> Similarity:  # fmt: skip
    """``Similarity`` with the attributes its ``__init__`` sets, its ``Interfaces`` from the snapshot: the hooks of
    external bases are found from the MRO of every class, which a new resolver works out again (0.6 CPU-s at 4M
    lines). A set of names here is only tested for membership and joined, so a set rebuilt from sorted names
    answers as the first one."""
    interfaces = Interfaces.__new__(Interfaces)
    interfaces.roles = roles
    interfaces.protocols = [frozenset(p) for p in snapshot.protocols]
    interfaces._table = [(frozenset(t), interfaces.protocols[p], needed) for t, p, needed in snapshot.telling]
    interfaces._by_name = defaultdict(list)
    for position, (telling, _, _) in enumerate(interfaces._table):
        for name in telling:
            interfaces._by_name[name].append(position)
    interfaces._hooks = {base: frozenset(found) for base, found in snapshot.hooks}
    interfaces._class_hooks, interfaces._declared_by = {}, {}
    interfaces.read_bases = set(snapshot.hook_bases)
    similarity = Similarity.__new__(Similarity)
    similarity.index, similarity.names, similarity.resolver, similarity.roles = index, names, resolver, roles
    similarity.handoff = Handoff(index, roles)
    similarity.df = Counter(dict(zip(snapshot.df_names, snapshot.df_counts)))  # counted over every class's set
    similarity.total = snapshot.total
    similarity.interfaces = interfaces
    similarity._held, similarity._weights, similarity._profiles, similarity._parallel = {}, {}, {}, {}
    similarity._packages = None
    similarity.compared = set()  # the kept model's are the snapshot's (``public_members_unread`` reads them there)
    return similarity


def _concept(row: ConceptRow, classes: list[ClassValue]) -> ConceptInfo:
    name, origin, canonical, reason, members, shims, lookalikes, factories, allowed, per_user, rejected, warnings = row
    return ConceptInfo(name, origin, classes[canonical], reason, [classes[i] for i in members],
                       [classes[i] for i in shims], [(classes[i], role) for i, role in lookalikes],
                       [FunctionValue(*f) for f in factories], allowed, per_user,
                       [(classes[i], why) for i, why in rejected], list(warnings))  # fmt: skip


def members_unread(model: ConceptModel, classes: Iterable[ClassValue]) -> bool:
    """Whether the restored ``model`` reads nothing of the members of ``classes`` (methods added, removed or renamed:
    ``InterfaceChange.classes``, already judged by their facts in ``edits``: test code, no test double by name or
    methods, the same raising constructor): each is ``test-code`` (no mock base along its MRO made it a double), no
    concept holds it (as a member, shim, lookalike, rejected candidate, or a class with factories), and it names no
    external base whose hooks a comparison read (``hooks.external_hooks`` counts a test class's methods under the
    external bases it names itself: a method added could make one a hook; ``Interfaces.read_bases``, kept with the
    snapshot, are the bases of every compared class: a test case naming ``unittest.TestCase`` passes unless a
    compared class has it along its MRO). So is every class that derives from it (``KeptMethods.subclasses``: their
    public methods change with its own; a test case subclassed by others). Then the model's similarity never compares
    them and their public methods (``Roles.methods``, kept as the full scan's) are read by nothing: the kept model
    holds."""
    methods = model.roles.methods
    if not isinstance(methods, KeptMethods):
        return False
    read_bases = model.similarity.interfaces.read_bases
    held = _held(model)

    def unread(value: ClassValue) -> bool:
        return model.roles.role.get(value) == TEST_CODE and value not in held and value not in model._factories \
            and read_bases.isdisjoint(external_bases(tuple(model.resolver.direct_bases(value))))  # fmt: skip

    added = methods.added()
    for value in classes:
        subclasses = methods.subclasses(value)
        if not unread(value) or subclasses is None or not all(map(unread, subclasses)) \
                or not all(unread(sub) for sub in added if value in model.resolver.mro(sub)):  # fmt: skip
            return False
    return True


SiteRows = frozenset[tuple[tuple[object, ...], int]]  # ``kept_state.Imports.sites``: rows, each with its count


def _uncolumned(rows: SiteRows) -> Counter[tuple[object, ...]]:
    """Import rows without their column, counted."""
    found: Counter[tuple[object, ...]] = Counter()
    for row, count in rows:
        found[row[1:]] += count
    return found


def _compared(methods: KeptMethods, snapshot: ConceptSnapshot, value: ClassValue) -> bool:
    """Whether the similarity of ``snapshot`` compared ``value`` (True for a class it does not number)."""
    number = methods.number_of(value)
    return number is None or number in snapshot.compared


def class_sites_unread(model: ConceptModel, snapshot: ConceptSnapshot,
                       rows: Mapping[str, tuple[SiteRows, SiteRows]]) -> bool:  # fmt: skip
    """Whether the restored ``model`` holds after the import rows of some modules changed (``rows``: per importer,
    its rows before and after, ``kept_state.Imports``: an import site's fields but importer and line, with how many
    times each is there), for what it read of the import sites of the classes they name (``trace.CLASS_SITES``);
    a row whose column alone changed is the same row to it. The model reads a class's sites for
    the names it is known by (a module-level ``as`` import: copies, patterns, guards), its public name (a private
    class's name words: similarity) and its importers (ranking members; choosing the centres of discovery, by
    production importers). So for each class a row added or removed names: the row binds no module-level name of its
    own (``bound`` is the name imported, or in a function), and the set of
    production modules importing it is the same unless the similarity of ``snapshot`` (the model's) never compared
    it (a class with no partner is no centre of discovery); a private class keeps its public name
    (``_public_name_moves``). A configured concept that holds it keeps the model only
    with its configured canonical and no warning (else it ranks the classes its patterns match, and names them); a
    discovered concept whose member it is, only when the restored model ranks its members as the full scan did
    (``_same_ranking``); a shim or lookalike of a discovered concept is not ranked.
    What else of the sites the model read (whether a module is imported: ``_same_imported``) and what rules read
    (the record) is judged where it is made."""
    index, methods = model.index, model.roles.methods
    if not isinstance(methods, KeptMethods):
        return False
    holding: dict[ClassValue, list[ConceptInfo]] = {}
    for concept in model.concepts:
        for value in (*concept.members, *concept.shims, *(v for v, _ in concept.lookalikes),
                      *(v for v, _ in concept.rejected)):  # fmt: skip
            holding.setdefault(value, []).append(concept)
    ranked: set[int] = set()  # the discovered concepts whose ranking reads a changed class's importers
    moved: dict[ClassValue, Counter[tuple[str, str]]] = {}  # private classes: how their paths' counts moved
    for importer, (before, after) in rows.items():
        production = not index.modules[importer].is_test
        old, new = _uncolumned(before), _uncolumned(after)  # no part of the model reads a site's position
        for _, name, bound, target, scope, _, _ in (old - new) + (new - old):
            if not isinstance(target, ClassValue):
                continue
            if not scope and bound != name:
                return False
            if target.qualname.rsplit(".", 1)[-1].startswith("_"):
                _count_paths(moved.setdefault(target, Counter()), target, importer, old, new)
            importers_changed = production and importer != target.module \
                and any(row[4] == target for row, _ in before) != any(row[4] == target for row, _ in after)  # fmt: skip
            if importers_changed and _compared(methods, snapshot, target):
                return False
            for concept in holding.get(target, ()):
                if concept.origin != "discovered":  # a configured one ranks the classes its patterns match
                    if not concept.canonical_reason.startswith(CONFIGURED) or concept.warnings:
                        return False
                elif target in concept.members:
                    ranked.add(id(concept))
    return not any(_public_name_moves(model, target, shift) for target, shift in moved.items()) \
        and all(_same_ranking(model, c) for c in model.concepts if id(c) in ranked)  # fmt: skip


def _count_paths(shift: Counter[tuple[str, str]], target: ClassValue, importer: str, old: Counter[tuple[object, ...]],
                 new: Counter[tuple[object, ...]]) -> None:  # fmt: skip
    """Add to ``shift`` how ``importer``'s rows going from ``old`` to ``new`` (``_uncolumned``) moved the counts of
    ``target``'s import paths (``Names._add_sites``' count: not from its own module, not only under
    ``TYPE_CHECKING``)."""
    if importer == target.module:
        return
    for rows, step in ((new - old, 1), (old - new, -1)):
        for (source, name, _, value, _, checking, _), count in rows.items():
            if value == target and not checking:
                shift[cast(str, source), cast(str, name)] += step * count


def _public_name_moves(model: ConceptModel, target: ClassValue, shift: Counter[tuple[str, str]]) -> bool:
    """Whether the public name of the private class ``target`` (its name words: the similarity) differs from what
    it was before its import paths' counts moved by ``shift`` (every importer's edits: those now, less ``shift``)."""
    names = model.names
    paths = names.paths_of(target)
    before = {key: count for key in {*paths, *shift} if (count := paths.get(key, 0) - shift[key]) > 0}
    return names.public_name(target, before).name != names.public_name(target, paths).name


def _same_ranking(model: ConceptModel, concept: ConceptInfo) -> bool:
    """Whether the restored ``model`` (its import sites the new ones) ranks the members of the discovered ``concept``
    as the full scan did: the same canonical, for the same reason (importer counts are in it), and the same name
    (the canonical's public name, which the import paths counted decide)."""
    canonical, reason = model.rank(concept.members, concept.factories)
    stem = "-".join(name_words(model.names.public_name(canonical).name.lstrip("_")))
    return canonical == concept.canonical and reason == concept.canonical_reason and stem == concept.name


Gone = Mapping[tuple[str, str], tuple[str, tuple[Expr, ...]]]  # (module, qualname) -> scope, bases of a class removed


def patched_test_classes(model: ConceptModel, edited: Collection[str], configs: Iterable[ConceptConfig],
                         gone: Gone | None = None) -> bool:  # fmt: skip
    """Whether the restored ``model`` holds after the classes of test code added to or removed from the ``edited``
    modules (those edited since the full scan, read as they are now) since the full scan, which ``edits`` let through
    by their facts (``edits._test_class_counts``); and if so, ``model`` with them added to ``Roles.role`` (in its
    order) and ``Roles.methods`` and taken from them, as a built model has them. ``gone``: the scope and bases of each
    class this scan's edits removed.

    A class added is one the model reads nothing of but its role and its set of public methods: its role is
    ``test-code`` (no mock base along its MRO either), no class along its MRO is a concept's (a test class deriving
    from a member is attached to it as a test double, ``ConceptModel.attach``) or a configured concept's base, no
    configured name pattern matches its names (``configured._matched``, of a class outside any function or class),
    and it names no external base whose hooks a comparison read (``Interfaces.read_bases``: a test class's methods
    count towards the hooks of the bases it names, ``hooks.external_hooks``). The similarity counts no test class's
    methods (``Similarity.df``) nor compares one, the discovery's candidates are production classes and doubles, and
    no copy is looked for among test classes. Its set of public methods is built by ``Roles``' own steps, and no
    other class holds a set equal to one built of its names (``_own_sets``: a built model keeps an equal set once,
    ``kept_methods``). What other classes read
    of its name (a base, an import) is a leaf the record has. A class removed was ``test-code``, held by no concept,
    no factory's nor a guard, lent its set to no class and was no class's base, and named no base whose hooks were
    read (``gone``; a class removed by an earlier scan was judged by it: what that read is kept)."""
    methods = model.roles.methods
    if not isinstance(methods, KeptMethods):
        return False
    where = set(edited)
    index, roles = model.index, model.roles
    kept: dict[str, dict[str, ClassValue]] = defaultdict(dict)
    for value in roles.role:
        if value.module in where:
            kept[value.module][value.qualname] = value
    added: list[tuple[ModuleInfo, ClassFact, ClassValue]] = []
    removed: list[ClassValue] = []
    for module in where:
        info = index.modules.get(module)
        if info is None:
            return False
        had = kept.get(module, {})
        added.extend((info, fact, ClassValue(module, q)) for q, fact in info.facts.classes.items() if q not in had)
        removed.extend(value for q, value in had.items() if q not in info.facts.classes)
    if not added and not removed:
        return True
    try:
        anchors = set().union(*(_lookups(model, config)[0] for config in configs))  # the configured bases
    except ConfigError:
        return False
    held = _held(model) | model.concept_of.keys() | anchors
    read_bases = model.similarity.interfaces.read_bases
    resolver = model.resolver
    for value in removed:
        scope, bases = (gone or {}).get((value.module, value.qualname), ("", ()))
        named = {v for base in bases for v in resolver.resolve_expr(value.module, scope, base)}
        if not _test_role(roles.role.get(value), scope) or value in held or value in model._factories \
                or value in roles._raising \
                or methods.has_subclass(value) or methods.lends_set(value) \
                or not read_bases.isdisjoint(external_bases(tuple(named))):  # fmt: skip
            return False
    patterns = [config.name_patterns for config in configs if config.name_patterns]
    role: dict[ClassValue, str] = {}
    for info, fact, value in added:
        role[value] = roles._classify(info, fact, value)
        if not _test_role(role[value], fact.scope) or constructor_raises(info.facts.functions, fact.qualname) \
                or any(v in held for v in resolver.mro(value)[1:] if isinstance(v, ClassValue)) \
                or (not fact.scope and any(_matches(model, value, p) for p in patterns)) \
                or not read_bases.isdisjoint(external_bases(tuple(resolver.direct_bases(value)))) \
                or not _own_sets(model, value, fact, where):  # fmt: skip
            return False
    for value in removed:
        del roles.role[value]
        methods.remove(value)
    for info, fact, value in sorted(added, key=lambda a: len(resolver.mro(a[2]))):  # a base before its subclasses
        methods.add(value, roles.public_methods_of(value, fact.methods, resolver.base_classes(value)))
    _insert_in_order(roles.role, role, index)
    return True


def _test_role(role: str | None, scope: str) -> bool:
    """A role of test code the model reads nothing of but the role and the public methods: ``test-code``, or a test
    double defined inside a function or class (the discovery compares doubles at module level only:
    ``discovered._top_level``; what else reads a double, attaching one that derives from a member, is judged apart)."""
    return role == TEST_CODE or (role == TEST_DOUBLE and bool(scope))


def _own_sets(model: ConceptModel, value: ClassValue, fact: ClassFact, edited: Collection[str]) -> bool:
    """Whether the sets ``Roles`` keeps for the class added (its own public names', and its whole set unless it adds
    no name to its only base's) can be no other class's: a built model keeps each distinct set once, the first one
    built, which a class built after it then holds instead of its own (an equal set that may iterate in another
    order: the similarity's float sums follow it). ``_no_equal_set`` tells."""
    methods = cast(KeptMethods, model.roles.methods)
    own = frozenset(own_public(fact.methods))
    bases = model.resolver.base_classes(value)
    sets = [own]
    if len(bases) != 1 or bases[0] not in methods or not own <= methods[bases[0]]:  # ``public_methods_of``
        whole = set(own)
        for base in bases:
            whole.update(methods[base] if base in methods else model.roles._walk_public(base))
        sets.append(frozenset(whole))
    near = _defined_nearby(model.index, value, edited)
    return all(_no_equal_set(methods, names, value, edited, near) for names in sets)


def _defined_nearby(index: ProjectIndex, value: ClassValue, edited: Collection[str]) -> set[str]:
    """The method names the classes of the ``edited`` modules but ``value`` define now (the kept columns hold what
    they defined at the full scan: ``KeptMethods.defined_elsewhere`` skips those modules)."""
    modules = index.modules
    return {name for module in edited if (info := modules.get(module)) is not None
            for qualname, fact in info.facts.classes.items()
            if (module, qualname) != (value.module, value.qualname) for name in fact.methods}  # fmt: skip


MAX_DEFINERS = 200  # the classes defining one name looked at before another name of the set is tried


def _no_equal_set(methods: KeptMethods, names: frozenset[str], value: ClassValue, edited: Collection[str],
                  near: Collection[str]) -> bool:  # fmt: skip
    """Whether no class but ``value`` holds a set equal to ``names`` (one name or none: every such set iterates
    alike). A class whose set equals it holds each of its names, say ``n``, which some class of its MRO defines with
    a set that is a subset of ``names`` (a class's set holds each of its bases'): ``names`` holds a name no class
    of the ``edited`` modules defines now (``near``) and of whose definers kept since the full scan none has a set
    within ``names``."""
    if len(names) <= 1:
        return True
    for name in sorted(names):
        if name in near:
            continue
        definers = list(islice(methods.definers(name, value, edited), MAX_DEFINERS + 1))
        if len(definers) <= MAX_DEFINERS and not any(methods[other] <= names for other in definers):
            return True
    return False


def _insert_in_order(role: dict[ClassValue, str], added: Mapping[ClassValue, str], index: ProjectIndex) -> None:
    """``added`` (classes of test code, with their roles) put into ``role`` where a built ``Roles`` has them: the
    classes in the order of the modules (``ProjectIndex.iter_modules``), each module's in the order of its facts."""
    if not added:
        return
    rank = {name: i for i, name in enumerate(index.modules)}
    mine = {value.module for value in added}
    place = {module: {q: i for i, q in enumerate(index.modules[module].facts.classes)} for module in mine}

    def key(value: ClassValue) -> tuple[int, int]:
        return rank[value.module], place[value.module][value.qualname] if value.module in mine else 0

    items = list(role.items())
    for value in sorted(added, key=key):
        items.insert(bisect_right(items, key(value), key=lambda item: key(item[0])), (value, added[value]))
    role.clear()
    role.update(items)


def _held(model: ConceptModel) -> set[ClassValue]:
    """The classes a concept holds: members, shims, lookalikes and rejected candidates."""
    return {value for concept in model.concepts for value in (
        *concept.members, *concept.shims, *(v for v, _ in concept.lookalikes), *(v for v, _ in concept.rejected))}


def public_members_unread(model: ConceptModel, snapshot: ConceptSnapshot, value: ClassValue, before: Sequence[str],
                          after: Sequence[str], edited: Collection[str]) -> bool:  # fmt: skip
    """Whether the restored ``model`` (of ``snapshot``) holds after the public methods a production class defines
    went from ``before`` to ``after`` (``edits.public_members``: nothing else the model reads of it changed). Its
    role is ``class`` (not a protocol or base the others implement), no concept holds it nor has it factories, no
    class derives from it or holds the set built for it (``KeptMethods.lends_set``), its module is imported (no
    copy left behind, ``Roles._find_copies``), and the similarity never compared it (``Similarity.compared``).
    Every name it gained or lost is defined by no other class (``edited``: the modules edited since the full scan,
    read as they are now), so no other class's weights, rare names, hooks or copies change, and it keeps a name of
    its own (no other class's set equals its new one). It stays a candidate, or not, of the discovery (``MIN_SHARED``
    methods), and with the same rare names shared with each class it is still never compared."""
    methods = model.roles.methods
    if not isinstance(methods, KeptMethods) or model.roles.role.get(value) != CLASS:
        return False
    number = methods.number_of(value)
    if number is None or number in snapshot.compared or value in model._factories or value in _held(model) \
            or methods.has_subclass(value) or methods.lends_set(value) \
            or not model.roles.is_live_module(value.module):  # fmt: skip
        return False
    inherited: set[str] = set()
    for base in model.resolver.base_classes(value):
        inherited.update(methods.get(base, ()))
    old, new = set(before) | inherited, set(after) | inherited
    if not new or (len(old) >= MIN_SHARED) != (len(new) >= MIN_SHARED):
        return False

    edited_names = _defined_nearby(model.index, value, edited)

    def elsewhere(name: str) -> bool:
        return name in edited_names or methods.defined_elsewhere(name, value, edited)

    return not any(map(elsewhere, old ^ new)) and not all(map(elsewhere, after))
