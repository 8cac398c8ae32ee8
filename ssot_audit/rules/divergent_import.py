"""A symbol is imported through a path other than its canonical one.

## What it does
For every project class or function imported by other modules, collects the paths it is imported through (its
defining module, a package ``__init__`` that re-exports it, a compat module, an alias). When more than one path is
in use, every import through a non-canonical path is reported. The canonical path of a configured concept's
canonical class and factories is their configured module (any other path is reported, even if it is the only one
in use); for other symbols it is the path most imports already use (ties go to the defining module). Imports
inside the modules the others import through (the re-export lines themselves) are not reported, and neither are
imports from inside a package of a symbol whose canonical path is that package's own ``__init__``, nor an import
from the defining module by a module of its own package (a configured canonical path aside), nor a package
``__init__``'s re-export (in its ``__all__``, or imported ``as`` itself) from a package that holds the defining
module (``sqlalchemy/__init__.py``: ``from .engine import make_url as make_url``): a facade on a facade. Split paths
of configured symbols, concept classes and concepts' factories are warnings; of other symbols (``get_logger``),
notes. The finding's facts list every path with its count. Imports under ``if TYPE_CHECKING:``, and imports from
a module that binds the name only under ``TYPE_CHECKING`` (an ImportError at run time, see SSOT203), are not
working paths: they are neither counted nor reported, and the facts list them apart as ``type_checking_paths``.

## Why is this bad?
Several import paths for one symbol hide the single source of truth: patches of one path miss the others, a
compat module outlives its purpose, and moving the symbol means finding every path first.

## Example
```python
from app.websocket_core import get_websocket_manager          # through the package __init__
from app.compat.websocket import get_websocket_manager        # through a compat module
```

## Use instead
```python
from app.websocket_core.websocket_manager import get_websocket_manager
```

## Fix
Safe: the import is rewritten to the canonical path, merged into an existing ``from <canonical> import ...`` of
the same block (never a duplicate), ``as`` aliases kept, relative imports kept relative inside their package.
Where only an alias of the symbol was imported (``from compat import ManagerV2``), the file imports the class
under its own name and uses that name; when that rename is not clearly safe (the name is already used in the
file, or appears in a string such as ``__all__``) there is no fix.

## Options
None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from ssot_audit.analysis.usage import ImportSite
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.model import Finding, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, make_finding, make_rule_info

INFO = make_rule_info("SSOT201", "divergent-import-path", Severity.WARNING, __doc__, fix="safe")


def _definition_location(ctx: RuleContext, target: ClassValue | FunctionValue) -> Related:
    location = ctx.class_location(target) if isinstance(target, ClassValue) else ctx.function_location(target)
    return Related(location, f"{target.qualname} is defined here")


def _inside_facade(importer: str, canonical: str, used: str, defining: str) -> bool:
    """Code inside a package imports from the module that defines a symbol, not from its own package's
    ``__init__`` facade (that import would run the facade, and often close a cycle)."""
    return importer.startswith(canonical + ".") and (used == defining or used.startswith(canonical + "."))


def _layered_reexport(ctx: RuleContext, site: ImportSite) -> bool:
    """A package ``__init__`` re-exports the name (listed in its ``__all__``, or imported ``as`` itself) from a
    package that holds the defining module (``sqlalchemy/__init__.py``: ``from .engine import make_url as
    make_url``, defined in ``sqlalchemy.engine.url``): one facade built on the one below it, the public API
    declared, not a path chosen among several. Through a module outside that chain (a compat module), or imported
    for the package's own code, it is still a split path."""
    if site.scope or not site.target.module.startswith(site.source + "."):
        return False
    info = ctx.index.get_module(site.importer)
    if not info.is_package:
        return False
    if info.facts.dunder_all is not None and site.bound in info.facts.dunder_all:
        return True
    return any(imp.line == site.line and imp.name == site.name and imp.asname == site.name for imp in info.facts.imports)


def _next_door(site: ImportSite) -> bool:
    """A module of the defining module's own package imports the symbol from the defining module (by its canonical
    name: an alias name is still reported): the definition's neighbours need no facade, and a facade elsewhere often
    imports them (airflow's vendored ``_shared/configuration/parser.py`` was told to import
    ``AirflowConfigException`` from the application's ``airflow.exceptions``, which re-exports it from
    ``_shared/configuration/exceptions.py``)."""
    package = site.target.module.rpartition(".")[0]
    return site.source == site.target.module and bool(package) and site.importer.startswith(package + ".")


def _matters(ctx: RuleContext, target: ClassValue | FunctionValue, pinned: set[ClassValue | FunctionValue],
             factories: set[FunctionValue]) -> bool:  # fmt: skip
    """Split paths of configured symbols, concept classes and concepts' factories are warnings; of other symbols,
    notes (a library's layered public facades are often deliberate). A function is not a concept's factory by its
    name alone: prefect's ``get_logger`` and ``get_current_settings``, imported from their defining modules by 80
    of its own modules and through their package by the rest, were 80 warnings."""
    return target in pinned or target in ctx.concepts.concept_of or target in factories


def _private(name: str) -> bool:
    """``_name``, but not ``_`` itself: gettext's alias is the name everyone imports (ckan's ``from ckan.common
    import _``, 41 of 42 imports of ``ugettext``)."""
    return name.startswith("_") and name != "_"


