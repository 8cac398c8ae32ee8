"""One public name means different, related classes or functions depending on the module it is imported from.

## What it does
Groups every runtime import of a public name (``from M import Name``, or ``import M as m`` then ``m.Name``) by
the class or function it resolves to,
after following aliases and re-exports (``WebSocketManager = _Implementation`` is its target). When the same name
leads to different targets through different modules, and those targets are *related*, it reports the name once,
with every path, its target, the target's role and its count of importing modules. Related means one of:

- a **guard**: a class whose ``__init__``/``__new__`` always raises (the name means "error" in one place), to
  any target but an exception class (a namesake: heat's template function ``Invalid`` and ``exception.Invalid``);
- a **shim**: a subclass of another target that adds nothing (``class WebSocketManager(_Implementation): pass``),
  unless the base has two or more such same-named subclasses (one per backend or dialect: a family);
- members of the same **configured concept** (``[tool.ssot-audit.concepts]``).

And the importers mix them: some package imports the name with two of its meanings, or two meanings are each
imported from outside their own package (so the choice is the importer's, not the package's).

Not reported: a factory function named after the class it returns (fastapi's ``Body()`` returning
``params.Body``, sqlalchemy's testing ``Table()``: measured on 20 PyPI projects, all 9 such pairs were deliberate
API designs), per-dialect type tags (``mysql.JSON`` and ``sqlite.JSON``, each an empty subclass of
``sqltypes.JSON``), unrelated classes that share a name (``Config``, ``Base``, ``Field``, ``Meta``, ``router``,
``logger``: module-level objects are never targets), subclasses that extend their base (a dialect's ``INTEGER``
with extra parameters), sibling implementations each used only inside its own package (one ``DatabaseOperations``
per backend), a conditional binding whose alternatives are the same name's targets elsewhere (a fallback such as
``ArrayField = DummyArrayField`` under ``except ImportError``), private names, ``TYPE_CHECKING``-only imports and
re-export lines themselves (a package ``__init__`` importing the name is a path, not a use). A discovered
(not configured) concept or a large share of public methods is not a relation on its own: measured on 17 PyPI
projects, both mostly joined per-backend siblings (one ``DatabaseOperations`` per database) and unrelated
namesakes (a worker's ``Timer`` bootstep and the ``Timer`` it starts).

## Why is this bad?
Readers and reviewers assume one name is one thing. Code that imports ``WebSocketManager`` from the module next
door gets a guard that raises, a shim, or the implementation, and ``isinstance`` checks, patches in tests and
fixes apply to one meaning only.

## Example
```python
from app.ws.websocket_manager import WebSocketManager   # a guard: constructing it raises
from app.ws.unified_manager import WebSocketManager     # the implementation
from app.compat import WebSocketManager                 # a shim subclass of it
```

## Use instead
```python
from app.ws.unified_manager import WebSocketManager     # one name, one meaning; rename or remove the others
```

## Options
None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ssot_audit.analysis.usage import ATTRIBUTE_SITES, ImportSite, module_attribute_sites
from ssot_audit.analysis.values import ClassValue, FunctionValue, Value
from ssot_audit.model import Finding, Location, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, make_finding, make_rule_info

INFO = make_rule_info("SSOT204", "ambiguous-name", Severity.WARNING, __doc__)
Target = ClassValue | FunctionValue


@dataclass(slots=True)
class _Meaning:
    """The targets one or more import paths of the name lead to, and who imports them through which path."""

    targets: set[Target] = field(default_factory=set)
    paths: dict[str, set[str]] = field(default_factory=dict)  # source module -> importer modules

    @property
    def importers(self) -> set[str]:
        return set().union(*self.paths.values())


def _finder(parent: list[int]) -> Callable[[int], int]:
    """``find`` of a union-find over ``parent`` (path halving): the representative of an element's group."""

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    return find


