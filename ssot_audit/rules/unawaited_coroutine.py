"""An ``async def`` is called and its coroutine never awaited.

## What it does
Finds calls to a project ``async def`` (not an async generator, not behind a decorator that changes it) whose
result is dropped (a bare expression statement), used as a plain object (``get_manager().connect``), or assigned
to a variable that is then only used as a plain object or not at all. Calls that are awaited, returned, passed to
another call (``asyncio.create_task``, ``gather``, ``asyncio.run``...) or awaited later are fine.

Flow within the calling function is followed as for SSOT401: a bare call on the branch where
``iscoroutinefunction(f)`` is false, or under a false ``hasattr``, is skipped, and stores and patches rebind the
callee (``obj.m = sync_wrapper``). A receiver typed by a return annotation that the function's return statements
contradict (``-> Session`` returning an ``@asynccontextmanager`` object) takes the inferred type; when the
statements are only partly known the annotation is kept and the message says the finding is unsure (confidence
medium). ``facts["concept"]`` names the callee's concept.

## Why is this bad?
The body never runs: ``RuntimeWarning: coroutine '...' was never awaited``, and the code after it works on a
coroutine object instead of the result.

## Example
```python
async def notify_user(user_id, message): ...

notify_user(user_id, "hi")
```

## Use instead
```python
await notify_user(user_id, "hi")            # or: asyncio.create_task(notify_user(user_id, "hi"))
```

## Fix
Unsafe (``--unsafe``): adds the ``await`` when the call sits directly in an ``async def``
(``(await get_manager()).connect`` where an attribute of the coroutine was used). Unsafe because the code after it
now runs on the result, and later: check the callers.

## Options
None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ssot_audit.analysis.asyncness import ASYNC, call_kind
from ssot_audit.analysis.callees import doubted_annotations, resolve_callee, ruled_out
from ssot_audit.analysis.facts import CallSite, FunctionFact
from ssot_audit.analysis.index import ModuleInfo
from ssot_audit.analysis.values import UNKNOWN, FunctionValue
from ssot_audit.model import Confidence, Finding, Related, Severity
from ssot_audit.rules.base import (
    Rule, RuleContext, call_finding, concept_of_callee, in_module_units, make_rule_info, names_bound_to,
)

INFO = make_rule_info("SSOT402", "unawaited-coroutine", Severity.ERROR, __doc__, fix="unsafe")
_PLAIN_USES = frozenset({"attr", "call"})


def _how_misused(info: ModuleInfo, call: CallSite, nested: dict[str, dict[str, list[FunctionFact]]]) -> str | None:
    """How the coroutine a call makes is misused, if it surely is; ``nested``: each module's functions by the
    function they are nested in, filled on demand."""
    if call.context == "stmt":
        return "its result is dropped"
    if call.context == "attr":
        return "an attribute of the coroutine object is used"
    if call.context == "assign" and call.scope and call.target is not None and call.target[0] == "n":
        func = info.facts.functions.get(call.scope)
        if func is None or call.target[1] in func.globals:
            return None
        children = nested.get(info.name)
        if children is None:
            children = nested[info.name] = defaultdict(list)
            for fact in info.facts.functions.values():
                children[fact.parent].append(fact)
        uses = _uses(info, call.scope, call.target[1], children)
        if not uses:
            return f"it is assigned to '{call.target[1]}' and never awaited"
        if uses <= _PLAIN_USES:
            return f"it is assigned to '{call.target[1]}', which is then used as a plain object"
    return None


def _uses(info: ModuleInfo, scope: str, name: str, children: dict[str, list[FunctionFact]]) -> set[str]:
    """How ``name`` of function ``scope`` is read: in its body and in the closures that see it (nested functions
    that do not bind the name themselves), where ``await name`` or ``gather(name)`` often lives."""
    func = info.facts.functions[scope]
    uses = set(func.name_uses.get(name, ()))
    for nested in children.get(scope, ()):
        if name not in nested.locals:
            uses |= _uses(info, nested.qualname, name, children)
    return uses


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Every call of an async function whose coroutine is never awaited.

    Units: one per module (its calls of the async defs' names, ``in_module_units``). Setup: the async defs
    (``find_async_functions``) and ``names_bound_to`` (after edits that changed the async defs, the modules whose
    calls are named by a name that came or went are judged too: ``RuleContext.async_change``)."""
    async_defs = set(ctx.find_async_functions())
    names = names_bound_to(ctx, async_defs)
    judged = ctx.judged_names()
    if ctx.async_change is not None and judged is not None:  # and the modules that call a name that came or went
        judged = {*judged, *ctx.async_change.check(ctx, names)}
    nested: dict[str, dict[str, list[FunctionFact]]] = {}
    # each module's calls judged in its unit
    for info, call in in_module_units(ctx, ctx.index.find_calls_named(names, judged)):
        if call.context not in ("stmt", "attr", "assign"):
            continue
        how = _how_misused(info, call, nested)
        if how is None or ruled_out(info, call, awaited=False):
            continue
        values = resolve_callee(ctx.resolver, info, call)
        if UNKNOWN in values or not values:
            continue
        if not all(isinstance(v, FunctionValue) and call_kind(ctx.resolver, v).kind == ASYNC for v in values):
            continue
        callee = min(values, key=repr)
        assert isinstance(callee, FunctionValue)
        name = callee.qualname.split(".")[-1]
        message = f"coroutine of async def {name}() is never awaited: {how}, so its body never runs"
        doubts = doubted_annotations(ctx.resolver, info, call.scope, call.func)
        if doubts:  # the receiver's class came from an annotation that the return statements contradict
            listed = ", ".join(f"{d.fullname}()" for d in doubts)
            message += f"; unsure: the receiver's type is the return annotation of {listed}, which its return " \
                       "statements contradict"  # fmt: skip
        yield call_finding(
            INFO,
            module=info,
            call=call,
            message=message,
            confidence=Confidence.MEDIUM if doubts else Confidence.HIGH,
            fix_hint=f"await {name}(...), or schedule it with asyncio.create_task({name}(...))",
            key=f"unawaited:{callee.fullname}:{call.context}",
            related=[Related(ctx.function_location(callee), f"async def {name} is defined here")],
            facts={"callee": callee.fullname, "usage": call.context,
                   **({"concept": concept} if (concept := concept_of_callee(ctx, callee)) else {})},
        )


RULE = Rule(INFO, check)
