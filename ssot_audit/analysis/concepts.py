"""Concepts: which classes implement one idea ("the WebSocket manager"), which is canonical, and its factories.

Configured concepts come from ``[tool.ssot-audit.concepts]``. Zero-config discovery clusters classes whose names
share a stem (same last word and at least one more, after dropping qualifiers like Unified/Legacy) AND that share
at least half of the smaller class's public methods. Enums, exceptions, Protocols/ABCs, records and test doubles
are classified and kept out of clusters; subclasses that add nothing are shims, not implementations.
"""

from __future__ import annotations

import builtins
import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations

from ssot_audit.analysis.facts import ClassFact
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.analysis.resolve import NEUTRAL_BASES, Resolver, decorator_name
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.values import ClassValue, ExternalValue, FunctionValue, InstanceValue
from ssot_audit.config import ConceptConfig, ConfigError

QUALIFIERS = frozenset({
    "unified", "legacy", "isolated", "base", "abstract", "default", "simple", "basic", "core", "compat", "new",
    "old", "enhanced", "improved", "impl", "real", "main", "generic", "common", "shared", "global", "standard",
    "custom", "my", "v1", "v2", "v3", "v4", "2", "3", "deprecated", "modern", "fast", "optimized",
})  # fmt: skip
FACTORY_NAME = re.compile(r"^(get|create|make|build|new)_\w+$|^\w+_factory$")
_EXCEPTION_NAMES = frozenset(
    f"builtins.{n}" for n in dir(builtins) if isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), BaseException)
)
_EXCEPTION_SUFFIX = re.compile(r"(Error|Exception|Warning)$")
_ENUM_BASES = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"})
_PROTOCOL_BASES = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
_RECORD_BASES = frozenset({"typing.NamedTuple", "typing.TypedDict", "typing_extensions.TypedDict",
                           "pydantic.BaseModel", "pydantic.main.BaseModel"})  # fmt: skip
_RECORD_DECORATORS = frozenset({"dataclass", "define", "frozen", "attrs", "s", "mutable", "dataclass_transform"})
_EXAMPLE_DIRS = frozenset({"docs", "doc", "examples", "example", "docs_src"})
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def name_words(name: str) -> tuple[str, ...]:
    """CamelCase words of a class name, lowercased, qualifiers dropped: UnifiedWebSocketManager -> web socket manager."""
    words = tuple(w.lower() for w in _CAMEL.findall(name))
    kept = tuple(w for w in words if w not in QUALIFIERS)
    return kept or words


@dataclass(slots=True)
class ConceptInfo:
    """A concept as the rules see it."""

    name: str
    origin: str  # "configured" | "discovered"
    canonical: ClassValue
    canonical_reason: str
    members: list[ClassValue]  # implementations, canonical first
    shims: list[ClassValue] = field(default_factory=list)
    lookalikes: list[tuple[ClassValue, str]] = field(default_factory=list)
    factories: list[FunctionValue] = field(default_factory=list)
    allowed_creators: tuple[str, ...] = ()
    per_user: bool = False

    def all_classes(self) -> list[ClassValue]:
        """Implementations and shims: every class that constructs "the" concept."""
        return [*self.members, *self.shims]

    def allows_creation_in(self, module: str) -> bool:
        """True when ``module`` is one of the allowed creator modules (fnmatch patterns)."""
        return any(fnmatch.fnmatchcase(module, pattern) for pattern in self.allowed_creators)


