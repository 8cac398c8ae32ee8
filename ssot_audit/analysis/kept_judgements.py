"""What the kept concept model judges of an interface edit itself: whether a model restored from a snapshot
(``concept_snapshot``) still holds after the edit, without being built again.

The dependency record (``trace``) says which of the model's reads an edit fired; some edits fire leaves the model
read while it holds all the same, and the restored model can tell, reading the kept state and the edited facts:

- ``members_unread``: the members of classes whose methods changed (``InterfaceChange.classes``), read by nothing
  of the model (test code no concept holds, and every class derived from it);
- ``class_sites_unread``: the import sites of classes an import edit added or removed (the model's public names,
  production importers and canonical ranking the same);
- ``patched_test_classes``: the classes of test code added or removed since the full scan, which it puts into the
  kept roles where a built model has them;
- ``public_members_unread``: a production class's public methods added, removed, renamed or made async, in a class
  the similarity never compared and no concept holds.

Each answers False when it cannot tell: the whole scan then builds the model again.
"""

from __future__ import annotations

import fnmatch
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import cast

from ssot_audit.analysis.concept_snapshot import ConceptSnapshot
from ssot_audit.analysis.concepts import ConceptInfo, ConceptModel
from ssot_audit.analysis.configured import CONFIGURED, _lookups, _matches
from ssot_audit.analysis.facts import ClassFact, Expr
from ssot_audit.analysis.hooks import external_bases
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.analysis.kept_methods import KeptMethods
from ssot_audit.analysis.names import name_words
from ssot_audit.analysis.roles import CLASS, GUARD, TEST_CODE, TEST_DOUBLE, constructor_raises
from ssot_audit.analysis.similarity import MIN_SHARED
from ssot_audit.analysis.values import ClassValue, Value
from ssot_audit.config import ConceptConfig, ConfigError


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


