"""A concept class is given another name.

## What it does
Finds module-level aliases of a concept class under a different name (``WebSocketManager =
UnifiedWebSocketManager``) and imports that re-export or rename it (``from .unified import
UnifiedWebSocketManager as WebSocketManagerV2``). An import renamed because the module defines its own class of
the original name (``import Features as BaseFeatures`` to subclass it) is a clash, not an alias.

## Why is this bad?
Two names for one class look like two classes: readers search for the wrong one, new code picks either, and the
duplicate-implementation picture gets harder to see.

## Example
```python
from app.websocket_core.unified_manager import UnifiedWebSocketManager
WebSocketManager = UnifiedWebSocketManager
```

## Use instead
Import the canonical class under its own name, from its canonical module.

## Fix
Safe: every ``from <module> import <alias>`` elsewhere in the project imports the class itself from its defining
module instead (renaming its uses in that file); star imports are left alone and reported. The alias itself stays
until nothing imports it: deleting it is a plan step for a human.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssot_audit.analysis.facts import is_alias_binding
from ssot_audit.analysis.values import ClassValue
from ssot_audit.model import Finding, Related, Severity
from ssot_audit.rules.base import Rule, RuleContext, in_units, make_finding, make_rule_info

INFO = make_rule_info("SSOT102", "concept-alias", Severity.WARNING, __doc__, fix="safe")


def _message(ctx: RuleContext, alias: str, target: ClassValue, how: str) -> tuple[str, str]:
    concept = ctx.concepts.concept_of[target]
    public = ctx.concepts.names.public_name(concept.canonical)
    shown = ctx.concepts.names.describe(target)
    message = f"{how} '{alias}' is another name for {shown} of the concept '{concept.name}'"
    hint = f"use {public.name} from {public.module} instead of '{alias}', and drop '{alias}' once nothing imports it"
    if target != concept.canonical:
        hint += f" (the canonical class; {target.qualname} is a duplicate)"
    return message, hint


def _canonical_facts(ctx: RuleContext, target: ClassValue) -> dict[str, str]:
    """The public name of the very class the alias names: what an importer of the alias can import instead without
    changing behaviour (moving it to the concept's canonical class is a plan step, not a fix)."""
    public = ctx.concepts.names.public_name(target)
    return {"canonical_module": public.module, "canonical_name": public.name}


def _is_public_name(ctx: RuleContext, target: ClassValue, module: str, name: str) -> bool:
    """The one public name users import a private class by (``UnifiedWebSocketManager = _Impl``) is its name, not an
    alias: a private implementation needs one."""
    public = ctx.concepts.names.public_name(target)
    return target.qualname.startswith("_") and (public.module, public.name) == (module, name)


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Aliases by assignment and by ``import ... as`` of concept classes.

    Units: one per module (an alias binding in it, or an import ``as`` in it). Setup: ``module_aliases``, every
    module's module-level ``name = other`` bindings (which modules get a unit)."""
    concept_of = ctx.concepts.concept_of
    # The modules with a ``name = other`` binding, from the index's list of them (made once for the rules that ask):
    # 170 bindings among 59,000 at 1M lines of django, where walking every binding was most of this rule.
    aliasing = {module for module, _, _ in ctx.index.module_aliases()}
    # each module with an alias judged in its unit
    for info in in_units(ctx, (i for i in ctx.index.iter_modules() if i.name in aliasing), key=lambda i: i.name):
        for name, bindings in info.facts.bindings.items():
            for binding in bindings:
                if not is_alias_binding(binding):
                    continue
                for value in ctx.resolver.resolve_expr(info.name, "", binding.value):
                    if not isinstance(value, ClassValue) or value not in concept_of or value.qualname.split(".")[-1] == name:
                        continue
                    if _is_public_name(ctx, value, info.name, name):
                        continue
                    message, hint = _message(ctx, name, value, "alias")
                    yield make_finding(
                        INFO, module=info, line=binding.line, column=1, symbol=f"{info.name}.{name}",
                        message=message, fix_hint=hint, key=f"assign:{name}:{value.fullname}",
                        related=[Related(ctx.class_location(value), f"{value.qualname} is defined here")],
                        facts={"alias": name, "target": value.fullname, "concept": concept_of[value].name,
                               **_canonical_facts(ctx, value)},
                    )  # fmt: skip
    renamed = (s for s in ctx.sites.unrecorded()  # each in its importer's unit, judged again on any edit of it
               if s.bound != s.name and not s.scope and isinstance(s.target, ClassValue) and s.target in concept_of)
    for site in in_units(ctx, renamed, key=lambda site: site.importer):  # each in its importer's unit
        target = site.target
        assert isinstance(target, ClassValue)
        info = ctx.index.get_module(site.importer)
        if site.name in info.facts.bindings:  # renamed to avoid a clash with the module's own ``name``
            continue
        if site.name.startswith("_") and _is_public_name(ctx, target, site.importer, site.bound):
            continue
        message, hint = _message(ctx, site.bound, target, f"import of {site.name} as")
        yield make_finding(
            INFO, module=info, line=site.line, column=site.col + 1, symbol=f"{info.name}.{site.bound}",
            message=message, fix_hint=hint, key=f"import:{site.bound}:{target.fullname}",
            related=[Related(ctx.class_location(target), f"{target.qualname} is defined here")],
            facts={"alias": site.bound, "target": target.fullname, "concept": concept_of[target].name,
                   **_canonical_facts(ctx, target)},
        )  # fmt: skip


RULE = Rule(INFO, check)
