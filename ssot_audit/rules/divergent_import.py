"""A symbol is imported through a path other than its canonical one.

## What it does
For every project class or function imported by other modules, collects the paths it is imported through (its
defining module, a package ``__init__`` that re-exports it, a compat module, an alias). When more than one path is
in use, every import through a non-canonical path is reported. The canonical path of a configured concept's
canonical class and factories is their configured module (any other path is reported, even if it is the only one
in use); for other symbols it is the path most imports already use (ties go to the defining module). Imports
inside the modules the others import through (the re-export lines themselves) are not reported, and neither are
imports from inside a package of a symbol whose canonical path is that package's own ``__init__``. Split paths of
configured symbols, concept classes and factories are warnings; of other symbols, notes. The finding's
facts list every path with its count. Imports under ``if TYPE_CHECKING:``, and imports from a module that binds
the name only under ``TYPE_CHECKING`` (an ImportError at run time, see SSOT203), are not working paths: they are
neither counted nor reported, and the facts list them apart as ``type_checking_paths``.

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

## Options
None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ssot_audit.analysis.concepts import FACTORY_NAME
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.model import Finding, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, make_finding, make_rule_info

INFO = make_rule_info("SSOT201", "divergent-import-path", Severity.WARNING, __doc__)


def _definition_location(ctx: RuleContext, target: ClassValue | FunctionValue) -> Related:
    location = ctx.class_location(target) if isinstance(target, ClassValue) else ctx.function_location(target)
    return Related(location, f"{target.qualname} is defined here")


def _inside_facade(importer: str, canonical: str, used: str, defining: str) -> bool:
    """Code inside a package imports from the module that defines a symbol, not from its own package's
    ``__init__`` facade (that import would run the facade, and often close a cycle)."""
    return importer.startswith(canonical + ".") and (used == defining or used.startswith(canonical + "."))


def _matters(ctx: RuleContext, target: ClassValue | FunctionValue, pinned: set[ClassValue | FunctionValue]) -> bool:
    """Split paths of configured symbols, concept classes and factories are warnings; of other symbols, notes
    (a library's layered public facades are often deliberate)."""
    if target in pinned or target in ctx.concepts.concept_of:
        return True
    return isinstance(target, FunctionValue) and bool(FACTORY_NAME.match(target.qualname))


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per import site that uses a non-canonical path."""
    pinned: set[ClassValue | FunctionValue] = set()
    for concept in ctx.concepts.concepts:
        if concept.origin == "configured":
            pinned.add(concept.canonical)
            pinned.update(concept.factories)
    targets = sorted({s.target for s in ctx.sites.sites}, key=lambda t: t.fullname)
    for target in targets:
        hops = ctx.sites.reexport_hops(target)
        found = [s for s in ctx.sites.find_sites(target) if s.importer not in hops and s.importer != target.module]
        sites = [s for s in found if s.runtime]  # a TYPE_CHECKING-only path is no working path (see SSOT203)
        paths = Counter(s.source for s in sites)
        checking_only = sorted({s.source for s in found if not s.runtime} - set(paths))
        if target in pinned:
            canonical = target.module
        elif len(paths) < 2:
            continue
        else:
            canonical = min(paths, key=lambda p: (-paths[p], p != target.module, len(p), p))
        summary = {path: paths[path] for path in sorted(paths)}
        severity = Severity.WARNING if _matters(ctx, target, pinned) else Severity.NOTE
        for site in sites:
            if site.source == canonical or _inside_facade(site.importer, canonical, site.source, target.module):
                continue
            info = ctx.index.get_module(site.importer)
            used = sum(paths.values())
            kind = "a re-export" if site.source != target.module else "its defining module"
            yield make_finding(
                INFO,
                module=info,
                line=site.line,
                column=site.col + 1,
                symbol=f"{info.name}.{site.scope}" if site.scope else info.name,
                message=(
                    f"{target.qualname} imported from {site.source} ({kind}); its canonical path is {canonical} "
                    f"(used by {paths.get(canonical, 0)} of {used} imports across {len(paths)} paths)"
                ),
                fix_hint=f"from {canonical} import {target.qualname}"
                + (f" as {site.bound}" if site.bound != target.qualname else ""),
                key=f"{target.fullname}|{site.source}|{site.bound}|{site.scope}",
                severity=severity,
                related=[_definition_location(ctx, target)],
                facts={"symbol": target.fullname, "canonical_path": canonical, "used_path": site.source,
                       "paths": summary, **({"type_checking_paths": checking_only} if checking_only else {})},  # fmt: skip
            )


RULE = Rule(INFO, check)
