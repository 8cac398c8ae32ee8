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
reads those (``tests/analysis/test_concept_snapshot.py`` compares the two on edited projects). Whether a restored
model still holds after an interface edit, and the classes of test code put into it, is ``kept_judgements``'.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from ssot_audit.analysis.concepts import ConceptInfo, ConceptModel
from ssot_audit.analysis.handoff import Handoff
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.interfaces import Interfaces
from ssot_audit.analysis.kept_methods import KeptMethods, MethodColumns, method_columns
from ssot_audit.analysis.names import Names
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.roles import Roles
from ssot_audit.analysis.similarity import Similarity
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.values import ClassValue, FunctionValue

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
             unparsed: Mapping[str, str] | None = None, names: Names | None = None,
             gone: Collection[str] = ()) -> ConceptModel:  # fmt: skip
    """A model that answers as ``ConceptModel(index, resolver, sites, ...)`` would, built from ``snapshot`` (taken of
    a model of the same facts up to positions, calls in function bodies and ``name_uses``: see the module
    docstring). ``unparsed``: as given to ``ConceptModel``. ``names``: the model's ``Names`` when the caller has
    them (``Names.of_aliases``, reading no facts), else built (reading every module's bindings). ``gone``: modules of
    files removed since (``kept_removed``), whose classes the caller takes out (``kept_judgements``)."""
    modules = {name: name for name in index.modules}  # the index's strings, not a second copy of each
    modules.update((name, name) for name in gone)
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
