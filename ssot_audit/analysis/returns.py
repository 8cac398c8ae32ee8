"""What a call of a project function returns, where its return annotation and its return statements disagree.

An annotation naming project classes is trusted, unless the return statements surely give something else:
``def get_session() -> Session: return session_scope()`` where ``session_scope`` is an ``@asynccontextmanager``
returns a context manager, whatever the annotation says. When the statements are only partly known, the
annotation stays and the function is *doubted*: a finding that relies on it says it is unsure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ssot_audit.analysis.values import (
    UNKNOWN, ClassValue, CoroutineValue, ExternalValue, FunctionValue, InstanceValue, ModuleValue, Value,
)  # fmt: skip

Values = frozenset[Value]

# What calling a ``@contextmanager`` / ``@asynccontextmanager`` function gives: a context manager, never awaitable.
CONTEXT_MANAGERS = {
    "contextmanager": ExternalValue("contextlib._GeneratorContextManager()"),
    "asynccontextmanager": ExternalValue("contextlib._AsyncGeneratorContextManager()"),
}


def context_manager_of(decorators: Iterable[str], transparent: frozenset[str]) -> Value | None:
    """What calling a function gives when its decorators (by name) are one ``@contextmanager`` and otherwise
    ``transparent`` ones; None for any other decoration."""
    names = list(decorators)
    managers = [CONTEXT_MANAGERS[n] for n in names if n in CONTEXT_MANAGERS]
    others = [n for n in names if n not in CONTEXT_MANAGERS and n not in transparent]
    return managers[0] if len(managers) == 1 and not others else None


def reconcile(annotated: Values, inferred: Values, mro: Callable[[ClassValue], tuple[Value, ...]]) -> tuple[Values, bool]:
    """The return values to believe, and whether the annotation kept is doubted.

    The inferred values win when all are known and none agrees with the annotation (none is an instance of an
    annotated class or of a subclass). None, literals and external call results (``cast(...)``) say nothing
    against an annotation; other classes, functions, modules, coroutines and context managers contradict it.
    """
    classes = {v.cls for v in annotated if isinstance(v, InstanceValue)}
    contradicting = False
    for returned in inferred:
        if isinstance(returned, InstanceValue):
            if any(base in classes for base in mro(returned.cls)):
                return annotated, False
            contradicting = True
        elif isinstance(returned, ClassValue | FunctionValue | ModuleValue | CoroutineValue) \
                or returned in CONTEXT_MANAGERS.values():  # fmt: skip
            contradicting = True
    if not contradicting:
        return annotated, False
    if UNKNOWN in inferred:
        return annotated, True
    return inferred, False
