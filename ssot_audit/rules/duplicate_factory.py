"""The same factory is defined in several modules.

## What it does
Groups module-level factory functions (``get_*``, ``create_*``, ``make_*``, ``build_*``, ``new_*``, ``*_factory``,
or a configured factory) by name and reports every definition other than the canonical one when the name is
defined in two or more non-test modules and the copies matter: a configured factory, copies that differ in
``async``-ness, or copies that return an instance of a concept class. The canonical definition is the configured
factory, else the one imported by the most modules.

## Why is this bad?
Callers import whichever copy they find. When one copy is ``async def`` and another ``def``, half the call sites
await the wrong thing: ``TypeError: object WebSocketManager can't be used in 'await' expression``.

## Example
```python
def get_websocket_manager(user_id): ...          # app/websocket_core/websocket_manager.py
async def get_websocket_manager(user_id): ...    # app/services/ws_factory.py
```

## Use instead
One factory in one module; other modules import it.

## Options
``report-all`` (bool, default false): report every factory name defined in several modules, even plain
duplicates that return nothing the concepts know about.

Each finding lists the canonical definition and at most 9 other copies as related locations (``copies`` in its
facts counts them all), so N copies give output linear in N.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ssot_audit.analysis.asyncness import ASYNC, call_kind
from ssot_audit.analysis.concepts import FACTORY_NAME
from ssot_audit.analysis.values import FunctionValue, InstanceValue
from ssot_audit.model import Finding, Related, RuleOption, Severity
from ssot_audit.rules.base import Rule, RuleContext, make_finding, make_rule_info

INFO = make_rule_info(
    "SSOT104",
    "duplicate-factory",
    Severity.WARNING,
    __doc__,
    (RuleOption("report-all", "bool", False, "report every duplicated factory name, not only the risky ones"),),
)


# Each copy is its own finding (an annotation on its line); listing every other copy in each of N findings made the
# output quadratic (N=800: 182 MB of JSON; N=5,000: killed at 24 GB). Related locations and the ``definitions`` fact
# stop at this many; ``copies`` in the facts keeps the true count.
MAX_LISTED = 10


def _definitions(ctx: RuleContext, configured: set[str]) -> dict[str, list[FunctionValue]]:
    by_name: dict[str, list[FunctionValue]] = defaultdict(list)
    for info, func in ctx.index.iter_functions():
        if info.is_test or "." in func.qualname or func.name.startswith("_"):
            continue
        if FACTORY_NAME.match(func.name) or func.name in configured:
            by_name[func.name].append(FunctionValue(info.name, func.qualname))
    return by_name


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per non-canonical copy of a duplicated factory."""
    configured = {f for c in ctx.concepts.concepts if c.origin == "configured" for f in c.factories}
    concept_instances = {InstanceValue(c) for c in ctx.concepts.concept_of}
    for name, defs in sorted(_definitions(ctx, {f.qualname for f in configured}).items()):
        if len({d.module for d in defs}) < 2:
            continue
        kinds = {d: call_kind(ctx.resolver, d) for d in defs}
        asyncness = {d: kinds[d].kind == ASYNC for d in defs}
        risky = (
            any(d in configured for d in defs)
            or len(set(asyncness.values())) > 1
            or any(ctx.resolver.return_values(d) & concept_instances for d in defs)
        )
        if not risky and not ctx.options.get("report-all", False):
            continue
        canonical = next((d for d in defs if d in configured), None) or min(
            defs, key=lambda d: (-ctx.sites.count_importers(d), d.module)
        )
        shown = [f"{d.module} ({'async def' if asyncness[d] else 'def'})" for d in defs[:MAX_LISTED]]
        described = ", ".join(shown) + (f" and {len(defs) - MAX_LISTED} more" if len(defs) > MAX_LISTED else "")
        others = [d for d in defs if d != canonical]
        for definition in defs:
            if definition == canonical:
                continue
            info = ctx.index.get_module(definition.module)
            fact = info.facts.functions[definition.qualname]
            canon_fact = ctx.index.get_module(canonical.module).facts.functions[canonical.qualname]
            differs = asyncness[definition] != asyncness[canonical]
            kind = "async def" if asyncness[definition] else "def"
            canon_kind = "async def" if asyncness[canonical] else "def"
            detail = f"; this one is {kind}, the canonical one is {canon_kind}" if differs else ""
            if fact.params != canon_fact.params:
                detail += f"; parameters differ ({', '.join(fact.params)} vs {', '.join(canon_fact.params)})"
            yield make_finding(
                INFO,
                module=info,
                line=fact.line,
                column=fact.col + 1,
                symbol=definition.fullname,
                message=f"factory {name}() is defined in {len(defs)} modules{detail}",
                fix_hint=f"delete this copy and import {name} from {canonical.module}",
                key=f"factory:{name}",
                severity=Severity.ERROR if differs else Severity.WARNING,
                related=[Related(ctx.function_location(canonical), f"canonical {canon_kind} {name}() is here")]
                + [Related(ctx.function_location(d), f"another copy of {name}()")
                   for d in [d for d in others[:MAX_LISTED] if d != definition][: MAX_LISTED - 1]],  # fmt: skip
                facts={"factory": name, "canonical": canonical.fullname, "definitions": described,
                       "async_differs": differs, "copies": len(others)},  # fmt: skip
            )


RULE = Rule(INFO, check)
