"""Is calling a project callable awaitable? The question behind await-on-sync and unawaited-coroutine."""

from __future__ import annotations

from collections.abc import Callable

from dataclasses import dataclass

from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.values import (
    ClassValue,
    CoroutineValue,
    ExternalValue,
    FunctionValue,
    InstanceValue,
    Value,
)
from ssot_audit.analysis.returns import CONTEXT_MANAGERS

AWAITABLE_ANNOTATIONS = frozenset({"Awaitable", "Coroutine", "Future", "Task", "Deferred", "AsyncMock"})
# Library callables whose result can be awaited.
AWAITABLE_PRODUCERS = frozenset({
    "create_task", "ensure_future", "gather", "wait_for", "shield", "sleep", "run_in_executor", "create_future",
    "wrap_future", "to_thread", "Future", "Task", "wait", "AsyncMock", "timeout", "run_coroutine_threadsafe",
})  # fmt: skip

# Return annotations that say nothing about awaitability: anything, a type variable's stand-ins, mocks, generators
# (``@types.coroutine`` ones are awaitable); names containing an awaitable word are neutral too (``ConcurrentFuture``).
_NEUTRAL_ANNOTATIONS = frozenset({
    "Any", "object", "Self", "Never", "NoReturn", "TypeVar", "Generator", "GeneratorType", "CoroutineType", "Mock",
    "MagicMock", "NonCallableMock", "T",
})  # fmt: skip
_AWAITABLE_WORDS = ("Awaitable", "Coroutine", "Future", "Task", "Deferred", "Promise", "RequestContextManager")

SYNC = "sync"  # calling it gives something that cannot be awaited
ASYNC = "async"  # an async def: calling it gives a coroutine
AWAITABLE = "awaitable"  # a plain def that returns an awaitable (task, future, coroutine)
UNKNOWN_KIND = "unknown"


@dataclass(frozen=True, slots=True)
class CallKind:
    """What calling a value gives, and how sure we are."""

    kind: str
    sure: bool = True  # False when some return value could not be resolved
    description: str = ""  # "def", "async def", "class"...


def _is_awaitable_value(resolver: Resolver, value: Value) -> bool:
    if isinstance(value, CoroutineValue):
        return True
    if isinstance(value, ExternalValue):
        name = value.name.removesuffix("()").split(".")[-1]
        return name in AWAITABLE_PRODUCERS
    if isinstance(value, InstanceValue):
        if resolver.find_method(value.cls, "__await__") is not None:
            return True
        return any(isinstance(base, ExternalValue) and base.name.split(".")[-1] in AWAITABLE_ANNOTATIONS
                   for base in resolver.mro(value.cls))  # fmt: skip
    return False


_PLAIN_BUILTINS = frozenset(f"builtins.{n}()" for n in (
    "str", "int", "float", "bool", "bytes", "dict", "list", "set", "tuple", "frozenset", "len", "repr", "sorted",
    "isinstance", "hasattr", "id", "hash", "format", "range", "enumerate", "zip", "min", "max", "sum", "abs", "round",
))  # fmt: skip


# ``builtins.object`` stands for a literal and for the builtin ``object`` alike: these of its attributes give any value
# (``object.__getattribute__(obj, name)``, mlflow's patched methods; ``object.__new__(cls)``), not a literal's.
_OBJECT_ANYTHING = tuple(f"builtins.object.{n}" for n in ("__getattribute__", "__getattr__", "__new__", "__get__"))


def _is_plain_value(resolver: Resolver, value: Value) -> bool:
    """Known not to be awaitable: a literal (or a method result of one), None, a plain builtin, a project instance."""
    if isinstance(value, ExternalValue):
        name = value.name
        return name in ("builtins.None", "builtins.object") or name in _PLAIN_BUILTINS \
            or (name.startswith("builtins.object.") and not name.startswith(_OBJECT_ANYTHING)) \
            or value in CONTEXT_MANAGERS.values()
    return isinstance(value, InstanceValue) and not _opaque_instance(resolver, value)