def class_sites_unread(model: ConceptModel, snapshot: ConceptSnapshot, rows: Mapping[str, tuple[SiteRows, SiteRows]],
                       configs: Iterable[ConceptConfig]) -> bool:  # fmt: skip
    """Whether the restored ``model`` holds after the import rows of some modules changed (``rows``: per importer,
    its rows before and after, ``kept_state.Imports``: an import site's fields but importer and line, with how many
    times each is there), for what it read of the import sites of the classes they name (``trace.CLASS_SITES``);
    a row whose column alone changed is the same row to it. The model reads a class's sites for
    the names it is known by (a module-level ``as`` import: copies, patterns, guards), its public name (a private
    class's name words: similarity) and its importers (ranking members; choosing the centres of discovery, by
    production importers). So for each class a row added or removed names: the row binds no module-level name of its
    own (``bound`` is the name imported, or in a function), or the model reads nothing of that name
    (``_as_name_unread``; ``configs``: the configured concepts, whose patterns match names), and the set of
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
        info = index.modules.get(importer)  # None: a file of test code removed (``kept_removed``)
        production = info is not None and not info.is_test
        old, new = _uncolumned(before), _uncolumned(after)  # no part of the model reads a site's position
        for _, name, bound, target, scope, _, _ in (old - new) + (new - old):
            if not isinstance(target, ClassValue):
                continue
            if not scope and bound != name and not _as_name_unread(model, target, cast(str, bound), holding, configs):
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


def _as_name_unread(model: ConceptModel, target: ClassValue, bound: str, holding: Collection[ClassValue],
                    configs: Iterable[ConceptConfig]) -> bool:  # fmt: skip
    """Whether the model reads nothing of ``bound``, a module-level name an ``as`` import gives class ``target``
    (``Names.name_strings``, the names a class is known by). It reads them: of a class a concept holds (the reason
    of its canonical, the names its satellites are attached by, the concept table); of a guard (attached by each of
    its names); where a configured concept's pattern matches the name; and where a class of that name could be an
    orphaned copy of ``target`` (``Roles._find_copies`` looks the copies' names up among every production class's
    names). Nothing else of the model reads a name an import gives (a public name is an import path or a
    definition's, ``Names.public_name``); the rules' reads of it are in the record (``trace.CLASS_SITES``)."""
    if target in holding or model.kinds.get(target) == GUARD:
        return False
    if any(fnmatch.fnmatchcase(bound, pattern) for config in configs for pattern in config.name_patterns):
        return False
    return all(value.qualname != bound for value in model.kinds)


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
                         gone: Gone | None = None, removed_modules: Collection[str] = (),
                         named: Mapping[tuple[str, str], frozenset[Value]] | None = None) -> bool:  # fmt: skip
    """Whether the restored ``model`` holds after the classes of test code added to or removed from the ``edited``
    modules (those edited since the full scan, read as they are now) since the full scan, which ``edits`` let through
    by their facts (``edits._test_class_counts``); and if so, ``model`` with them added to ``Roles.role`` (in its
    order) and ``Roles.methods`` and taken from them, as a built model has them. ``gone``: the scope and bases of each
    class this scan's edits removed; ``removed_modules``: the modules of files removed since (``kept_removed``: every
    class of theirs is gone), whose classes' bases are resolved apart (``named``: what the bases of each resolve to).

    A class added is one the model reads nothing of but its role and its set of public methods: its role is
    ``test-code`` (no mock base along its MRO either), no class along its MRO is a concept's (a test class deriving
    from a member is attached to it as a test double, ``ConceptModel.attach``) or a configured concept's base, no
    configured name pattern matches its names (``configured._matched``, of a class outside any function or class),
    and it names no external base whose hooks a comparison read (``Interfaces.read_bases``: a test class's methods
    count towards the hooks of the bases it names, ``hooks.external_hooks``). The similarity counts no test class's
    methods (``Similarity.df``) nor compares one, the discovery's candidates are production classes and doubles, and
    no copy is looked for among test classes. Its set of public methods is built by ``Roles``' own steps; another
    class may hold an equal set (a copy of the class): a built model keeps each distinct set once, so one of them
    holds the other's, which may iterate in another order, and nothing read of a set follows its order (the
    similarity's sums are exact, ``Similarity.weigh``). What other classes read of its name (a base, an import) is
    a leaf the record has. A class removed was ``test-code``, held by no concept, no factory's nor a guard, was no
    class's base, and named no base whose hooks were read (``gone``; a class removed by an earlier scan was judged
    by it: what that read is kept). A class that held its set (``KeptMethods.lends_set``) still hands it to them:
    the kept columns build it."""
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
        had = kept.get(module, {})
        if module in removed_modules:
            removed.extend(had.values())
            continue
        info = index.modules.get(module)
        if info is None:
            return False
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
        apart = (named or {}).get((value.module, value.qualname))
        bases_named = apart if apart is not None \
            else {v for base in bases for v in resolver.resolve_expr(value.module, scope, base)}  # fmt: skip
        if not _test_role(roles.role.get(value), scope) or value in held or value in model._factories \
                or value in roles._raising \
                or methods.has_subclass(value) or not read_bases.isdisjoint(external_bases(tuple(bases_named))):
            return False
    patterns = [config.name_patterns for config in configs if config.name_patterns]
    role: dict[ClassValue, str] = {}
    for info, fact, value in added:
        role[value] = roles._classify(info, fact, value)
        if not _test_role(role[value], fact.scope) or constructor_raises(info.facts.functions, fact.qualname) \
                or any(v in held for v in resolver.mro(value)[1:] if isinstance(v, ClassValue)) \
                or (not fact.scope and any(_matches(model, value, p) for p in patterns)) \
                or not read_bases.isdisjoint(external_bases(tuple(resolver.direct_bases(value)))):  # fmt: skip
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


def _defined_nearby(index: ProjectIndex, value: ClassValue, edited: Collection[str]) -> set[str]:
    """The method names the classes of the ``edited`` modules but ``value`` define now (the kept columns hold what
    they defined at the full scan: ``KeptMethods.defined_elsewhere`` skips those modules)."""
    modules = index.modules
    return {name for module in edited if (info := modules.get(module)) is not None
            for qualname, fact in info.facts.classes.items()
            if (module, qualname) != (value.module, value.qualname) for name in fact.methods}  # fmt: skip


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