def _meanings(ctx: RuleContext, name: str, sites: list[tuple[str, str, Target]]) -> list[_Meaning]:
    """Paths that lead to a common target are one meaning (a conditional binding is one of its alternatives).

    Paths are taken in sorted order, and a path joining meanings makes them one, placed last: so the meanings are the
    connected groups of paths (through shared targets), ordered by their last path. Grouped with a union-find over
    targets; merging each path into every meaning it touches grew with paths times meanings (K copies of a project
    give a name K times both)."""
    by_path: dict[str, tuple[set[Target], set[str]]] = {}
    for source, importer, target in sites:
        targets, importers = by_path.setdefault(source, (set(), set()))
        targets.add(target)
        importers.add(importer)
    sources = sorted(by_path)
    parent = list(range(len(sources)))

    find = _finder(parent)

    owner: dict[Target, int] = {}  # a path that leads to the target
    for i, source in enumerate(sources):
        for target in by_path[source][0]:
            j = owner.setdefault(target, i)
            if j != i:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(sources)):
        groups[find(i)].append(i)
    meanings = []
    for members in sorted(groups.values(), key=lambda m: m[-1]):  # by their last path
        merged = _Meaning()
        for i in members:
            merged.targets |= by_path[sources[i]][0]
            merged.paths[sources[i]] = set(by_path[sources[i]][1])
        meanings.append(merged)
    return meanings


def _is_guard(ctx: RuleContext, target: Target) -> bool:
    """A class whose construction always raises: its (first) ``__init__`` or ``__new__`` ends in ``raise``."""
    if not isinstance(target, ClassValue):
        return False
    raising = ctx.concepts.roles.methods_with(target, "always_raises")
    for method in ("__init__", "__new__"):
        if method not in raising:
            continue  # no definition along the MRO always raises: no lookup needed
        found = ctx.resolver.find_method(target, method)
        fact = ctx.index.find_function(found.module, found.qualname) if found else None
        if fact is not None and fact.always_raises:
            return True
    return False


def _apart_from_guards(ctx: RuleContext, target: Target) -> bool:
    """An exception class: what a guard stands in for is a class to construct, never an exception to raise
    (openstack-heat's ``exception.Invalid`` and the template function ``function.Invalid``, whose constructor
    raises, are namesakes)."""
    return isinstance(target, ClassValue) and ctx.concepts.kinds.get(target) == "exception"


def _shim_base(ctx: RuleContext, a: Target, b: Target) -> bool:
    return (isinstance(a, ClassValue) and isinstance(b, ClassValue) and ctx.concepts.kinds.get(a) == "shim"
            and b in ctx.resolver.mro(a)[1:])  # fmt: skip


def _families(ctx: RuleContext, meanings: list[_Meaning]) -> set[Target]:
    """Shims that are one of two or more same-named empty subclasses of one base (a per-backend family). Each
    shim's bases are looked up along its MRO (a pass over every pair of targets grew with the square of their
    number: 8 copies of a project make 64 times the pairs)."""
    targets = {t for m in meanings for t in m.targets}
    by_base: dict[Target, list[Target]] = defaultdict(list)
    for shim in targets:
        if isinstance(shim, ClassValue) and ctx.concepts.kinds.get(shim) == "shim":
            for base in ctx.resolver.mro(shim)[1:]:
                if base in targets and isinstance(base, ClassValue):
                    by_base[base].append(shim)
    return {shim for shims in by_base.values() if len(shims) >= 2 for shim in shims}


def _relation(ctx: RuleContext, a: Target, b: Target, family: set[Target], guards: set[Target]) -> str | None:
    """How ``a`` relates to ``b`` (a guard, a shim of it, the same configured concept), if it does; ``guards``:
    the targets ``_is_guard`` holds for (asked once per target, not once per pair)."""
    if a in guards and not _apart_from_guards(ctx, b):
        return "guard: constructing it always raises"
    if a not in family and _shim_base(ctx, a, b):
        return f"shim of {b.fullname}"
    concept = ctx.concepts.concept_of.get(a)  # type: ignore[arg-type]
    if concept is not None and concept.origin == "configured" and concept is ctx.concepts.concept_of.get(b):  # type: ignore[arg-type]
        return f"concept {concept.name}"
    return None


