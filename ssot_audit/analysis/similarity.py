"""Role similarity: do two classes play the same role? Shared public methods, weighted by how rare each name is.

``get``, ``close``, ``start``, ``initialize``, ``to_dict`` are defined by hundreds of classes and say little;
``emit_critical_event`` or ``register_connection`` say a lot. A method's weight is its inverse document frequency
over the project's classes, normalised to (0, 1]. Two classes play one role when they share at least
``MIN_SHARED`` methods worth ``MIN_WEIGHT``, those cover at least ``MIN_COVER`` of the smaller class's weight, and
their async-ness agrees; versions of one name (``SocketManager``, ``UnifiedSocketManager``: the same words once
qualifiers are dropped) need only ``MIN_SHARED - 1`` methods of any weight, the name being evidence already. Methods both inherit from a common project ancestor, or that both take from a project
Protocol/ABC they implement (even structurally, without inheriting it, and leaving out its generic names: airflow's
metrics backends implement ``StatsLogger``'s ``incr``/``gauge``/``timing`` but not its ``initialize``), or that subclasses of one external base
define under three or more names (the hooks of a framework base the scan cannot see into: ``on_llm_start`` of
``BaseCallbackHandler``; two classes whose external bases both have the method as a hook, ``ByteStore`` and
``BaseStore[str, bytes]``, implement one framework's interface), are the interface of intended polymorphism and do
not count between classes of different names. A subclass and its base, a facade and the class it holds, a class that
hands the shared methods on (a proxy, an RPC client, a wrapper: ``handoff``), and two definitions of one class in one
module (``if``/``else``) are never duplicates. Methods that an abstract base of each class declares (two vendors'
ABCs of one driver API) are an interface too, and two classes of two plugins (children of a
``class_profile.PLUGIN_DIRS`` directory) are not versions of one name for sharing it: each vendor has its ``RestHelper``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from ssot_audit.analysis.class_profile import (
    Profile, async_twins, local_words, pairs_sharing, plugin_directory, related_names,
)  # fmt: skip
from ssot_audit.analysis.handoff import Handoff
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.interfaces import Interfaces
from ssot_audit.analysis.names import Names, name_words
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.roles import CLASS, TEST_ROLES, Roles
from ssot_audit.analysis.values import ClassValue, InstanceValue

MIN_SHARED = 3  # methods
MIN_WEIGHT = 1.8  # normalised weight of the shared methods: about three rare names, never three common ones
MIN_COVER = 0.5  # share of the smaller class's (weighted) methods that the other one has too
MIN_ASYNC_AGREEMENT = 0.75
# Rarity is judged against at least this many classes: in a small project, a concept copied ten times would make its
# own method names look common.
MIN_CORPUS = 1000
# Names that mean little in any Python codebase, whatever their count in this one (weight at most GENERIC_WEIGHT).
GENERIC = frozenset({
    "get", "set", "put", "pop", "keys", "values", "items", "update", "delete", "remove", "add", "clear", "copy",
    "open", "close", "closed", "start", "stop", "run", "restart", "shutdown", "initialize", "init", "setup",
    "teardown", "cleanup", "reset", "configure", "load", "save", "reload", "refresh", "flush", "sync", "create",
    "build", "make", "process", "handle", "execute", "call", "apply", "validate", "check", "is_valid", "to_dict",
    "from_dict", "as_dict", "dict", "to_json", "from_json", "json", "serialize", "deserialize", "status",
    "get_status", "health", "health_check", "is_healthy", "ping", "info", "name", "id", "register", "unregister",
    "enable", "disable", "is_enabled", "size", "count", "length", "empty", "is_empty",
    "index", "show", "default",  # a web controller's actions (routes' resource verbs), ``JSONEncoder.default``
})  # fmt: skip
GENERIC_WEIGHT = 0.2
OTHER_NOUN_FACTOR = 1.5  # ``ClickHouseClient`` ~ ``ClickHouseService``: another noun needs more shared weight
PARALLEL_NAMES = 3  # class names two packages both define that make them parallel implementations


@dataclass(frozen=True, slots=True)
class Comparison:
    """How two classes relate: ``same_role`` and why (or why not)."""

    same_role: bool
    reason: str
    shared: tuple[str, ...] = ()
    weight: float = 0.0
    cover: float = 0.0
    facade: bool = False  # one wraps the other (holds it, or hands its methods on): an adapter, a proxy


_NOTHING: frozenset[str] = frozenset()


class Similarity:
    """Pairwise role comparisons over the classes of a project."""

    def __init__(self, index: ProjectIndex, resolver: Resolver, roles: Roles, names: Names | None = None) -> None:
        self.index = index
        self.names = names
        self.resolver = resolver
        self.roles = roles
        self.handoff = Handoff(index, roles)
        counted = [v for v, role in roles.role.items() if role not in TEST_ROLES]
        self.df: Counter[str] = Counter(m for v in counted for m in roles.methods[v])
        self.total = max(len(counted), 2)
        self.interfaces = Interfaces(index, resolver, roles, GENERIC)
        self._held: dict[ClassValue, frozenset[ClassValue]] = {}
        self._packages: dict[str, set[str]] | None = None
        self._weights: dict[str, float] = {}  # by method name (the counts are fixed once built)
        self._profiles: dict[ClassValue, Profile] = {}
        self._parallel: dict[tuple[str, str], bool] = {}  # by the two packages
        self.compared: set[ClassValue] = set()  # every class ``_compare`` was asked about

    # -- weights ------------------------------------------------------------------------------------------------
    def weight(self, method: str) -> float:
        """ln(N / df) / ln(N): 1.0 for a name only one class has, towards 0 for a name every class has."""
        known = self._weights.get(method)
        if known is None:
            df = max(self.df.get(method, 1), 1)
            total = max(self.total, MIN_CORPUS)
            weight = max(math.log(total / df) / math.log(total), 0.05)
            known = self._weights[method] = min(weight, GENERIC_WEIGHT) if method in GENERIC else weight
        return known

    def weigh(self, methods: Collection[str]) -> float:
        """The summed weight of ``methods``, exactly rounded (``math.fsum``): the same float whatever order a set of
        names iterates in. Equal sets built by other steps may iterate in other orders (a restored model's, a class
        added beside an equal one), and a plain sum's last bit followed the order."""
        try:  # every name weighed before (nearly always): no call per name
            return math.fsum(map(self._weights.__getitem__, methods))
        except KeyError:
            return math.fsum(self.weight(m) for m in methods)

    # -- interface ----------------------------------------------------------------------------------------------
    def interface(self, a: ClassValue, b: ClassValue) -> frozenset[str]:
        """Methods that ``a`` and ``b`` share by design: from a common project ancestor, or from a project protocol
        both implement when each has a name of its own (``RedisSessionStore``, ``MemorySessionStore``: a family).
        Versions of one name (``Unified``/``Isolated``/``Legacy`` + ``WebSocketManager``) implementing a protocol are
        one concept written twice, not a family."""
        return self.interfaces.between(self.profile(a), self.profile(b))

    def profile(self, cls: ClassValue) -> Profile:
        """What ``compare`` asks of ``cls`` whatever the other class is (see ``Profile``), worked out once."""
        known = self._profiles.get(cls)
        if known is None:
            mro = self.resolver.mro(cls)
            methods = self.roles.methods[cls]
            words = self._words(cls)
            packages = frozenset(w for part in cls.module.split(".")[:-1] for w in part.lower().split("_"))
            known = self._profiles[cls] = Profile(
                mro, frozenset(v for v in mro[1:] if isinstance(v, ClassValue)), words, frozenset(words),
                name_words(cls.qualname.split(".")[-1].lstrip("_")), packages, methods, self.weigh(methods),
            )  # fmt: skip
        return known

    def held(self, cls: ClassValue) -> frozenset[ClassValue]:
        """Project classes whose instances ``cls`` keeps in instance attributes (what a facade wraps)."""
        trace = self.resolver.trace
        if trace is not None:  # its members, read on every call: ``_held`` is no node (``trace.CLASS``)
            trace.read_members(cls.module, cls.qualname)
        cached = self._held.get(cls)
        if cached is not None:
            return cached
        found: set[ClassValue] = set()
        fact = self.index.find_class(cls.module, cls.qualname)
        if fact is not None:
            for attr in fact.attr_types:
                for value in self.resolver.class_member(cls, attr, instance=True):
                    if isinstance(value, InstanceValue):
                        found.add(value.cls)
        self._held[cls] = frozenset(found)
        return self._held[cls]

    # -- comparison ---------------------------------------------------------------------------------------------
    def related_names(self, a: ClassValue, b: ClassValue) -> bool:
        """Names of one concept: the same last word and another word in common, qualifiers (Unified, Legacy,
        Isolated, V2...) aside: ``WebSocketManager`` ~ ``UnifiedWebSocketManager`` ~ ``WebSocketConnectionManager``.
        Classes with unrelated names that happen to share an API (file-like objects, geometry wrappers of two
        libraries) are intended duck typing, not one concept written twice."""
        return related_names(self.profile(a), self.profile(b))

    def same_name(self, a: ClassValue, b: ClassValue) -> bool:
        """Versions of one name: the same words once qualifiers are dropped, and once a leading word that only says
        where the class lives is dropped too (``AuthConfigManager`` in ``auth_service`` is that service's
        ``ConfigManager``; ``AnalyticsWebSocketManager`` in ``analytics_service`` its ``WebSocketManager``)."""
        return self._same_name(self.profile(a), self.profile(b))

    @staticmethod
    def _same_name(pa: Profile, pb: Profile) -> bool:
        mine = local_words(pa, pb.words)
        return len(mine) > 1 and mine == local_words(pb, pa.words)  # "Model" alone says too little

    def words(self, cls: ClassValue) -> tuple[str, ...]:
        """The class's name words, qualifiers dropped (see ``name_words``); a private class is known by its public
        name (``_Impl`` exported as ``WebSocketManager``)."""
        known = self._profiles.get(cls)
        return known.words if known is not None else self._words(cls)

    def _words(self, cls: ClassValue) -> tuple[str, ...]:
        name = cls.qualname.split(".")[-1]
        if name.startswith("_") and self.names is not None:
            name = self.names.public_name(cls).name
        return name_words(name.lstrip("_"))

    def compare(self, a: ClassValue, b: ClassValue, *, declared: bool = False) -> Comparison:
        """Whether ``a`` and ``b`` play the same role, with the evidence. ``declared``: the team declared the concept
        (configured), so an interface both implement, a common base or a wrapper are evidence of the role, not
        reasons to discount it."""
        return self._compare(a, b, self.profile(a), self.profile(b), declared)

    def _compare(self, a: ClassValue, b: ClassValue, pa: Profile, pb: Profile, declared: bool) -> Comparison:
        self.compared.add(a)  # kept with the model: a class never compared keeps it when its public methods change
        self.compared.add(b)  # (``kept_judgements.public_members_unread``)
        unrelated = self._design_reason(a, b, pa, pb, declared)
        if unrelated:
            return Comparison(False, unrelated)
        interface = _NOTHING if declared else self.interfaces.between(pa, pb)
        if interface:
            own_a, own_b = pa.methods - interface, pb.methods - interface
            weight_a, weight_b = self.weigh(own_a), self.weigh(own_b)
        else:  # the weights of the whole sets, worked out once per class
            own_a, own_b, weight_a, weight_b = pa.methods, pb.methods, pa.weight, pb.weight
        shared = tuple(sorted(own_a & own_b))
        weight = self.weigh(shared)
        cover = weight / (min(weight_a, weight_b) or 1.0)

        def verdict(same: bool, reason: str, facade: bool = False) -> Comparison:
            return Comparison(same, reason, shared, round(weight, 2), round(cover, 2), facade)

        # versions of one name: the name is evidence already, but not between two plugins, where each vendor has
        # its ``RestHelper`` and each backend its ``DatabaseWrapper`` (manila's Huawei and MacroSAN drivers)
        same_name = self._same_name(pa, pb) and not plugin_directory(a.module, b.module)
        needed = MIN_WEIGHT if declared or pa.words[-1] == pb.words[-1] else MIN_WEIGHT * OTHER_NOUN_FACTOR
        least = MIN_SHARED - same_name
        if declared:  # a declared concept's canonical class may be small: sharing all of it is enough
            least = min(least, max(2, min(len(own_a), len(own_b))))
            needed = min(needed, weight if len(shared) >= least and cover >= 1 else needed)
        if len(shared) < least or (weight < needed and not same_name):
            common = " (the interface of a shared base or protocol does not count)" if interface else ""
            return verdict(False, f"shares {len(shared)} public methods worth {weight:.1f}{common}")
        if cover < MIN_COVER:
            return verdict(False, f"the shared methods are {cover:.0%} of the smaller class")
        if b in self.held(a) or a in self.held(b):
            return verdict(False, "a facade holds the other and delegates to it", facade=True)
        proxy = next((v for v in (a, b) if self.handoff.delegating(v, shared) * 2 >= len(shared)), None)
        if proxy is not None:
            return verdict(False, f"{proxy.qualname} hands most shared methods to another object (a proxy)", facade=True)
        wrapper = next((v for v in (a, b) if self.handoff.forwards_the_rest(v)), None)
        if wrapper is not None:
            return verdict(False, f"{wrapper.qualname} hands what it does not define to another object (a wrapper)",
                           facade=True)  # fmt: skip
        agreement = self._async_agreement(a, b, shared)
        if agreement < MIN_ASYNC_AGREEMENT:
            return verdict(False, f"async-ness differs on {1 - agreement:.0%} of the shared methods")
        return verdict(True, f"shares {len(shared)} public methods ({cover:.0%} of the smaller class)")

    def _design_reason(self, a: ClassValue, b: ClassValue, pa: Profile, pb: Profile, declared: bool) -> str:
        """Why the code's structure says ``a`` and ``b`` are not one concept written twice ("" when it does not)."""
        if a.module == b.module and a.qualname.split("#")[0] == b.qualname.split("#")[0]:
            return "two definitions of one class (if/else): one exists at run time"
        if a == b or a in pb.ancestors or b in pa.ancestors:  # one in the other's MRO (which starts with the class)
            return "a subclass specialises its base"
        if declared:
            return ""
        # a common project ancestor: siblings of a declared family (two backends' ``DatabaseOperations`` under
        # ``BaseDatabaseOperations``), specialisations sharing code through it, not one concept written twice
        if not pa.ancestors.isdisjoint(pb.ancestors):  # most pairs have no common ancestor: no walk of the MRO
            family = next(v for v in pa.order[1:] if v in pb.ancestors)
            return f"siblings of one family ({family.qualname}): intended polymorphism"
        if async_twins(pa.words, pb.words):
            return "the sync and the async twin of one API, on purpose"
        if a.module == b.module and pa.words != pb.words:
            return "variants defined side by side in one module, on purpose"
        if self._parallel_packages(a, b):
            return "classes of two parallel packages (alternative backends defining the same names)"
        return ""

    def _parallel_packages(self, a: ClassValue, b: ClassValue) -> bool:
        """``gis.geos.Point`` and ``gis.gdal.Point``: two packages that define the same family of class names side by
        side are alternative implementations by design (backends, bindings), not copies. Answered once per pair of
        packages (the two sets of names can hold thousands)."""
        pa, pb = a.module.rsplit(".", 1)[0], b.module.rsplit(".", 1)[0]
        key = (pa, pb) if pa <= pb else (pb, pa)
        known = self._parallel.get(key)
        if known is None:
            if pa == pb or pa.startswith(pb + ".") or pb.startswith(pa + "."):
                known = False  # one package inside the other: not side by side
            else:
                known = len(self._package_names(pa) & self._package_names(pb)) >= PARALLEL_NAMES
            self._parallel[key] = known
        return known

    def _package_names(self, package: str) -> set[str]:
        """Names of the production classes of ``package`` and its sub-packages. Every package's set is filled in one
        pass over the classes: one pass per package asked grew with the square of the project (0.5 s at 1M lines)."""
        if self._packages is None:
            self._packages = defaultdict(set)
            for value, role in self.roles.role.items():
                if role == CLASS:
                    parts = value.module.split(".")
                    for i in range(1, len(parts) + 1):
                        self._packages[".".join(parts[:i])].add(value.qualname)
        return self._packages.get(package, set())

    def _async_agreement(self, a: ClassValue, b: ClassValue, shared: tuple[str, ...]) -> float:
        maybe = (self.roles.methods_with(a, "is_async") | self.roles.methods_with(b, "is_async")).intersection(shared)
        agree = len(shared) - len(maybe)  # neither method can be ``async def``: they agree, no lookup needed
        for name in maybe:  # ``shared`` holds each name once
            ka, kb = self.handoff.method_fact(a, name), self.handoff.method_fact(b, name)
            agree += ka is None or kb is None or ka.is_async == kb.is_async
        return agree / len(shared) if shared else 1.0

    # -- candidate pairs ----------------------------------------------------------------------------------------
    def similar_pairs(self, candidates: list[ClassValue]) -> Iterator[tuple[ClassValue, ClassValue, Comparison]]:
        """Pairs of ``candidates`` that play the same role. Only classes named for the same thing (the same last
        word, or the same first word) that share reasonably rare methods are compared (an inverted index over names
        no more than ``cap`` classes have), so the work grows with the families, not with the square of the
        project."""
        cap = max(40, self.total // 50)
        # Classes by number (the first position of each), with what every group asks of them worked out once: a
        # class is in two groups, and pairs are told apart by two numbers instead of two values to hash
        number: dict[ClassValue, int] = {}
        values: list[ClassValue] = []
        profiles: list[Profile] = []
        rare: list[list[str]] = []  # the methods no more than ``cap`` classes have
        live: list[bool] = []
        package: list[str] = []
        groups: dict[tuple[int, str], list[int]] = defaultdict(list)
        for value in candidates:
            k = number.get(value)
            if k is None:
                k = number[value] = len(values)
                values.append(value)
                profiles.append(self.profile(value))
                rare.append([m for m in self.roles.methods[value] if self.df[m] <= cap])
                live.append(self.roles.role.get(value) == CLASS)
                package.append(value.module.rsplit(".", 1)[0])
            words = profiles[k].words
            groups[(0, words[-1])].append(k)  # the same noun: Manager, Client
            if len(words) > 1:
                groups[(1, words[0])].append(k)  # the same subject: ClickHouse-Client, ClickHouse-Service
        seen: set[tuple[int, int]] = set()
        for group in groups.values():
            if len(group) < 2:
                continue
            for i, j in pairs_sharing([rare[k] for k in group], cap, MIN_SHARED - 1):
                ka, kb = group[i], group[j]
                if live[ka] and live[kb]:
                    # two live classes of packages already found parallel are never one role (``_design_reason``):
                    # copies of a tree make half the pairs such ones (8 copies of django: 130,000 of 270,000), and
                    # only pairs that play one role are yielded, so which reason rejects one does not matter here
                    pa, pb = package[ka], package[kb]
                    if self._parallel.get((pa, pb) if pa <= pb else (pb, pa)):
                        continue
                if (ka, kb) in seen or not related_names(profiles[ka], profiles[kb]):
                    continue
                seen.add((ka, kb))
                a, b, first, second = values[ka], values[kb], profiles[ka], profiles[kb]
                both_live = live[ka] and live[kb]
                # a subclass and its base, and two live classes under one project ancestor, are never one role
                # (``_design_reason``): most pairs met in a real project are such siblings (home-assistant: 38,000
                # of 40,000, entities of one base), turned away here without building the comparison's reason
                if a in second.ancestors or b in first.ancestors or (
                        both_live and not first.ancestors.isdisjoint(second.ancestors)):  # fmt: skip
                    continue
                # a test double or a dead copy of a class is measured against it as declared: implementing the
                # same protocol is what makes a mock a mock of it
                comparison = self._compare(a, b, first, second, not both_live)
                if comparison.same_role:
                    yield a, b, comparison