def _canonical_pair(ctx: RuleContext, target: ClassValue | FunctionValue, pinned: set[ClassValue | FunctionValue],
                    pairs: Counter[tuple[str, str]]) -> tuple[str, str] | None:  # fmt: skip
    """The (module, name) everyone should import ``target`` by: for a configured class or factory, its public name;
    else the most used path, preferring public names, then the defining module, then the shortest; for a
    production symbol, never a path through a test module while another is in use."""
    if target not in pinned and len(pairs) < 2:
        return None  # one path (most targets): nothing to choose, and no public name to work out
    public = ctx.concepts.names.public_name(target)
    if target in pinned:
        return public.module, public.name
    production = not ctx.index.is_test_module(target.module)  # then a path through a test module is no canonical one
    return min(pairs, key=lambda p: (production and ctx.index.is_test_module(p[0]),
                                      _private(p[1]) and not _private(public.name), -pairs[p],
                                      p != (public.module, public.name), p[0] != target.module, len(p[0]), p))  # fmt: skip


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per import site that uses a non-canonical path (a module, or a name: an alias is a path too)."""
    pinned: set[ClassValue | FunctionValue] = set()
    for concept in ctx.concepts.concepts:
        if concept.origin == "configured":
            pinned.add(concept.canonical)
            pinned.update(concept.factories)
    factories = {f for concept in ctx.concepts.concepts for f in concept.factories}
    # the sites, read unrecorded: an edit that changes a symbol's sites names its unit (``keys_after_imports``)
    targets = sorted((t for t in ctx.sites.unrecorded_targets() if ctx.runs(t.fullname)), key=lambda t: t.fullname)
    for target in targets:
        every = ctx.sites.unrecorded_of(target)
        if len(every) < 2 and target not in pinned:
            continue  # one import (most targets): one path, nothing to choose (``_canonical_pair``)
        with ctx.unit(target.fullname):  # a symbol's paths are judged together: its unit
            yield from _judge(ctx, target, every, pinned, factories)


def _judge(ctx: RuleContext, target: ClassValue | FunctionValue, every: Sequence[ImportSite],
           pinned: set[ClassValue | FunctionValue], factories: set[FunctionValue]) -> Iterator[Finding]:  # fmt: skip
    """The findings on the import sites ``every`` of ``target`` that take another path than the canonical one."""
    hops = ctx.sites.reexport_hops(target)
    found = [s for s in every if s.importer not in hops and s.importer != target.module]
    sites = [s for s in found if s.runtime]  # a TYPE_CHECKING-only path is no working path (see SSOT203)
    if target not in pinned and len({(s.source, s.name) for s in sites}) < 2:
        return  # as ``_canonical_pair`` answers, without counting
    checking_only = sorted({s.source for s in found if not s.runtime} - {s.source for s in sites})
    pairs = Counter((s.source, s.name) for s in sites)
    chosen = _canonical_pair(ctx, target, pinned, pairs)
    if chosen is None:
        return
    canonical, name = chosen
    paths = Counter(s.source for s in sites)
    summary = {path: paths[path] for path in sorted(paths)}
    severity = Severity.WARNING if _matters(ctx, target, pinned, factories) else Severity.NOTE
    for site in sites:
        if site.name.startswith("_") and site.importer.rpartition(".")[0] == target.module.rpartition(".")[0]:
            continue  # a package's own modules may share a private name
        if _layered_reexport(ctx, site) or (target not in pinned and site.name == name and _next_door(site)):
            continue
        if (site.source, site.name) == chosen or (
            site.name == name and _inside_facade(site.importer, canonical, site.source, target.module)
        ):
            continue
        info = ctx.index.get_module(site.importer)
        used = sum(pairs.values())
        kind = "a re-export" if site.source != target.module else "its defining module"
        imported = site.name  # the name the import line names, the canonical one's alias or not
        if site.source == canonical:
            kind, imported = f"as {site.name}, another name for it", name
        shown = imported if imported == target.shown else f"{imported} ({target.shown})"
        yield make_finding(
            INFO,
            module=info,
            line=site.line,
            column=site.col + 1,
            symbol=f"{info.name}.{site.scope}" if site.scope else info.name,
            message=(
                f"{shown} imported from {site.source} ({kind}); its canonical path is {canonical}.{name} "
                f"(used by {pairs.get(chosen, 0)} of {used} imports across {len(pairs)} paths)"
            ),
            fix_hint=f"from {canonical} import {name}" + (f" as {site.bound}" if site.bound != name else ""),
            key=f"{target.fullname}|{site.source}|{site.bound}|{site.scope}",
            severity=severity,
            related=[_definition_location(ctx, target)],
            facts={"symbol": target.fullname, "canonical_path": canonical, "canonical_name": name,
                   "used_path": site.source, "used_name": site.name, "paths": summary,
                   **({"type_checking_paths": checking_only} if checking_only else {}),
                   **({"concept": c.name} if (c := _concept(ctx, target)) else {})},  # fmt: skip
        )


def _concept(ctx: RuleContext, target: ClassValue | FunctionValue):  # type: ignore[no-untyped-def]
    if isinstance(target, ClassValue):
        return ctx.concepts.concept_of.get(target)
    return next((c for c in ctx.concepts.concepts if target in c.factories), None)


RULE = Rule(INFO, check)