class _Packages(dict[str, str]):
    """The package of each module (a package's own name, else its parent's), worked out on first use: a module
    imports many names, each asked about in every check of their meanings."""

    def __init__(self, ctx: RuleContext) -> None:
        super().__init__()
        self.index = ctx.index

    def __missing__(self, module: str) -> str:
        # not ``find_module``: the names' units share this table, and whether a module is a package is its file's
        # path, no fact an interface edit changes (so nothing to record)
        info = self.index.modules.get(module)
        package = self[module] = module if info is not None and info.is_package else module.rpartition(".")[0]
        return package


def _mixed(package_of: _Packages, meanings: list[_Meaning]) -> bool:
    """Some package imports two meanings, or two meanings are each imported from outside their own package."""
    seen: dict[str, int] = {}
    escaping = 0
    for number, meaning in enumerate(meanings):
        homes = {package_of[t.module] for t in meaning.targets}
        packages = {package_of[m] for m in meaning.importers}
        for package in packages:
            if seen.setdefault(package, number) != number:
                return True
        escaping += any(not any(p == h or p.startswith(h + ".") for h in homes) for p in packages)
    return escaping >= 2


def _mixed_groups(ctx: RuleContext, package_of: _Packages,
                  meanings: list[_Meaning]) -> list[tuple[list[_Meaning], dict[Target, str]]]:  # fmt: skip
    """The related groups (see ``_related_groups``) whose importers mix them. A group can mix only if all the
    meanings together do (a package importing two of a group's meanings imports two of all; meanings imported from
    outside their package are no fewer), so names whose meanings do not mix at all (two thirds of them at 1M lines
    of django) are not grouped."""
    if not _mixed(package_of, meanings):
        return []
    return [(group, roles) for group, roles in _related_groups(ctx, meanings) if _mixed(package_of, group)]


def _related_groups(ctx: RuleContext, meanings: list[_Meaning]) -> list[tuple[list[_Meaning], dict[Target, str]]]:
    """Meanings joined by relations between their targets (each group with the role of each related target).

    A target relates only to its own bases (a shim), to the targets of its configured concept, or, a guard, to
    every other: those are looked up per target rather than tried on every pair. A target's role is what it is to
    the first target it relates to, in the order of the pairs (meaning by meaning, target by target, each pair
    both ways)."""
    parent = list(range(len(meanings)))

    find = _finder(parent)

    family = _families(ctx, meanings)
    ordered = [sorted(m.targets, key=lambda t: t.fullname) for m in meanings]
    where = {t: (p, i) for p, targets in enumerate(ordered) for i, t in enumerate(targets)}
    by_concept: dict[int, list[Target]] = defaultdict(list)  # configured concepts are told apart by identity
    for target in where:
        concept = ctx.concepts.concept_of.get(target)  # type: ignore[arg-type]
        if concept is not None and concept.origin == "configured":
            by_concept[id(concept)].append(target)
    guards = {t for t in where if _is_guard(ctx, t)}
    roles: dict[Target, str] = {}
    for p, targets in enumerate(ordered):
        for i, x in enumerate(targets):
            if x in guards:
                related = [y for y in where if where[y][0] != p and not _apart_from_guards(ctx, y)]
            else:
                related = [y for y in _bases(ctx, x) if y in where and where[y][0] != p] if x not in family else []
                concept = ctx.concepts.concept_of.get(x)  # type: ignore[arg-type]
                related += [y for y in by_concept.get(id(concept), ()) if where[y][0] != p]
            if not related:
                continue
            for y in related:
                parent[find(where[y][0])] = find(p)

            def order(y: Target, p: int = p, i: int = i) -> tuple[int, ...]:
                q, j = where[y]
                return (p, q, i, j, 0) if p < q else (q, p, j, i, 1)

            role = _relation(ctx, x, min(related, key=order), family, guards)
            assert role is not None
            roles[x] = role
    groups: dict[int, list[_Meaning]] = defaultdict(list)
    for i, meaning in enumerate(meanings):
        groups[find(i)].append(meaning)
    return [(g, roles) for g in groups.values() if len(g) > 1]


