"""One definition, many names: every module-level name a class or function is known by.

A class defined as ``_UnifiedWebSocketManagerImplementation`` and exported as ``UnifiedWebSocketManager`` and
``WebSocketManager`` (``X = _Impl``), re-exported by a package, or imported ``as`` another name, is one node for
the concept logic: name patterns, configured names and importer counts go through all of its names, and messages
show the name users import (never a ``_private`` one when a public name exists).
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from dataclasses import dataclass

from ssot_audit.analysis.facts import is_alias_binding
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.trace import SITES
from ssot_audit.analysis.usage import ImportSites, sites_leaf
from ssot_audit.analysis.values import ClassValue, FunctionValue, shown_qualname

QUALIFIERS = frozenset({
    "unified", "legacy", "isolated", "base", "abstract", "default", "simple", "basic", "core", "compat", "new",
    "old", "enhanced", "improved", "impl", "implementation", "real", "main", "generic", "common", "shared",
    "global", "standard", "custom", "my", "v1", "v2", "v3", "v4", "2", "3", "deprecated", "modern", "fast",
    "optimized",
})  # fmt: skip
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
Target = ClassValue | FunctionValue
DEFINED, ALIAS, IMPORT = "defined", "alias", "import"


@lru_cache(maxsize=65536)
def name_words(name: str) -> tuple[str, ...]:
    """CamelCase words of a class name, lowercased, qualifiers dropped: UnifiedWebSocketManager -> web socket manager."""
    words = tuple(w.lower() for w in _CAMEL.findall(name))
    kept = tuple(w for w in words if w not in QUALIFIERS)
    return kept or words


@dataclass(frozen=True, slots=True)
class Name:
    """A module-level name bound to a class or function: where, what, and how (defined, ``X = Y``, an import)."""

    module: str
    name: str
    how: str
    line: int = 0

    @property
    def dotted(self) -> str:
        """``module.name``."""
        return f"{self.module}.{self.name}"

    @property
    def public(self) -> bool:
        """Not ``_private`` (nor a ``#2`` conditional twin)."""
        return not self.name.startswith("_") and "#" not in self.name


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a configured dotted name resolves to, and through which name."""

    target: Target | None
    via_alias: bool  # the dotted name is an alias or re-export, not the definition


class Names:
    """Every module-level name of every project class and module-level function."""

    def __init__(self, index: ProjectIndex, resolver: Resolver, sites: ImportSites) -> None:
        self.index = index
        self.resolver = resolver
        self._names: dict[Target, list[Name]] = defaultdict(list)  # aliases and ``as`` imports (definitions implied)
        for info in index.iter_modules():
            for name, bindings in info.facts.bindings.items():
                for binding in bindings:
                    if is_alias_binding(binding):
                        for value in resolver.resolve_expr(info.name, "", binding.value):
                            if isinstance(value, ClassValue | FunctionValue) and value.qualname != name:
                                self._names[value].append(Name(info.name, name, ALIAS, binding.line))
        # What the loop above read every module's facts for, as it found it (``alias_names``, ``of_aliases``)
        self._aliases: dict[Target, tuple[Name, ...]] = {t: tuple(names) for t, names in self._names.items()}
        self._sites: ImportSites | None = None  # set by ``of_aliases``: names and paths are then worked out per target
        self._add_sites(sites)

    @classmethod
    def of_aliases(cls, index: ProjectIndex, resolver: Resolver, sites: ImportSites,
                   aliases: dict[Target, tuple[Name, ...]]) -> Names:  # fmt: skip
        """``Names(index, resolver, sites)`` given the aliases it finds (``alias_names``: each target's, in the order
        found), reading no module's facts. A target's names and import paths are worked out when first asked, from
        its own sites (``ImportSites.find_sites``, in the sites' order): the steps ``_add_sites`` takes for it, so
        the same lists and counts in the same order (a calls-only scan asks about a few targets; going through all
        160,000 sites of 4M lines cost 0.07 CPU-s)."""
        made = cls.__new__(cls)
        made.index, made.resolver, made._aliases, made._sites = index, resolver, aliases, sites
        made._names, made._paths = {}, {}
        return made

    def alias_names(self) -> dict[Target, tuple[Name, ...]]:
        """The module-level ``X = Y`` aliases of each class and function, as ``__init__`` found them (targets and
        names in that order): what it reads every module's bindings for."""
        return self._aliases

    def _add_sites(self, sites: ImportSites) -> None:
        """Count the import paths of ``sites`` and add their ``as`` names; sort each target's names."""
        # Import paths in use: (module imported from, name imported) -> importer modules.
        # Counted in plain dicts (a ``Counter`` per target adds a Python-level ``__missing__`` call per new path:
        # 0.1 s of a one-edit scan at 4M lines); the same counts, in the same order.
        self._paths: dict[Target, dict[tuple[str, str], int]] = {}
        for site in sites.unrecorded():  # each target's read is recorded when it is asked (``_asked``)
            if site.importer != site.target.module and not site.type_checking:
                counts = self._paths.get(site.target)
                if counts is None:
                    counts = self._paths[site.target] = {}
                path = (site.source, site.name)
                counts[path] = counts.get(path, 0) + 1
            if not site.scope and site.bound != site.name:
                self._names[site.target].append(Name(site.importer, site.bound, IMPORT, site.line))
        for target, names in self._names.items():
            self._names[target] = sorted(set(names), key=lambda n: (n.module, n.name, n.line))

    def _asked(self, target: Target) -> None:
        """``target``'s names and paths are read: when ``__init__`` worked them out from every site, the read of its
        sites is recorded here (``usage.sites_leaf``); a restored ``Names`` asks ``find_sites``, which records it."""
        trace = self.resolver.trace
        if trace is not None and self._sites is None:
            trace.read(sites_leaf(target))

    def _names_of(self, target: Target) -> list[Name]:
        """``target``'s aliases and ``as`` imports, sorted (empty when it has none)."""
        self._asked(target)
        found = self._names.get(target)
        if found is None and self._sites is not None:
            self._work_out(target)
            found = self._names.get(target)
        return found or []

    def paths_of(self, target: Target) -> dict[tuple[str, str], int]:
        """How many imports of ``target`` go through each (module, name), a copy (``public_name`` reads them)."""
        return dict(self._paths_of(target) or {})

    def _paths_of(self, target: Target) -> dict[tuple[str, str], int] | None:
        """How many imports of ``target`` go through each (module, name) (None when none does)."""
        self._asked(target)
        if self._sites is not None and target not in self._names:
            self._work_out(target)
        return self._paths.get(target)

    def _work_out(self, target: Target) -> None:
        """``_add_sites``' steps for ``target`` alone (a restored ``Names``): its entries, or an empty list of names
        to say it was worked out."""
        assert self._sites is not None
        names, paths = list(self._aliases.get(target, ())), self._paths
        for site in self._sites.find_sites(target):  # in the sites' order, as ``_add_sites`` meets them
            if site.importer != target.module and not site.type_checking:
                counts = paths.get(target)
                if counts is None:
                    counts = paths[target] = {}
                path = (site.source, site.name)
                counts[path] = counts.get(path, 0) + 1
            if not site.scope and site.bound != site.name:
                names.append(Name(site.importer, site.bound, IMPORT, site.line))
        self._names[target] = sorted(set(names), key=lambda n: (n.module, n.name, n.line))

    def find_names(self, target: Target) -> tuple[Name, ...]:
        """Every module-level name of ``target``: the definition first, then aliases and ``as`` imports."""
        return (self._definition(target), *self._names_of(target))

    def _definition(self, target: Target) -> Name:
        if isinstance(target, ClassValue):
            fact = self.index.find_class(target.module, target.qualname)
        else:
            fact = self.index.find_function(target.module, target.qualname)  # type: ignore[assignment]
        return Name(target.module, target.qualname, DEFINED, fact.line if fact is not None else 0)

    def name_strings(self, target: Target) -> frozenset[str]:
        """The distinct identifiers ``target`` is known by (``_Impl``, ``Manager``, ``ConnectionManager``...)."""
        names = {n.name for n in self._names_of(target)}
        names.add(target.qualname.split(".")[-1])
        return frozenset(names)

    def public_name(self, target: Target, paths: dict[tuple[str, str], int] | None = None) -> Name:
        """The name users import: the most used public import path, else a public alias, else the definition
        (``paths``: how many imports go through each (module, name), in place of those of the sites)."""
        defined = Name(target.module, target.qualname, DEFINED)
        paths = self._paths_of(target) if paths is None else paths
        homes = {(n.module, n.name) for n in self.find_names(target) if n.how != IMPORT}
        homes.add((target.module, shown_qualname(target.qualname)))  # a conditional twin ``f#2`` is imported as ``f``
        if paths:
            # a production class is never known by a test module's name (a test's fallback shim that re-exports
            # it, imported by the tests around it, is no path for production code)
            production = not self.index.is_test_module(target.module)
            public = [(count, pair) for pair, count in paths.items() if not pair[1].startswith("_")
                      and not (production and self.index.is_test_module(pair[0]))]  # fmt: skip
            if public:
                _, (module, name) = max(public, key=lambda p: (p[0], p[1] in homes, -len(p[1][0]), p[1]))
                return Name(module, name, DEFINED if (module, name) == (target.module, target.qualname) else IMPORT)
        if defined.public:
            return defined
        aliases = [n for n in self._names_of(target) if n.how == ALIAS and n.public]
        if aliases:
            return min(aliases, key=lambda n: (n.module != target.module, n.module, n.name))
        return defined

    def describe(self, target: Target) -> str:
        """``pkg.mod.Public`` or ``pkg.mod.Public (defined as pkg.impl._Private)`` for messages."""
        public = self.public_name(target)
        if (public.module, public.name) == (target.module, target.qualname):
            return target.fullname
        return f"{public.dotted} (defined as {target.fullname})"

    def lookup(self, dotted: str) -> Lookup:
        """A configured dotted name (a definition, an alias or a re-export) -> the class or function it names."""
        split = self.index.split_qualified(dotted)
        if split is None:
            return Lookup(None, False)
        module, rest = split
        if self.index.find_class(module, rest) is not None:
            return Lookup(ClassValue(module, rest), False)
        if self.index.find_function(module, rest) is not None:
            return Lookup(FunctionValue(module, rest), False)
        if "." in rest:
            return Lookup(None, False)
        found = sorted((v for v in self.resolver.module_attr(module, rest) if isinstance(v, ClassValue | FunctionValue)),
                       key=lambda v: v.fullname)  # fmt: skip
        return Lookup(found[0], True) if found else Lookup(None, False)

    def aliases_by_module(self) -> dict[str, dict[str, Target]]:
        """Module -> {alias name -> target} for assignment aliases and ``as`` imports (module level)."""
        found: dict[str, dict[str, Target]] = defaultdict(dict)
        for target in self._targets():
            for n in self._names_of(target):
                found[n.module][n.name] = target
        return dict(found)

    def _targets(self) -> list[Target]:
        """The targets with aliases or ``as`` imports, in ``_add_sites``' order: those with aliases, then the others
        as their first ``as`` import comes."""
        if self._sites is None:
            if self.resolver.trace is not None:  # which targets have ``as`` imports: every site's
                self.resolver.trace.read((SITES, ""))
            return list(self._names)
        found = dict.fromkeys(self._aliases)
        found.update(dict.fromkeys(s.target for s in self._sites.sites if not s.scope and s.bound != s.name))
        return list(found)
