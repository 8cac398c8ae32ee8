"""The same factory is defined in several modules.

## What it does
Groups module-level factory functions (``get_*``, ``create_*``, ``make_*``, ``build_*``, ``new_*``, ``*_factory``,
or a configured factory) by name and reports every definition other than the canonical one when the name is
defined in two or more non-test modules and the copies matter: a configured factory, copies that differ in
``async``-ness, or copies that return an instance of a concept class. The canonical definition is the configured
factory, else the one imported by the most modules.

Not reported (unless configured): per-plugin helpers, copies that each sit in their own sibling package
(``components.glances``, ``components.netgear``: home-assistant's integrations each define ``get_api``), each with
parameters of its own, when no module outside a copy's package, tests aside, imports the copy or the module that
defines it: nothing chooses between them. Copies with the same parameters are reported (one factory pasted into
each package). Nor is a copy that calls another copy, when their async-ness agrees: a layer over it (a configured
wrapper, an API route calling the model function of the same name), one implementation reached two ways. A copy
whose decorators may change what calling it gives (a route registration, ``sync_compatible``) is of unknown
async-ness and never differs from another.

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

import os
from collections import defaultdict
from collections.abc import Iterator, Sequence

from ssot_audit.analysis.asyncness import ASYNC, AWAITABLE, CallKind, call_kind
from ssot_audit.analysis.callees import resolve_callee
from ssot_audit.analysis.concepts import FACTORY_NAME, ConceptModel
from ssot_audit.analysis.index import ProjectIndex
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


def duplicated_factories(index: ProjectIndex, concepts: ConceptModel) -> dict[str, tuple[FunctionValue, ...]]:
    """Each factory name (``get_*``, ``create_*``..., or a configured concept's factory) defined at module level
    outside tests in two modules or more, with its definitions in module order. Reads every module's functions'
    names and nothing of their bodies: a calls-only edit leaves it as it is, so a scan keeps it
    (``RuleContext.factory_groups``)."""
    configured = {f.qualname for c in concepts.concepts if c.origin == "configured" for f in c.factories}
    by_name: dict[str, list[FunctionValue]] = defaultdict(list)
    for info, func in index.iter_functions():
        if info.is_test or "." in func.qualname or func.name.startswith("_"):
            continue
        if FACTORY_NAME.match(func.name) or func.name in configured:
            by_name[func.name].append(FunctionValue(info.name, func.qualname))
    return {name: tuple(defs) for name, defs in by_name.items() if len({d.module for d in defs}) >= 2}


def _own_packages(ctx: RuleContext, defs: Sequence[FunctionValue]) -> list[str] | None:
    """The sibling package each copy sits in (``app.plugins.hue``, ``app.plugins.deconz``: the children of the
    copies' deepest common package), when every copy has one of its own; None otherwise (two copies in one
    package, a copy in the common package itself, copies with no common package)."""
    homes = [(d.module if ctx.index.get_module(d.module).is_package else d.module.rpartition(".")[0]).split(".")
             for d in defs]  # fmt: skip
    depth = len(os.path.commonprefix(homes))  # of lists: the parts all homes share
    if not depth or any(len(h) <= depth for h in homes):
        return None
    own = [".".join(h[: depth + 1]) for h in homes]
    return own if len(set(own)) == len(own) else None


def _used_outside(ctx: RuleContext, copy: FunctionValue, package: str) -> bool:
    """Some non-test module outside ``package`` imports ``copy`` (through any path: a re-export resolves to it) or
    the module that defines it (``mod.get_api()``). Importing another module of the package is not a use of it:
    one integration imports another's platform without choosing between their helpers."""
    def outside(module: str) -> bool:
        return module != package and not module.startswith(package + ".") and not ctx.index.get_module(module).is_test

    return any(outside(s.importer) for s in ctx.sites.find_sites(copy)) or any(
        outside(importer) for importer in ctx.graph.find_importers(copy.module)
    )


def _per_package_helpers(ctx: RuleContext, defs: Sequence[FunctionValue]) -> bool:
    """Each copy in its own sibling package with parameters of its own, and nothing outside that package uses it:
    plugins' own helpers that share a conventional name. Copies with the same parameters may be one factory pasted
    into each package: those are still reported."""
    params = [ctx.index.get_module(d.module).facts.functions[d.qualname].params for d in defs]
    if len(set(params)) < len(params):
        return False
    own = _own_packages(ctx, defs)
    return own is not None and not any(_used_outside(ctx, d, p) for d, p in zip(defs, own))


def _awaitable(ctx: RuleContext, definition: FunctionValue, kind: CallKind) -> bool | None:
    """Whether calling a copy gives something to await; None when its decorators are not known to keep the
    function as written (a web framework's route registration, ``sync_compatible``) or it is a stub. Copies of
    unknown kind never differ: a decorated ``async def`` is not a plain ``def``."""
    if kind.kind in (ASYNC, AWAITABLE):
        return True
    fact = ctx.index.get_module(definition.module).facts.functions[definition.qualname]
    if fact.is_stub or not ctx.resolver.has_transparent_decorators(definition):
        return None
    return False


def _wraps_a_copy(ctx: RuleContext, definition: FunctionValue, defs: Sequence[FunctionValue]) -> bool:
    """``definition`` calls another copy of its name: a layer over it (airflow's ``get_dogstatsd_logger()`` passes
    the configuration to the shared library's; an API route calls the model layer's function), one implementation
    reached two ways, not two implementations. Reads ``definition``'s module's calls (see ``check``)."""
    info = ctx.index.get_module(definition.module)
    others = set(defs) - {definition}
    inside = definition.qualname + "."
    return any(
        (call.scope == definition.qualname or call.scope.startswith(inside))
        and not others.isdisjoint(resolve_callee(ctx.resolver, info, call))
        for call in info.facts.calls.named({definition.shown})
    )


def _keyword(ctx: RuleContext, definition: FunctionValue) -> str:
    """How ``definition`` is written: ``async def`` or ``def``."""
    fact = ctx.index.get_module(definition.module).facts.functions[definition.qualname]
    return "async def" if fact.is_async else "def"


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per non-canonical copy of a duplicated factory.

    Judged by name: the findings of a name's copies read the calls of the copies' modules (``_wraps_a_copy``) and
    no other module's. With ``calls_in``, only the names with a copy in one of those modules are judged: all their
    findings, wherever the copies are (``rerun`` takes the other names' findings from the last scan).
    ``ctx.factory_groups``: ``duplicated_factories`` as a scan kept it (else computed, reading every module).

    Units: one per factory name (its copies). Setup: ``duplicated_factories`` when the scan kept none (every
    module's module-level function names)."""
    configured = {f for c in ctx.concepts.concepts if c.origin == "configured" for f in c.factories}
    concept_instances = {InstanceValue(c) for c in ctx.concepts.concept_of}
    groups = ctx.factory_groups if ctx.factory_groups is not None else duplicated_factories(ctx.index, ctx.concepts)
    for name, copies in sorted(groups.items()):
        if ctx.calls_in is not None and not any(d.module in ctx.calls_in for d in copies):
            continue
        if ctx.runs(name):
            with ctx.unit(name):
                yield from _judge(ctx, name, copies, configured, concept_instances)


def _judge(ctx: RuleContext, name: str, copies: tuple[FunctionValue, ...], configured: set[FunctionValue],
           concept_instances: set[InstanceValue]) -> Iterator[Finding]:  # fmt: skip
    """The findings of one factory name's copies (its unit): one per copy but the canonical one."""
    defs = list(copies)
    kinds = {d: call_kind(ctx.resolver, d) for d in defs}
    awaitable = {d: _awaitable(ctx, d, kinds[d]) for d in defs}
    if not {True, False} <= set(awaitable.values()):  # one async-ness: a layer over a copy is no copy
        defs = [d for d in defs if not _wraps_a_copy(ctx, d, defs)]
        if len({d.module for d in defs}) < 2:
            return
    risky = (
        any(d in configured for d in defs)
        or {True, False} <= set(awaitable.values())
        or any(ctx.resolver.return_values(d) & concept_instances for d in defs)
    )
    if not risky and not ctx.options.get("report-all", False):
        return
    if not any(d in configured for d in defs) and _per_package_helpers(ctx, defs):
        return
    canonical = next((d for d in defs if d in configured), None) or min(
        defs, key=lambda d: (-ctx.sites.count_importers(d), d.module)
    )
    shown = [f"{d.module} ({_keyword(ctx, d)})" for d in defs[:MAX_LISTED]]
    described = ", ".join(shown) + (f" and {len(defs) - MAX_LISTED} more" if len(defs) > MAX_LISTED else "")
    others = [d for d in defs if d != canonical]
    for definition in defs:
        if definition == canonical:
            continue
        info = ctx.index.get_module(definition.module)
        fact = info.facts.functions[definition.qualname]
        canon_fact = ctx.index.get_module(canonical.module).facts.functions[canonical.qualname]
        canon_kind = _keyword(ctx, canonical)
        differs = {awaitable[definition], awaitable[canonical]} == {True, False}
        kind = kinds[definition].description or _keyword(ctx, definition)
        detail = f"; this one is {kind}, the canonical one is {kinds[canonical].description or canon_kind}" \
            if differs else ""
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