def _bases(ctx: RuleContext, target: Target) -> tuple[Value, ...]:
    """The project bases of a shim (what ``_shim_base`` holds for), none for any other target."""
    if isinstance(target, ClassValue) and ctx.concepts.kinds.get(target) == "shim":
        return ctx.resolver.mro(target)[1:]
    return ()


def _role(target: Target, roles: dict[Target, str]) -> str:
    return roles.get(target, "class" if isinstance(target, ClassValue) else "function")


_SHORT = {"guard": "a guard whose constructor raises", "shim": "a shim subclass"}


def _short(meaning: _Meaning, roles: dict[Target, str], first: bool) -> str:
    """``TracedManager, a shim subclass (1)``: what a meaning is, in a few words, and its importers."""
    names = ", ".join(sorted({t.shown for t in meaning.targets}))
    kinds = sorted({_SHORT[k] for t in meaning.targets if (k := _role(t, roles).split(" ", 1)[0].rstrip(":")) in _SHORT})
    count = len(meaning.importers)
    counted = f"{count} importer{'s' if count != 1 else ''}" if first else str(count)
    return f"{names}{''.join(', ' + k for k in kinds)} ({counted})"


def _binding(ctx: RuleContext, module: str, name: str) -> Location:
    """Where ``module`` binds ``name`` (its first binding)."""
    info = ctx.index.get_module(module)
    line = min((b.line for b in info.facts.bindings.get(name, ())), default=1)
    return Location(info.relpath, line, 1, symbol=f"{module}.{name}")


def _import_lines(ctx: RuleContext, name: str, meaning: _Meaning, lines: dict[tuple[str, str, str], list[int]],
                  limit: int = 3) -> list[Related]:
    """Up to ``limit`` import lines that pick ``meaning`` (who to change when the name gets one meaning)."""
    found = []
    for source in sorted(meaning.paths):
        for importer in sorted(meaning.paths[source]):
            for line in lines.get((name, source, importer), ()):
                info = ctx.index.get_module(importer)
                found.append(Related(Location(info.relpath, line, 1, symbol=importer),
                                     f"imports {name} from {source}: "
                                     f"{', '.join(sorted(t.qualname for t in meaning.targets))}"))  # fmt: skip
    return sorted(found, key=lambda r: (r.location.path, r.location.line))[:limit]


def _finding(ctx: RuleContext, name: str, group: list[_Meaning], roles: dict[Target, str],
             lines: dict[tuple[str, str, str], list[int]]) -> Finding:  # fmt: skip
    # The most imported meaning first; on a tie, a plain class or function before a guard, shim or factory.
    group = sorted(group, key=lambda m: (-len(m.importers), any(t in roles for t in m.targets), sorted(m.paths)))
    paths = [(source, m) for m in group  # per meaning: most importers first, then the defining module
             for source in sorted(m.paths, key=lambda p: (-len(m.paths[p]), all(t.module != p for t in m.targets), p))]
    entries = [{"path": source, "targets": sorted(t.fullname for t in m.targets),
                "roles": sorted(_role(t, roles) for t in m.targets), "importers": len(m.paths[source])}
               for source, m in paths]  # fmt: skip
    main_source = paths[0][0]
    # Most useful first (a reader sees five): where the other meanings are bound, who imports them, the main
    # meaning's other paths, then the definitions with their roles.
    bound = [(m is not group[0], Related(_binding(ctx, source, name), f"{name} here is "
                                         f"{', '.join(sorted({t.shown for t in m.targets}))}"))
             for source, m in paths[1:] if any(t.module != source or t.qualname != name for t in m.targets)]  # fmt: skip
    related = [r for other, r in bound if other]
    for meaning in group[1:]:  # the importers of the other meanings: the lines to change
        related += _import_lines(ctx, name, meaning, lines)
    related += [r for other, r in bound if not other]
    for target in sorted({t for m in group for t in m.targets}, key=lambda t: t.fullname):
        where = ctx.class_location(target) if isinstance(target, ClassValue) else ctx.function_location(target)
        related.append(Related(where, f"{target.qualname}: {_role(target, roles)}"))
    location = _binding(ctx, main_source, name)
    return make_finding(
        INFO,
        module=ctx.index.get_module(main_source),
        line=location.line,
        column=1,
        symbol=location.symbol,
        message=f"{name} means {len(group)} things depending on where it is imported from: "
        f"{'; '.join(_short(m, roles, i == 0) for i, m in enumerate(group))}",
        fix_hint=f"import {name} from one module ({main_source}, the most imported meaning); rename or remove the "
        f"other meanings, or give them their own names",
        key=f"{name}|{'|'.join(sorted(t.fullname for m in group for t in m.targets))}",
        related=related,
        facts={"name": name, "paths": entries},
    )