class ConceptModel:
    """Classification of every class and the concept clusters of the project."""

    def __init__(self, index: ProjectIndex, resolver: Resolver, sites: ImportSites,
                 configured: tuple[ConceptConfig, ...], unparsed: Mapping[str, str] | None = None,
                 partial: bool = False) -> None:  # fmt: skip
        """``partial``: only part of the configured project is scanned (a sub-directory or a file), so a configured
        class or factory outside it skips its concept with a note instead of being a configuration error."""
        self.index = index
        self.unparsed = unparsed or {}  # module name -> why its file was skipped, for configuration errors
        self.resolver = resolver
        self.sites = sites
        self.kinds: dict[ClassValue, str] = {}
        self.methods: dict[ClassValue, frozenset[str]] = {}
        for info, cls in index.iter_classes():
            value = ClassValue(info.name, cls.qualname)
            self.methods[value] = self._public_methods(value)
            self.kinds[value] = self._classify(info, value)
        self.notes: list[str] = []
        self.concepts: list[ConceptInfo] = []
        for concept_config in configured:
            try:
                self.concepts.append(self._configured(concept_config))
            except ConfigError as exc:
                if not partial:
                    raise
                self.notes.append(f"concept '{concept_config.name}' not checked (partial scan): {exc}")
        self.concepts.extend(self._discover())
        self.concept_of: dict[ClassValue, ConceptInfo] = {}
        for concept in self.concepts:
            for member in concept.all_classes():
                self.concept_of.setdefault(member, concept)

    # -- classification -----------------------------------------------------------------------------------------
    def _public_methods(self, value: ClassValue) -> frozenset[str]:
        names: set[str] = set()
        for klass in self.resolver.mro(value):
            if isinstance(klass, ClassValue):
                fact = self.index.find_class(klass.module, klass.qualname)
                if fact is not None:
                    names.update(m for m in fact.methods if not m.startswith("_"))
        return frozenset(names)

    def _classify(self, info: ModuleInfo, value: ClassValue) -> str:
        fact = info.facts.classes[value.qualname]
        if info.is_test:
            return "test-double"
        if _EXAMPLE_DIRS.intersection(info.relpath.split("/")[:-1]):
            return "example"  # each example is its own small program: duplicated on purpose
        mro = self.resolver.mro(value)
        externals = {v.name for v in mro if isinstance(v, ExternalValue)}
        if externals & _ENUM_BASES:
            return "enum"
        if externals & _EXCEPTION_NAMES or any(_EXCEPTION_SUFFIX.search(n) for n in externals):
            return "exception"  # a library's exception base (werkzeug HTTPException) is one by its name
        if externals & _PROTOCOL_BASES:
            return "protocol"
        metaclass = fact.keywords.get("metaclass")
        if "abc.ABC" in externals or (metaclass is not None and decorator_name(metaclass) == "ABCMeta"):
            return "abc"
        if any(f.is_abstract for f in self._own_functions(info, fact.methods.values())):
            return "abc"
        if externals & _RECORD_BASES or any(decorator_name(d) in _RECORD_DECORATORS for d in fact.decorators):
            return "record"
        if (fact.body_adds_nothing and fact.bases and not fact.decorators and not fact.keywords
                and any(isinstance(v, ClassValue) for v in mro[1:]) and not self._combines_bases(info, fact)):  # fmt: skip
            return "shim"
        if not self.methods[value]:
            return "record"
        return "class"

    def _combines_bases(self, info: ModuleInfo, fact: ClassFact) -> bool:
        """True for ``class StreamWriter(Codec, codecs.StreamWriter): pass``: an empty body that joins two real bases
        is a new combination (a mixin composition), not a second name for one class."""
        real = 0
        for base in fact.bases:
            values = self.resolver.resolve_expr(info.name, fact.scope, base)
            if not all(isinstance(v, ExternalValue) and v.name in NEUTRAL_BASES for v in values):
                real += 1
        return real > 1

    @staticmethod
    def _own_functions(info: ModuleInfo, qualnames: object) -> list:  # type: ignore[type-arg]
        return [info.facts.functions[q] for q in qualnames if q in info.facts.functions]  # type: ignore[attr-defined]

    def async_methods(self, cls: ClassValue) -> tuple[str, ...]:
        """The public methods of ``cls`` whose definition (the first along its MRO) is ``async def``."""
        seen: set[str] = set()
        found: set[str] = set()
        for klass in self.resolver.mro(cls):
            if not isinstance(klass, ClassValue):
                continue
            fact = self.index.find_class(klass.module, klass.qualname)
            if fact is None:
                continue
            info = self.index.get_module(klass.module)
            for name, qualname in fact.methods.items():
                if name in seen or name.startswith("_"):
                    continue
                seen.add(name)
                function = info.facts.functions.get(qualname)
                if function is not None and function.is_async:
                    found.add(name)
        return tuple(sorted(found))

    # -- configured ---------------------------------------------------------------------------------------------
    def _lookup_class(self, dotted: str, key: str) -> ClassValue:
        split = self.index.split_qualified(dotted)
        if split is None or self.index.find_class(*split) is None:
            raise ConfigError(f"'{key}': class '{dotted}' is not defined in the scanned code{self._skipped(dotted)}")
        return ClassValue(*split)

    def _lookup_function(self, dotted: str, key: str) -> FunctionValue:
        split = self.index.split_qualified(dotted)
        if split is None or self.index.find_function(*split) is None:
            raise ConfigError(f"'{key}': function '{dotted}' is not defined in the scanned code{self._skipped(dotted)}")
        return FunctionValue(*split)

    def _skipped(self, dotted: str) -> str:
        """Why a configured name may be missing: the file that would define it was skipped."""
        parts = dotted.split(".")
        for i in range(len(parts) - 1, 0, -1):
            reason = self.unparsed.get(".".join(parts[:i]))
            if reason:
                return f" ({reason})"
        return ""

    def _configured(self, config: ConceptConfig) -> ConceptInfo:
        where = f"concepts.{config.name}"
        bases = [self._lookup_class(b, f"{where}.bases") for b in config.bases]
        canonical = self._lookup_class(config.canonical, f"{where}.canonical") if config.canonical else None
        anchors = set(bases) | ({canonical} if canonical else set())
        canon_methods = self.methods.get(canonical, frozenset()) if canonical else frozenset()
        matched: list[ClassValue] = []
        for value, kind in self.kinds.items():
            fact = self.index.find_class(value.module, value.qualname)
            if fact is None or fact.scope:
                continue
            by_name = any(fnmatch.fnmatchcase(fact.name, p) for p in config.name_patterns)
            by_base = any(a in self.resolver.mro(value)[1:] for a in anchors)
            shared = len(canon_methods & self.methods[value])
            by_methods = bool(canon_methods) and shared >= max(3, config.method_overlap * len(canon_methods))
            if value == canonical or by_name or by_base or by_methods:
                matched.append(value)
        factories = [self._lookup_function(f, f"{where}.factories") for f in config.factories]
        if canonical is None:
            implementations = [v for v in matched if self.kinds[v] == "class"]
            if not implementations:
                raise ConfigError(f"'{where}': no class matches; set 'canonical' or 'name-patterns'")
            canonical, reason = self._rank(implementations, factories)
        else:
            reason = "configured in [tool.ssot-audit.concepts]"
        return self._assemble(config.name, "configured", canonical, reason, matched, factories,
                              config.allowed_creators, config.per_user)  # fmt: skip

    def _assemble(self, name: str, origin: str, canonical: ClassValue, reason: str, matched: list[ClassValue],
                  factories: list[FunctionValue], allowed: tuple[str, ...], per_user: bool) -> ConceptInfo:  # fmt: skip
        members = [canonical] + sorted((v for v in matched if v != canonical and self.kinds[v] == "class"),
                                       key=lambda v: v.fullname)  # fmt: skip
        shims = sorted((v for v in matched if self.kinds[v] == "shim"), key=lambda v: v.fullname)
        lookalikes = sorted(((v, self.kinds[v]) for v in matched if self.kinds[v] not in ("class", "shim")
                             and v != canonical), key=lambda p: p[0].fullname)  # fmt: skip
        return ConceptInfo(name, origin, canonical, reason, members, shims, lookalikes, factories, allowed, per_user)

    # -- discovery ----------------------------------------------------------------------------------------------
    def _discover(self) -> list[ConceptInfo]:
        taken = {c for concept in self.concepts for c in (*concept.members, *concept.shims)}
        candidates = sorted(
            (v for v, k in self.kinds.items() if k == "class" and v not in taken and len(self.methods[v]) >= 2
             and not self.index.find_class(v.module, v.qualname).scope),  # type: ignore[union-attr]
            key=lambda v: v.fullname,
        )  # fmt: skip
        words = {v: name_words(v.qualname.split(".")[-1]) for v in candidates}
        by_head: dict[str, list[ClassValue]] = {}
        for value in candidates:
            by_head.setdefault(words[value][-1], []).append(value)
        parent = {v: v for v in candidates}

        def find(v: ClassValue) -> ClassValue:
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        stems = {v: frozenset(w[:-1]) for v, w in words.items()}
        for group in by_head.values():
            for a, b in combinations(group, 2):
                # cheap necessary conditions first: a shared stem word, two shared public methods at all
                if stems[a] & stems[b] and len(self.methods[a] & self.methods[b]) >= 2 and self._duplicates(a, b):
                    parent[find(b)] = find(a)
        clusters: dict[ClassValue, list[ClassValue]] = {}
        for value in candidates:
            clusters.setdefault(find(value), []).append(value)
        found = []
        factories_of = self._factories_by_class()
        shims_of: dict[ClassValue, list[ClassValue]] = {}
        for value, kind in self.kinds.items():
            if kind == "shim":
                for base in self.resolver.mro(value)[1:]:
                    if isinstance(base, ClassValue):
                        shims_of.setdefault(base, []).append(value)
        for members in clusters.values():
            if len(members) < 2:
                continue
            factories = sorted({f for m in members for f in factories_of.get(m, ())}, key=lambda f: f.fullname)
            canonical, reason = self._rank(members, factories)
            stem = "-".join(w for w in name_words(canonical.qualname.split(".")[-1]))
            shims = sorted({s for m in members for s in shims_of.get(m, ())}, key=lambda v: v.fullname)
            allowed = tuple(sorted({f.module for f in factories}))
            found.append(self._assemble(stem, "discovered", canonical, reason, members + shims, factories, allowed, False))
        return sorted(found, key=lambda c: c.canonical.fullname)

    def _duplicates(self, a: ClassValue, b: ClassValue) -> bool:
        """True when ``a`` and ``b`` implement at least half of the smaller one's public methods independently.

        A subclass specialises its base, it does not duplicate it; methods both inherit from a common project
        ancestor are the shared interface of intended polymorphism (one ``DatabaseOperations`` per backend).
        """
        if a.module == b.module and a.qualname.split("#")[0] == b.qualname.split("#")[0]:
            return False  # ``if ...: class X`` / ``else: class X``: one of them exists at run time
        mro_a, mro_b = self.resolver.mro(a), self.resolver.mro(b)
        if a in mro_b or b in mro_a:
            return False
        interface: set[str] = set()
        for ancestor in set(mro_a[1:]) & set(mro_b[1:]):
            if isinstance(ancestor, ClassValue):
                interface |= self.methods.get(ancestor, frozenset())
        own_a, own_b = self.methods[a] - interface, self.methods[b] - interface
        shared = len(own_a & own_b)
        return shared >= 2 and shared * 2 >= min(len(own_a), len(own_b))

    def _factories_by_class(self) -> dict[ClassValue, list[FunctionValue]]:
        """Module-level ``get_*``/``create_*``... functions (outside tests) by the project class they return."""
        found: dict[ClassValue, list[FunctionValue]] = {}
        for info, func in self.index.iter_functions():
            if info.is_test or "." in func.qualname or not FACTORY_NAME.match(func.name):
                continue
            value = FunctionValue(info.name, func.qualname)
            for returned in self.resolver.return_values(value):
                if isinstance(returned, InstanceValue):
                    found.setdefault(returned.cls, []).append(value)
        return found

    def _rank(self, members: list[ClassValue], factories: list[FunctionValue]) -> tuple[ClassValue, str]:
        """Canonical choice: most importers, then most complete public API, then the factory's module."""
        factory_modules = {f.module for f in factories}

        def key(v: ClassValue) -> tuple[int, int, int, str]:
            return (-self.sites.count_importers(v), -len(self.methods[v]), v.module not in factory_modules, v.fullname)

        ranked = sorted(members, key=key)
        best = ranked[0]
        runner = ranked[1] if len(ranked) > 1 else None
        importers, methods = self.sites.count_importers(best), len(self.methods[best])
        if runner is None or importers > self.sites.count_importers(runner):
            return best, f"most importers ({importers} modules)"
        if methods > len(self.methods[runner]):
            return best, f"most complete public API ({methods} public methods)"
        if best.module in factory_modules and runner.module not in factory_modules:
            return best, "defined in the module of its factory"
        return best, "first by name among equally used candidates"
