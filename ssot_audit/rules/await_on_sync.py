"""``await`` on a callable that returns nothing awaitable.

## What it does
Finds ``await f(...)`` and ``await obj.m(...)`` where the callee resolves to a project plain ``def`` (or a class)
whose result cannot be awaited. Resolution follows imports, re-exports, aliases, relative, function-local and
``try/except ImportError`` imports, ``self``/``cls``, annotated parameters, instance attributes and return values,
without needing annotations. A plain ``def`` that returns an awaitable (a coroutine, Task or Future) is fine, and so
is anything that resolves outside the project (``asyncio.to_thread``) or to a name the same scope rebinds (to an
``AsyncMock``, say). When the function's name is also defined elsewhere with another async-ness, the message says so.

Flow within the calling function is followed: an ``await`` on a branch that ``asyncio.iscoroutinefunction(f)`` /
``inspect.iscoroutinefunction`` / ``inspect.isawaitable(f())`` proves async (or after an ``if`` that returns when it
is not), or under a false ``hasattr(x, "m")`` (also through a local boolean), is skipped; ``obj.m = wrapper``,
``setattr``, ``patch.object``, ``monkeypatch.setattr("pkg.mod.f", ...)`` and ``patch("pkg.mod.f", new=...)`` (call,
``with``, function or class decorator, setUp) rebind the callee for the rest of the function. A plain ``def`` whose
return statements say nothing is sync when its return annotation names an external non-awaitable type
(``-> AsyncSession``, ``-> str``; confidence medium); ``importlib.import_module`` over literal module names is
followed. ``facts["concept"]`` names the callee's concept (a factory, member class or member method).

A method inherited from a base and called on a subclass's instance (or through ``super()``) is judged by its
base's code, where ``self`` is the base: when it calls, directly or through the methods it calls on ``self``, a
method the subclass overrides with another async-ness, what it returns depends on that override (django's
``AsyncClient.get`` awaits ``super().get()``, whose ``self.generic()`` reaches ``AsyncClient.request``, an
``async def``), so it is not reported.

## Why is this bad?
At run time: ``TypeError: object WebSocketManager can't be used in 'await' expression``. Tests that patch the
factory with an ``AsyncMock`` hide it until production.

## Example
```python
def get_websocket_manager(user_id: str) -> WebSocketManager: ...

manager = await get_websocket_manager(user_id)
```

## Use instead
```python
manager = get_websocket_manager(user_id)
```
or the async variant, if one is meant to exist.

## Fix
Safe: ``ssot-audit fix`` drops the ``await`` and keeps the operand as written (its parentheses, comments and line
breaks): ``x = await (f())`` becomes ``x = (f())``.

## Options
None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator

from ssot_audit.analysis.asyncness import ASYNC, AWAITABLE, SYNC, CallKind, call_kind, describe_returns
from ssot_audit.analysis.callees import doubted_annotations, resolve_callee, ruled_out
from ssot_audit.analysis.facts import CallSite
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex
from ssot_audit.analysis.values import UNKNOWN, ClassValue, FunctionValue, InstanceValue, SuperValue, Value
from ssot_audit.model import Confidence, Finding, Related, Severity
from ssot_audit.rules.base import (
    Rule, RuleContext, concept_of_callee, in_units, make_finding, make_rule_info, symbol_of,
)

INFO = make_rule_info("SSOT401", "await-on-sync-callable", Severity.ERROR, __doc__, fix="safe")


def _async_namesakes(ctx: RuleContext) -> dict[str, list[FunctionValue]]:
    """Module-level ``async def`` functions by name, to point at the async variant of a sync callee. Built from
    ``RuleContext.find_async_functions`` and the modules' ``is_test``: it reads no call (a calls-only edit leaves it
    as it is), and no module's facts when the scan kept that table. Not recorded in the dependency record: a scan
    whose edits changed it checks the findings it keeps (``kept_calls.async_after``, ``names_namesake``)."""
    found: dict[str, list[FunctionValue]] = defaultdict(list)
    for func in ctx.find_async_functions():
        if is_namesake(ctx.index, func):
            found[func.qualname].append(func)
    return found


def is_namesake(index: ProjectIndex, func: FunctionValue) -> bool:
    """A module-level ``async def`` of production code, which ``_async_namesakes`` lists by name
    (``is_test_module``, not ``get_module``: whether a file is a test is no interface fact, its path says)."""
    return "." not in func.qualname and not index.is_test_module(func.module)


def names_namesake(finding: Finding, names: Collection[str]) -> bool:
    """Whether ``finding`` is this rule's about a callee named one of ``names``: its message and fix hint list the
    module-level async defs of that name (``_async_namesakes``), so it changes when one of them comes or goes."""
    return finding.code == INFO.code and str(finding.facts.get("callee", "")).rsplit(".", 1)[-1] in names


def _describe(ctx: RuleContext, value: Value, kind: CallKind) -> str:
    if isinstance(value, FunctionValue):
        public = ctx.concepts.names.public_name
        return f"a plain def ({value.fullname}) returning {describe_returns(ctx.resolver, value, lambda c: public(c).name)}"
    assert isinstance(value, ClassValue)
    return f"the class {value.fullname}, whose instances define no __await__"


def _doubt_note(doubts: list[FunctionValue]) -> str:
    listed = ", ".join(f"{d.fullname}()" for d in doubts)
    return f"; unsure: this relies on the return annotation of {listed}, which its return statements contradict"


_SELF = ("n", "self")
_MAX_FOLLOWED = 40  # methods followed through ``self`` calls, per judged await


def _receivers(ctx: RuleContext, info: ModuleInfo, call: CallSite) -> set[ClassValue]:
    """The classes of the object a method is called on (``obj.m()``, ``super().m()``: the caller's own class)."""
    func = call.func
    if func is None or func[0] != "a":
        return set()
    found: set[ClassValue] = set()
    for value in ctx.resolver.resolve_expr(info.name, call.scope, func[1]):
        if isinstance(value, InstanceValue | SuperValue):
            found.add(value.cls)
    return found


def _awaitable_kinds(ctx: RuleContext, values: frozenset[Value]) -> set[str]:
    """The awaitable kinds (async def, returns an awaitable) among the functions of ``values``."""
    kinds = {call_kind(ctx.resolver, v).kind for v in values if isinstance(v, FunctionValue)}
    return kinds & {ASYNC, AWAITABLE}


def _overridden_on_the_way(ctx: RuleContext, judged: str, method: FunctionValue, receiver: ClassValue) -> bool:
    """``method`` (of a base of ``receiver``) calls on ``self``, directly or through the methods those calls reach,
    a method that ``receiver``'s MRO resolves to an awaitable function where the base's own code sees none (an
    override that is just as sync, or not known to be async, changes nothing this rule judges). Reads the calls of
    the modules of the methods it follows: recorded as reads of ``judged`` (``RuleContext.record_read``)."""
    seen: set[FunctionValue] = set()
    todo = [method]
    while todo and len(seen) < _MAX_FOLLOWED:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        fact = ctx.index.find_function(current.module, current.qualname)
        if fact is None or not fact.class_qualname:
            continue
        owner = ClassValue(current.module, fact.class_qualname)
        ctx.record_read(judged, current.module)
        for call in ctx.index.get_module(current.module).facts.calls.in_scope(current.qualname):
            func = call.func
            if func is None or func[0] != "a" or func[1] != _SELF:
                continue
            assert isinstance(func[2], str)
            seen_by_base = ctx.resolver.class_member(owner, func[2], instance=True)
            on_receiver = ctx.resolver.class_member(receiver, func[2], instance=True)
            if on_receiver != seen_by_base and _awaitable_kinds(ctx, on_receiver) - _awaitable_kinds(ctx, seen_by_base):
                return True
            todo.extend(v for v in seen_by_base | on_receiver if isinstance(v, FunctionValue))
    return False


def _depends_on_an_override(ctx: RuleContext, info: ModuleInfo, call: CallSite, callee: Value) -> bool:
    """The awaited method is inherited by the receiver's class, whose overrides change what it returns."""
    if not isinstance(callee, FunctionValue):
        return False
    fact = ctx.index.find_function(callee.module, callee.qualname)
    if fact is None or not fact.class_qualname:
        return False
    owner = ClassValue(callee.module, fact.class_qualname)
    return any(_overridden_on_the_way(ctx, info.name, callee, receiver)
               for receiver in _receivers(ctx, info, call) if receiver != owner)  # fmt: skip


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Every awaited call whose callee resolves only to non-awaitable project callables.

    Units: one per module (its awaited calls, and the base methods' calls they follow). Setup: ``_async_namesakes``,
    built under the whole rule when a first finding needs it."""
    namesakes: dict[str, list[FunctionValue]] | None = None  # built for the first finding: most scans have none
    # an await is judged by its module's calls and those ``_overridden_on_the_way`` follows: in the module's unit
    for info in in_units(ctx, ctx.judged_modules(), key=lambda info: info.name):
        for call in info.facts.calls.with_context("await"):
            if call.func is None or ruled_out(info, call, awaited=True):
                continue
            values = resolve_callee(ctx.resolver, info, call)
            kinds = {v: call_kind(ctx.resolver, v) for v in values if v is not UNKNOWN}
            sync: list[ClassValue | FunctionValue] = sorted(
                (v for v, k in kinds.items() if k.kind == SYNC and isinstance(v, ClassValue | FunctionValue)), key=repr
            )
            if not sync or any(k.kind in (AWAITABLE, ASYNC) for k in kinds.values()):
                continue  # an async candidate too: duck typing (sync or async engine), not a provable misuse
            callee = sync[0]
            if any(_depends_on_an_override(ctx, info, call, v) for v in sync):
                continue  # what the base's code returns on this receiver depends on its overrides
            sure = all(k.sure for k in kinds.values()) and UNKNOWN not in values and len(kinds) == len(sync)
            name = callee.qualname.split(".")[-1]
            message = f"await on {name}(), which is {_describe(ctx, callee, kinds[callee])}: TypeError at run time"
            doubts = doubted_annotations(ctx.resolver, info, call.scope, ("c", call.func))
            if doubts:
                sure = False
                message += _doubt_note(doubts)
            hint = f"drop the await: {name}() is synchronous"
            related = [Related(ctx.function_location(callee) if isinstance(callee, FunctionValue)
                               else ctx.class_location(callee), f"{name} is defined here (not async)")]  # fmt: skip
            if namesakes is None:
                with ctx.unit(None):  # built once for the rule: the rule's setup, not this module's judgement
                    namesakes = _async_namesakes(ctx)
            variants = [f for f in namesakes.get(name, []) if f != callee]
            if variants:
                listed = ", ".join(v.fullname for v in variants)
                message += f"; note: {name} is also defined as async def in {listed}"
                hint += f", or import the async variant {variants[0].fullname} if that is the one meant"
                related += [Related(ctx.function_location(v), f"async def {name} of the same name") for v in variants]
            yield make_finding(
                INFO,
                module=info,
                line=call.await_line or call.line,
                column=(call.await_col if call.await_line else call.col) + 1,
                end_line=call.end_line,
                end_column=call.end_col + 1,
                symbol=symbol_of(info.name, call.scope),
                message=message,
                fix_hint=hint,
                key=f"await:{callee!r}",
                confidence=Confidence.HIGH if sure else Confidence.MEDIUM,
                related=related,
                facts={
                    "callee": callee.fullname,
                    "callee_kind": kinds[callee].description,
                    "async_variants": [v.fullname for v in variants],
                    **({"concept": concept} if (concept := concept_of_callee(ctx, callee)) else {}),
                },
            )


RULE = Rule(INFO, check)