def _opaque_instance(resolver: Resolver, value: Value) -> bool:
    """An instance of a class with a base we cannot see into: it might be awaitable."""
    if not isinstance(value, InstanceValue):
        return False
    return resolver.has_unseen_base(value.cls)


def call_kind(resolver: Resolver, value: Value) -> CallKind:
    """Classify calling ``value``: SYNC, ASYNC, AWAITABLE or UNKNOWN_KIND."""
    if isinstance(value, FunctionValue):
        return _function_kind(resolver, value)
    if isinstance(value, ClassValue):
        if resolver.find_method(value, "__await__") is not None:
            return CallKind(AWAITABLE, description="class with __await__")
        if resolver.has_unseen_base(value):
            return CallKind(UNKNOWN_KIND)
        return CallKind(SYNC, description="class")
    return CallKind(UNKNOWN_KIND)


def _function_kind(resolver: Resolver, value: FunctionValue) -> CallKind:
    func = resolver.index.find_function(value.module, value.qualname)
    if func is None or func.is_stub or not resolver.has_transparent_decorators(value):
        return CallKind(UNKNOWN_KIND)  # a stub's real implementation (a subclass, a C extension) may be async
    if func.is_async:
        return CallKind(UNKNOWN_KIND) if func.is_generator else CallKind(ASYNC, description="async def")
    if any(name.split(".")[-1] in AWAITABLE_ANNOTATIONS for name in func.returns):
        return CallKind(AWAITABLE, description="def returning an awaitable")
    if func.is_generator:
        return CallKind(SYNC, description="generator function")
    returned = resolver.return_values(value)
    if any(_is_awaitable_value(resolver, v) for v in returned):
        return CallKind(AWAITABLE, description="def returning an awaitable")
    informative = [v for v in returned if _is_plain_value(resolver, v)]
    if not informative:  # nothing known about what it returns (a mixin's ``return self.get()``, getattr...)
        annotated = annotated_plain_types(resolver, value)
        if annotated:  # ``-> AsyncSession``: the annotation is the only evidence, so not a sure one
            return CallKind(SYNC, sure=False, description=f"def annotated -> {' | '.join(annotated)}")
        return CallKind(UNKNOWN_KIND)
    sure = len(informative) == len(returned)
    return CallKind(SYNC, sure=sure, description="def")


def annotated_plain_types(resolver: Resolver, value: FunctionValue) -> list[str]:
    """The external types a function's return annotation names when each is known not to be awaitable
    (``-> AsyncSession``, ``-> str``); empty when any is neutral (``Any``, a type variable, a future) or unknown."""
    func = resolver.index.find_function(value.module, value.qualname)
    if func is None or not func.returns:
        return []
    found: list[str] = []
    for dotted in func.returns:
        last = dotted.split(".")[-1]
        if last in _NEUTRAL_ANNOTATIONS or last in AWAITABLE_ANNOTATIONS or any(w in last for w in _AWAITABLE_WORDS):
            return []
        head, *rest = dotted.split(".")
        values = resolver.resolve_name(value.module, func.parent, head)
        for attr in rest:
            values = frozenset(v for base in values for v in resolver.attribute(base, attr))
        # an external class or builtin by name; a call result (``T = TypeVar("T")``) or anything else is neutral
        if not values or not all(isinstance(v, ExternalValue) and not v.name.endswith("()") for v in values):
            return []
        found.append(last)
    return found


def describe_returns(resolver: Resolver, value: FunctionValue, name_of: Callable[[ClassValue], str] | None = None) -> str:
    """A short description of what a sync function returns, for messages: "a WebSocketManager" (``name_of`` gives a
    class's public name, so a private implementation shows under the name users import)."""
    shown = name_of or (lambda cls: cls.qualname.split(".")[-1])
    names = sorted({shown(v.cls) for v in resolver.return_values(value) if isinstance(v, InstanceValue)})
    if names:
        return f"a {' or '.join(names)}"
    annotated = annotated_plain_types(resolver, value)
    return f"{' | '.join(annotated)} (its return annotation)" if annotated else "a non-awaitable value"
