"""Ordinary modules: the bulk of the tree, varied in shape, clean by construction (they plant nothing).

Each module imports a few symbols defined earlier (so the import graph is acyclic and every import resolves),
uses them the way their async-ness requires, and defines classes and functions that later modules may import.
Class and function names are unique across the tree, so nothing here forms a duplicate concept by accident.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .builder import Project, SourceBuilder
from .snippets import function_block, is_async_name
from .vocab import ENTITIES, MODEL_SUFFIXES, SERVICE_SUFFIXES, VERBS


@dataclass(eq=False)
class Api:
    """A symbol later modules may import: where it is defined, the path importers use, how it is called."""

    module: str
    import_from: str  # the path every importer uses (one path per symbol: the filler plants no divergence)
    name: str
    kind: str  # "class" | "func"
    is_async: bool = False
    methods: tuple[tuple[str, bool], ...] = ()  # (name, is async) of a class's public methods


class Registry:
    """Symbols importable so far, per service (``shared`` is importable from every service)."""

    def __init__(self) -> None:
        self.by_service: dict[str, list[Api]] = {}
        self.class_names: set[str] = set()
        self.function_names: dict[str, int] = {}

    def add(self, service: str, api: Api) -> None:
        """Make ``api`` importable by later modules of ``service`` (and of every service, for ``shared``)."""
        self.by_service.setdefault(service, []).append(api)

    def pick(self, rng: random.Random, service: str, count: int, exclude: str) -> list[Api]:
        """Up to ``count`` distinct symbols importable from ``service``, none defined in ``exclude``."""
        pool = self.by_service.get(service, []) + (self.by_service.get("shared", []) if service != "shared" else [])
        chosen: list[Api] = []
        for _ in range(count * 3):
            if not pool or len(chosen) == count:
                break
            api = pool[rng.randrange(len(pool))]
            if api.module != exclude and api.import_from != exclude and api not in chosen:
                chosen.append(api)
        return chosen

    def class_name(self, rng: random.Random, suffixes: tuple[str, ...]) -> str:
        """A class name used nowhere else in the tree."""
        for _ in range(50):
            words = [rng.choice(ENTITIES)] + ([rng.choice(ENTITIES)] if rng.random() < 0.4 else [])
            name = "".join(w.title().replace("_", "") for w in words) + rng.choice(suffixes)
            if name not in self.class_names:
                self.class_names.add(name)
                return name
        name = f"{name}{len(self.class_names)}"
        self.class_names.add(name)
        return name

    def function_name(self, rng: random.Random, taken: set[str]) -> str:
        """A verb_entity function name not in ``taken`` (the module's names); reuse across modules is allowed
        (async-ness is fixed by the name)."""
        while True:
            name = f"{rng.choice(VERBS)}_{rng.choice(ENTITIES)}"
            if rng.random() < 0.75:  # mostly three words: a few names recur across modules, as in real code
                name += f"_{rng.choice(ENTITIES)}"
            if rng.random() < 0.3:
                name += rng.choice(("s", "_batch", "_async" if is_async_name(name + "_async") else "_sync", "_v2"))
            if name not in taken:
                taken.add(name)
                return name


def relative_from(importer: str, target: str, is_package: bool) -> str | None:
    """``target`` as a relative import from module ``importer`` when both share a top package, else None."""
    here = importer.split(".") if is_package else importer.split(".")[:-1]
    there = target.split(".")
    if not here or here[0] != there[0]:
        return None
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    dots = "." * (len(here) - common + 1)
    return dots + ".".join(there[common:])


def import_lines(rng: random.Random, builder: SourceBuilder, api: Api, *, relative_ok: bool) -> tuple[list[str], str]:
    """How this module imports ``api`` (absolute, relative, ``as`` alias, module alias, try/except); returns the
    import lines and the expression that names the symbol in the module."""
    source = api.import_from
    style = rng.random()
    is_package = builder.path.endswith("__init__.py")
    rel = relative_from(builder.module, source, is_package) if relative_ok else None
    if rel is not None and style < 0.3:
        return [f"from {rel} import {api.name}"], api.name
    if style < 0.42:
        alias = "_" + api.name if api.kind == "func" else api.name + "Impl"
        return [f"from {source} import {api.name} as {alias}"], alias
    if style < 0.52 and source.count(".") >= 1:
        alias = source.split(".")[-1] + "_mod"
        return [f"import {source} as {alias}"], f"{alias}.{api.name}"
    if style < 0.58:
        return ["try:", f"    from {source} import {api.name}", "except ImportError:  # optional in slim images",
                f"    {api.name} = None  # type: ignore[assignment,misc]"], api.name  # fmt: skip
    return [f"from {source} import {api.name}"], api.name


def use_block(rng: random.Random, name: str, api: Api, expr: str, registry: Registry, taken: set[str]) -> list[str]:
    """A function that uses an imported symbol correctly (awaits exactly what is async)."""
    fname = registry.function_name(rng, taken) + "_via_" + api.name.lower()[:12]
    if api.kind == "func":
        is_async = api.is_async or rng.random() < 0.5
        call = f"await {expr}(data)" if api.is_async else f"{expr}(data)"
        return [f"{'async def' if is_async else 'def'} {fname}(data=None):", f"    result = {call}", "    return result"]
    awaited = [m for m, a in api.methods if a]
    plain = [m for m, a in api.methods if not a]
    lines = [f"async def {fname}(data=None):", f"    {name} = {expr}()"]
    for method in rng.sample(awaited, min(len(awaited), 2)):
        lines.append(f"    await {name}.{method}(data)")
    for method in rng.sample(plain, min(len(plain), 2)):
        lines.append(f"    {name}.{method}(data)")
    lines.append(f"    return {name}")
    return lines


def class_block(rng: random.Random, registry: Registry, *, model: bool) -> tuple[list[str], Api | None, str]:
    """A class: a data model (dataclass or pydantic) or a service with sync and async methods."""
    name = registry.class_name(rng, MODEL_SUFFIXES if model else SERVICE_SUFFIXES)
    typed = rng.random() < 0.7
    if model:
        fields = rng.sample(ENTITIES, rng.randint(2, 7))
        deco = rng.choice(("@dataclass", "@dataclass(frozen=True)", ""))
        base = "" if deco else "(BaseModel)"
        out = ([deco] if deco else []) + [f"class {name}{base}:", f'    """{name} as stored and sent."""', ""]
        for f in fields:
            out.append(f"    {f}_id: str" if rng.random() < 0.5 else f"    {f}: Any = None")
        if deco:  # fields without defaults first
            out = out[:3] + sorted(out[3:], key=lambda line: "=" in line)
        return out, None, name
    methods: list[tuple[str, bool]] = []
    out = [f"class {name}:", f'    """{rng.choice(VERBS).capitalize()}s {rng.choice(ENTITIES)} data."""', ""]
    out += ["    def __init__(self, settings=None, *, timeout: float = 30.0):", "        self.settings = settings",
            "        self.timeout = timeout", f"        self._{rng.choice(ENTITIES)}_cache = {{}}"]  # fmt: skip
    helper_async: list[str] = []
    for i in range(rng.randint(2, 9)):
        mname = f"{rng.choice(VERBS)}_{rng.choice(ENTITIES)}"
        if any(mname == m for m, _ in methods):
            continue
        private = rng.random() < 0.2
        is_async = rng.random() < 0.45
        full = "_" + mname if private else mname
        awaitables = [f"self.{h}(data)" for h in helper_async] + ["asyncio.sleep(0)"]
        out.append("")
        out += function_block(rng, full, "    ", is_async=is_async, method="self", awaitables=awaitables,
                              typed=typed)
        if is_async:
            helper_async.append(full)
        if not private:
            methods.append((mname, is_async))
    return out, Api("", "", name, "class", methods=tuple(methods)), name


def function_def(rng: random.Random, registry: Registry, taken: set[str], *,
                 decorator: str | None = None) -> tuple[list[str], Api]:  # fmt: skip
    """A free function; its async-ness follows its name (see ``is_async_name``)."""
    name = registry.function_name(rng, taken)
    is_async = is_async_name(name)
    out = function_block(rng, name, "", is_async=is_async, method=None, awaitables=["asyncio.sleep(0)"],
                         typed=rng.random() < 0.6, decorator=decorator)  # fmt: skip
    return out, Api("", "", name, "func", is_async=is_async)
