"""Bodies of ordinary functions and methods: statements drawn at random, always valid, never planting a problem.

Every body starts by binding ``data`` from its first parameter, so the statements below can read it whatever the
parameter is called. Awaits appear only in ``async def`` bodies and only on things that are awaitable
(``asyncio.sleep``, the class's own ``async def`` helpers): the filler must not plant what it does not label.
"""

from __future__ import annotations

import random
import zlib

from .vocab import ENTITIES, VERBS

PARAM_NAMES = ("payload", "request", "params", "values", "options", "spec", "item")
_STATEMENTS = (
    ['result = {{"id": data.get("id"), "kind": "{e}", "count": len(data)}}'],
    ['items = [value for value in data.values() if value is not None]'],
    ["if not data:", '    logger.debug("empty {e} payload")', "    return {ret}"],
    ['{e}_ids = sorted(str(key) for key in data)', 'total = len({e}_ids)'],
    ["try:", '    limit = int(data.get("limit", {n}))', "except (TypeError, ValueError):", "    limit = {n}"],
    ['for key, value in list(data.items()):', '    if isinstance(value, str) and not value.strip():',
     '        data.pop(key)'],
    ['status = "active" if data.get("enabled", True) else "disabled"'],
    ['logger.info("{v} {e}: %s fields", len(data))'],
    ['window = max(1, min({n}, len(data) or 1))', 'buckets = [{{}} for _ in range(window)]'],
    ["with contextlib.suppress(KeyError):", '    del data["{e}_cache"]'],
    ['retries = data.get("retries", {n} // 10)', "while retries > 0:", "    retries -= 1"],
    ['tags = {{tag.lower() for tag in data.get("tags", ())}}'],
    ["if \"{e}_id\" in data and data[\"{e}_id\"] is None:",
     '    raise ValueError("{e}_id must not be None")'],
    ['summary = ", ".join(f"{{k}}={{v}}" for k, v in sorted(data.items())[:{n}])'],
    ['elapsed = time.monotonic()', 'data.setdefault("started_at", elapsed)'],
    ['merged = {{**data, "{e}": data.get("{e}", [])}}'],
)  # fmt: skip
_NUMBERS = (3, 5, 10, 20, 50, 100)
_RETURNS = ('data', 'dict(data)', 'None', 'len(data)', 'bool(data)', '[data]', 'data.get("{e}")', '{{"ok": True}}')


def is_async_name(name: str) -> bool:
    """Whether a free function called ``name`` is ``async def``: fixed by the name, so a name reused in two
    modules never differs in async-ness (that would plant SSOT104, unlabelled)."""
    return zlib.crc32(name.encode()) % 3 == 0


def body(rng: random.Random, indent: str, *, param: str, is_async: bool, awaitables: list[str],
         size: int) -> list[str]:  # fmt: skip
    """``size`` statements, between binding ``data`` from the first parameter ``param`` and a return;
    ``awaitables`` are expressions safe to ``await`` inside. (Hot path: one ``random()`` per draw.)"""
    rnd = rng.random
    e, v = ENTITIES[int(rnd() * len(ENTITIES))], VERBS[int(rnd() * len(VERBS))]
    n = _NUMBERS[int(rnd() * len(_NUMBERS))]
    ret = _RETURNS[int(rnd() * len(_RETURNS))].format(e=e)
    out = [f"{indent}data = dict({param} or {{}})"]
    awaited = False
    for _ in range(size):
        for line in _STATEMENTS[int(rnd() * len(_STATEMENTS))]:
            out.append(indent + line.format(e=e, v=v, n=n, ret=ret))
        if is_async and awaitables and rnd() < 0.35:
            out.append(f"{indent}await {awaitables[int(rnd() * len(awaitables))]}")
            awaited = True
    if is_async and not awaited:
        out.append(f"{indent}await asyncio.sleep(0)")
    out.append(f"{indent}return {ret}")
    return out


def signature(rng: random.Random, name: str, *, is_async: bool, method: str | None, typed: bool) -> tuple[str, str]:
    """A ``def`` line with varied parameters; returns (line, name of the first parameter)."""
    param = rng.choice(PARAM_NAMES)
    first = f"{param}: dict[str, Any] | None = None" if typed else f"{param}=None"
    extra = rng.choice(("", ", *, timeout: float = 30.0", ", limit=100", ", **kwargs", ", *args, **kwargs",
                        ", user_id: str | None = None", ", strict: bool = False"))  # fmt: skip
    if not typed:
        extra = extra.replace(": float", "").replace(": str | None", "").replace(": bool", "")
    owner = f"{method}, " if method else ""
    ret = " -> Any" if typed and rng.random() < 0.6 else ""
    keyword = "async def" if is_async else "def"
    return f"{keyword} {name}({owner}{first}{extra}){ret}:", param


def function_block(rng: random.Random, name: str, indent: str, *, is_async: bool, method: str | None,
                   awaitables: list[str], typed: bool, decorator: str | None = None) -> list[str]:  # fmt: skip
    """A whole function or method: optional decorator, signature, optional docstring, body."""
    out = [f"{indent}{decorator}"] if decorator else []
    line, param = signature(rng, name, is_async=is_async, method=method, typed=typed)
    out.append(indent + line)
    inner = indent + "    "
    if rng.random() < 0.55:
        words = name.strip("_").replace("_", " ")
        if rng.random() < 0.7:
            out.append(f'{inner}"""{words.capitalize()}."""')
        else:
            out += [f'{inner}"""', f"{inner}{words.capitalize()} and return the result.", f'{inner}"""']
    size = rng.choice((1, 1, 2, 2, 3, 4, 6))
    out += body(rng, inner, param=param, is_async=is_async, awaitables=awaitables, size=size)
    return out
