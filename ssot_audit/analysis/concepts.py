"""Concepts: which classes implement one idea ("the WebSocket manager"), which is canonical, and its factories.

Configured concepts come from ``[tool.ssot-audit.concepts]``; their ``canonical``, ``factories`` and ``bases`` may
name a class or function by any of its names (an alias, a re-export), and ``name-patterns`` match any of a class's
names. A pattern only narrows: a production class it matches joins the concept when it plays the canonical class's
role (``analysis.similarity``) or subclasses it; the others are *rejected*, with the reason.

Zero-config discovery clusters live production classes that play one role (shared public methods weighted by
rarity, async-ness agreeing) around a centre: each member is similar to the centre itself, so no chain of pairwise
resemblances glues unrelated classes together. Test doubles, guards, orphaned copies, shims and facades are
classified (``analysis.roles``) and attached to the concept they belong to, never counted as implementations.

The canonical class is the one the concept's factory returns, else the one with most production importers
(through every name), then the most complete API; never a test double, a guard or an orphaned copy.
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ssot_audit.analysis.configured import build_configured
from ssot_audit.analysis.discovered import discover_concepts
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.names import Names, name_words
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.roles import CLASS, FACADE, GUARD, ORPHAN, SHIM, SUBCLASS, TEST_CODE, TEST_DOUBLE, Roles
from ssot_audit.analysis.similarity import MIN_SHARED, Similarity
from ssot_audit.analysis.trace import NODE, node_answer
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.values import ClassValue, FunctionValue, InstanceValue
from ssot_audit.config import ConceptConfig, ConfigError

FACTORY_NAME = re.compile(r"^(get|create|make|build|new)_\w+$|^\w+_factory$")
NOT_CANONICAL = {GUARD: "a factory guard (its constructor always raises)", TEST_DOUBLE: "a test double",
                 TEST_CODE: "test code", ORPHAN: "an orphaned copy nothing imports"}  # fmt: skip


@dataclass(slots=True)
class ConceptInfo:
    """A concept as the rules see it."""

    name: str
    origin: str  # "configured" | "discovered"
    canonical: ClassValue
    canonical_reason: str
    members: list[ClassValue]  # live implementations, canonical first
    shims: list[ClassValue] = field(default_factory=list)
    lookalikes: list[tuple[ClassValue, str]] = field(default_factory=list)  # (class, role): not implementations
    factories: list[FunctionValue] = field(default_factory=list)
    allowed_creators: tuple[str, ...] = ()
    per_user: bool = False
    rejected: list[tuple[ClassValue, str]] = field(default_factory=list)  # matched a pattern, failed the role test
    warnings: list[str] = field(default_factory=list)  # about the configuration (a guard configured canonical...)

    def all_classes(self) -> list[ClassValue]:
        """Implementations, subclasses and shims: every class whose construction makes "the" concept."""
        return [*self.members, *self.shims, *(v for v, role in self.lookalikes if role == SUBCLASS)]

    def allows_creation_in(self, module: str) -> bool:
        """True when ``module`` is one of the allowed creator modules (fnmatch patterns)."""
        return any(fnmatch.fnmatchcase(module, pattern) for pattern in self.allowed_creators)


@dataclass(slots=True)
class _Satellites:
    """Where ``ConceptModel.attach`` looks classes up (see ``ConceptModel._satellites``)."""

    order: dict[ClassValue, int] = field(default_factory=dict)  # position in ``Roles.role``
    by_member: dict[ClassValue, list[ClassValue]] = field(default_factory=dict)  # shims, doubles, orphans
    guards_by_name: dict[str, list[ClassValue]] = field(default_factory=dict)


class ConceptModel:
    """Roles of every class, the names of every class, and the concepts of the project."""

    def __init__(self, index: ProjectIndex, resolver: Resolver, sites: ImportSites,
                 configured: tuple[ConceptConfig, ...], unparsed: Mapping[str, str] | None = None,
                 partial: bool = False, imported: frozenset[str] | None = None) -> None:  # fmt: skip
        """``partial``: only part of the configured project is scanned (a sub-directory or a file), so a configured
        class or factory outside it skips its concept with a note instead of being a configuration error. A
        configured name whose file could not be parsed skips its concept with a note too (the SSOT900 says why).
        ``imported``: the modules other modules import, when the caller has them (see ``Roles``)."""
        self.index = index
        self.unparsed = unparsed or {}
        self.resolver = resolver
        self.sites = sites
        self.names = Names(index, resolver, sites)
        self.roles = Roles(index, resolver, self.names, imported)
        self.kinds = self.roles.role  # class -> role (see analysis.roles)
        self.methods = self.roles.methods
        self.similarity = Similarity(index, resolver, self.roles, self.names)
        self.notes: list[str] = []
        self.concepts: list[ConceptInfo] = []
        self._by_word: dict[str, list[ClassValue]] | None = None
        self._satellite_index: _Satellites | None = None
        self._returned: dict[FunctionValue, list[ClassValue]] = {}  # ``returned_classes``' answers
        self._factories = self._factories_by_class()
        for concept_config in configured:
            try:
                self.concepts.append(self._configured(concept_config))
            except ConfigError as exc:
                skipped = self._skipped_any(concept_config)
                if not partial and not skipped:
                    raise
                why = "partial scan" if partial else "a file it names could not be analysed (SSOT900)"
                self.notes.append(f"concept '{concept_config.name}' not checked ({why}): {exc}")
        self.concepts.extend(self._discover())
        self.concept_of: dict[ClassValue, ConceptInfo] = {}
        for concept in self.concepts:
            for member in concept.all_classes():
                self.concept_of.setdefault(member, concept)
        for concept in self.concepts:
            self.notes.extend(f"concept '{concept.name}': {w}" for w in concept.warnings)

    # -- kept between scans -------------------------------------------------------------------------------------
    # -- facts about classes ------------------------------------------------------------------------------------
    def async_methods(self, cls: ClassValue) -> tuple[str, ...]:
        """The public methods of ``cls`` whose definition (the first along its MRO) is ``async def``."""
        maybe = self.roles.methods_with(cls, "is_async")
        found = []
        for name in sorted(self.methods.get(cls, ())):
            if name not in maybe:
                continue  # no class along the MRO can give it an ``async def``: no lookup needed
            method = self.resolver.find_method(cls, name)
            function = self.index.find_function(method.module, method.qualname, head=True) if method else None
            if function is not None and function.is_async:
                found.append(name)
        return tuple(found)

    def production_importers(self, cls: ClassValue) -> int:
        """Modules outside test code that import ``cls`` under any of its names."""
        return len({s.importer for s in self.sites.find_sites(cls)
                    if s.importer != cls.module and not self.index.modules[s.importer].is_test})  # fmt: skip

    def returned_classes(self, factory: FunctionValue) -> list[ClassValue]:
        """Project classes a factory's ``return`` statements give (its annotation only when they say nothing). A node
        of the dependency record (``trace``): the model reads a method's other fields directly, and an edit of them
        only (``member_change.MODEL_READS``) does not reach the model; a configured factory may be a method,
        whose return values this reads."""
        return node_answer(self.resolver.trace, self._returned, factory, (NODE, "returned", factory),
                           lambda: self._returned_classes(factory))

    def _returned_classes(self, factory: FunctionValue) -> list[ClassValue]:
        func = self.index.find_function(factory.module, factory.qualname)
        if func is None:
            return []
        found: set[ClassValue] = set()
        for expr in func.return_values:
            found.update(v.cls for v in self.resolver.resolve_expr(factory.module, factory.qualname, expr)
                         if isinstance(v, InstanceValue))  # fmt: skip
        if not found:
            found.update(v.cls for v in self.resolver.return_values(factory) if isinstance(v, InstanceValue))
        return sorted(found, key=lambda v: v.fullname)

    def _factories_by_class(self) -> dict[ClassValue, list[FunctionValue]]:
        """Module-level ``get_*``/``create_*``... functions (outside tests) by the project class they return."""
        found: dict[ClassValue, list[FunctionValue]] = defaultdict(list)
        for info in self.index.iter_modules():  # ``iter_functions``' order, a test module's functions not visited
            if info.is_test:
                continue
            for func in info.facts.functions.values():
                if "." in func.qualname or not FACTORY_NAME.match(func.name):
                    continue
                value = FunctionValue(info.name, func.qualname)
                for cls in self.returned_classes(value):
                    found[cls].append(value)
        return dict(found)

    def factories_in(self, module: str) -> list[FunctionValue]:
        """Module-level factories (``get_*``, ``create_*``...) defined in ``module`` that return a project class."""
        return sorted({f for fs in self._factories.values() for f in fs if f.module == module}, key=lambda f: f.qualname)

    # -- canonical choice ---------------------------------------------------------------------------------------
    def rank(self, members: list[ClassValue], factories: list[FunctionValue]) -> tuple[ClassValue, str]:
        """The canonical class among live implementations, with the evidence."""
        returned = {c: f for f in factories for c in self.returned_classes(f)}

        def key(v: ClassValue) -> tuple[bool, int, int, int, str]:
            return (v not in returned, -self.production_importers(v), -self.sites.count_importers(v),
                    -len(self.methods[v]), v.fullname)  # fmt: skip

        ranked = sorted(members, key=key)
        best = ranked[0]
        runner = ranked[1] if len(ranked) > 1 else None
        names = len(self.names.name_strings(best))
        through = f", through {names} names" if names > 1 else ""
        if best in returned and (runner is None or runner not in returned):
            return best, f"returned by its factory {returned[best].qualname}()"
        prod, runner_prod = self.production_importers(best), self.production_importers(runner) if runner else -1
        if runner is None or prod > runner_prod:
            return best, f"most production importers ({prod} modules{through})"
        total = self.sites.count_importers(best)
        if total > self.sites.count_importers(runner):
            return best, f"most importers ({total} modules{through})"
        if len(self.methods[best]) > len(self.methods[runner]):
            return best, f"most complete public API ({len(self.methods[best])} public methods)"
        return best, "first by name among equally used candidates"

    # -- configured ---------------------------------------------------------------------------------------------
    def _skipped(self, dotted: str) -> str:
        """Why a configured name may be missing: the file that would define it was skipped."""
        parts = dotted.split(".")
        for i in range(len(parts) - 1, 0, -1):
            reason = self.unparsed.get(".".join(parts[:i]))
            if reason:
                return reason
        return ""

    def _skipped_any(self, config: ConceptConfig) -> bool:
        return any(self._skipped(d) for d in (config.canonical, *config.factories, *config.bases) if d)

    def _lookup(self, dotted: str, key: str, kind: type) -> ClassValue | FunctionValue:
        found = self.names.lookup(dotted)
        what = "class" if kind is ClassValue else "function"
        if found.target is None:
            skipped = self._skipped(dotted)
            raise ConfigError(f"'{key}': {what} '{dotted}' is not defined in the scanned code"
                              + (f" ({skipped})" if skipped else ""))  # fmt: skip
        if not isinstance(found.target, kind):
            other = "class" if isinstance(found.target, ClassValue) else "function"
            raise ConfigError(f"'{key}': '{dotted}' is a {other} ({found.target.fullname}), not a {what}")
        return found.target

    def _configured(self, config: ConceptConfig) -> ConceptInfo:
        return build_configured(self, config)

    # -- discovery ----------------------------------------------------------------------------------------------
    def _discover(self) -> list[ConceptInfo]:
        return discover_concepts(self)

    def assemble(self, name: str, origin: str, canonical: ClassValue, reason: str, members: list[ClassValue],
                 attached: Mapping[ClassValue, str], factories: list[FunctionValue], allowed: tuple[str, ...],
                 per_user: bool) -> ConceptInfo:  # fmt: skip
        """A ``ConceptInfo``: implementations (canonical first), shims, and the other attached classes by role."""
        others = sorted((v for v in members if v != canonical), key=lambda v: v.fullname)
        shims = sorted((v for v, role in attached.items() if role == SHIM), key=lambda v: v.fullname)
        lookalikes = sorted(((v, role) for v, role in attached.items() if role != SHIM and v != canonical
                             and v not in members), key=lambda p: p[0].fullname)  # fmt: skip
        return ConceptInfo(name, origin, canonical, reason, [canonical, *others], shims, lookalikes, factories,
                           allowed, per_user)  # fmt: skip

    def attach(self, members: list[ClassValue]) -> dict[ClassValue, str]:
        """Classes that belong with ``members`` without implementing it: shims of a member, guards and orphaned
        copies known by a member's name (``WebSocketManager = _Guard``), orphaned copies of a member."""
        member_set = set(members)
        names = {n for m in members for n in self.names.name_strings(m) if not n.startswith("_")}
        index = self._satellites()
        candidates = {v for m in members for v in index.by_member.get(m, ())}
        candidates.update(v for n in names for v in index.guards_by_name.get(n, ()))
        found: dict[ClassValue, str] = {}
        for value in sorted(candidates - member_set, key=index.order.__getitem__):  # the order of ``roles.role``
            role = self.roles.role[value]
            found[value] = TEST_DOUBLE if role == TEST_CODE else role  # a mock that subclasses the real class
        api = set().union(*(self.methods[m] for m in members))
        words = {w for m in members for w in self.similarity.words(m)}
        # Only classes offering enough of the API are sorted and looked at (a common word, "manager" or "field",
        # names thousands of classes); ``_wraps`` asks the same of each again, so this order is the plain one.
        least = MIN_SHARED - 1
        methods = self.methods
        sharing = {v for w in words for v in self._classes_by_word().get(w, ())}  # each class once
        offering = [v for v in sharing if v not in member_set and v not in found and len(methods[v] & api) >= least]
        for value in sorted(offering, key=lambda v: v.fullname):
            if self._wraps(value, member_set, api):
                found[value] = FACADE  # an adapter or facade that wraps a member and offers its methods
        return found

    def _satellites(self) -> _Satellites:
        """Shims, test doubles and orphaned copies by the class they belong to, guards by each of their names: built
        once, so attaching a concept's satellites looks up its members instead of walking every class of the project
        (that walk, once per concept, grew with the square of the project's size: 14 s of 30 at 1M lines)."""
        if self._satellite_index is None:
            index = _Satellites()
            for position, (value, role) in enumerate(self.roles.role.items()):
                index.order[value] = position
                if role in (SHIM, TEST_DOUBLE, TEST_CODE):
                    for base in self.resolver.mro(value)[1:]:  # an MRO names each class once
                        if isinstance(base, ClassValue):  # members are classes: nothing else can match one
                            index.by_member.setdefault(base, []).append(value)
                elif role == ORPHAN:
                    copied = self.roles.copied_class(value)
                    if copied is not None:
                        index.by_member.setdefault(copied, []).append(value)
                elif role == GUARD:
                    for name in self.names.name_strings(value):
                        index.guards_by_name.setdefault(name, []).append(value)
            self._satellite_index = index
        return self._satellite_index

    def _wraps(self, value: ClassValue, members: set[ClassValue], api: set[str]) -> bool:
        """``value`` offers some of the members' methods by holding a member, or by handing them on to an object of
        that API (an adapter whose wrapped object's type is not written down)."""
        offered = tuple(sorted(self.methods[value] & api))
        if len(offered) < MIN_SHARED - 1:
            return False
        if self.similarity.held(value) & members:
            return True
        # Delegation alone (the wrapped object's type unknown) vouches for less: such an adapter offers as many of
        # the API's methods as two implementations must share. A home-assistant vacuum entity that hands
        # async_update and async_stop on to its device is no facade of the integrations' feed managers.
        return len(offered) >= MIN_SHARED and self.similarity.handoff.delegating(value, offered) * 2 >= len(offered)

    def _classes_by_word(self) -> dict[str, list[ClassValue]]:
        """Live production classes by each word of their name (``WebSocketManagerAdapter`` under "manager" too)."""
        if self._by_word is None:
            self._by_word = defaultdict(list)
            for value, role in self.roles.role.items():
                if role == CLASS:
                    for word in set(self.similarity.words(value)):
                        self._by_word[word].append(value)
        return self._by_word

    def public(self, cls: ClassValue | FunctionValue) -> str:
        """The dotted public name users import (see ``Names.public_name``)."""
        return self.names.public_name(cls).dotted

    def canonical_problem(self, cls: ClassValue) -> str:
        """Why ``cls`` cannot be a canonical class ("" when it can)."""
        return NOT_CANONICAL.get(self.roles.role.get(cls, ""), "")