def _paths_taken(ctx: RuleContext, hops: dict[Target, frozenset[str]]) -> Iterator[ImportSite]:
    """The import sites that take a path to a public name from outside its module (not through a re-export hop
    of its target: ``hops`` fills in as they are met); of the names the rule judges (``RuleContext.units``)."""
    units = ctx.units
    for site in ctx.sites.unrecorded():  # an edit that changes a site names its units (``keys_after_imports``)
        if site.name.startswith("_") or not site.runtime or site.importer == site.target.module \
                or (units is not None and site.name not in units):  # fmt: skip
            continue
        hop = hops.get(site.target)
        if hop is None:
            hop = hops[site.target] = ctx.sites.reexport_hops(site.target, record=False)
        if site.importer not in hop:
            yield site


def _import_lines_by_path(ctx: RuleContext, hops: dict[Target, frozenset[str]]) -> dict[tuple[str, str, str], list[int]]:
    """(name, source, importer) -> the lines of those imports, for the findings' related locations: worked out
    when the first finding needs them (most scans have none; a dict entry per site was a tenth of the rule)."""
    lines: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for site in _paths_taken(ctx, hops):
        lines[site.name, site.source, site.importer].append(site.line)
    return lines


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per public name whose import paths lead to related but different targets.

    Units: one per public name (its meanings). Setup: the import sites (unrecorded: an edit of imports names the
    units it can change, ``units.keys_after_imports``), ``module_attribute_sites`` (every module's ``M.n`` reads,
    through the resolver: recorded under the whole rule), and ``_import_lines_by_path``, made under the whole rule
    when a first finding needs it."""
    by_name: dict[str, list[tuple[str, str, Target]]] = defaultdict(list)
    hops: dict[Target, frozenset[str]] = {}
    for site in _paths_taken(ctx, hops):
        by_name[site.name].append((site.source, site.importer, site.target))
    for importer, source, name, target in ctx.shared_table(ATTRIBUTE_SITES,
                                                           lambda: module_attribute_sites(ctx.index, ctx.resolver)):
        if not name.startswith("_") and importer != target.module and ctx.runs(name):  # ``legacy_ws.WebSocketManager``
            by_name[name].append((source, importer, target))
    package_of = _Packages(ctx)
    lines: dict[tuple[str, str, str], list[int]] | None = None
    for name in sorted(by_name):
        if len({t for _, _, t in by_name[name]}) < 2 or not ctx.runs(name):
            continue
        with ctx.unit(name):
            meanings = _meanings(ctx, name, by_name[name])
            if len(meanings) < 2:
                continue
            for group, roles in _mixed_groups(ctx, package_of, meanings):
                if lines is None:
                    with ctx.unit(None):  # made once for the rule: its setup, whichever name needs it first
                        lines = _import_lines_by_path(ctx, hops)
                yield _finding(ctx, name, group, roles, lines)


RULE = Rule(INFO, check)
