"""Uses of the other duplicated concepts: their package re-exports, imports through either path, awaits on
their sync factories, and module-level singletons."""

from __future__ import annotations

import random

from .builder import Project, SourceBuilder
from .concepts import DUPLICATES, Duplicate
from .websocket import _p


def plant_reexports(project: Project) -> None:
    """Each canonical copy is also re-exported by its package ``__init__`` (the second import path)."""
    for concept in DUPLICATES:
        path, cls = concept.copies[0]
        package = path.rsplit("/", 1)[0]
        init = project.file(f"{package}/__init__.py")
        init.add(f'"""{package.rsplit("/", 1)[-1]} package."""\n' if not init.lines else "")
        init.add(f"from {concept.canonical_module} import {cls}, {concept.factory}  # noqa: F401\n")


def _package(concept: Duplicate) -> str:
    return concept.canonical_module.rsplit(".", 1)[0]


def usage_test(rng: random.Random, builder: SourceBuilder, concept: Duplicate, await_rate: float) -> None:
    """A test module of one concept: imports through the module or the package, a few tests, some of them
    awaiting the sync factory."""
    cls = concept.copies[0][1]
    labels: dict[str, dict[str, object]] = {}
    via_package = rng.random() < 0.35
    source = _package(concept) if via_package else concept.canonical_module
    mark = ""
    if via_package:
        labels["div"] = _p("divergent-import", "SSOT201", f"{concept.factory} imported from the package re-export "
                           f"{source}; canonical: {concept.canonical_module}", used_path=source,
                           canonical_path=concept.canonical_module,
                           imported=f"{concept.canonical_module}.{concept.factory}", fallback=False,
                           name=concept.factory)  # fmt: skip
        mark = "  ⟦div⟧"
    lines = [f'"""Tests of the {concept.name.replace("-", " ")}."""', "import pytest", "",
             f"from {source} import {concept.factory}{mark}", ""]  # fmt: skip
    async_methods = [m for m, a in concept.methods if a]
    sync_methods = [m for m, a in concept.methods if not a]
    for n in range(rng.randint(2, 6)):
        name = f"test_{concept.factory.removeprefix('get_')}_{n}"
        lines += ["", "@pytest.mark.asyncio", f"async def {name}():"]
        if rng.random() < await_rate:
            key = f"a{n}"
            labels[key] = _p("await-on-sync", "SSOT401", f"await on the sync factory {concept.factory}()",
                             symbol=f"{builder.module}.{name}", callee=f"{concept.canonical_module}.{concept.factory}",
                             via="package" if via_package else "canonical")  # fmt: skip
            lines.append(f"    obj = await {concept.factory}()  ⟦{key}⟧")
        else:
            lines.append(f"    obj = {concept.factory}()")
        if async_methods:
            lines.append(f'    result = await obj.{rng.choice(async_methods)}("key-{n}")')
        if sync_methods:
            lines.append(f'    assert obj.{rng.choice(sync_methods)}("key-{n}") is not None or True')
        lines.append(f"    assert isinstance(obj, {cls}) or obj is not None")
    builder.add("\n".join(lines) + "\n", labels, dedent=False)


def singleton_module(builder: SourceBuilder, concept: Duplicate, *, decoy: bool) -> None:
    """A module that keeps one instance at module level (and one cached factory): a bug for a per-user concept,
    by design for a process-wide one (``decoy``)."""
    cls = concept.copies[0][1]
    kind, rule = ("decoy", None) if decoy else ("shared-instance", "SSOT302")
    extra = {"decoy_of": "shared-instance"} if decoy else {}
    why = "process-wide by design, not per user" if decoy else "shared by every user's requests"
    labels = {
        "g": _p(kind, rule, f"module-level {cls}: {why}",
                symbol=f"{builder.module}.default_{concept.factory.removeprefix('get_')}", **extra),
        "c": _p(kind, rule, f"@lru_cache on a parameterless factory, one {cls}: {why}",
                symbol=f"{builder.module}.shared_{concept.factory.removeprefix('get_')}", **extra),
    }
    builder.add(f'''"""Process-wide {concept.name.replace("-", " ")} (convenient, and shared across users)."""
from functools import lru_cache

from {concept.canonical_module} import {cls}

default_{concept.factory.removeprefix("get_")} = {cls}()  ⟦g⟧


@lru_cache(maxsize=None)
def shared_{concept.factory.removeprefix("get_")}() -> {cls}:  ⟦c⟧
    return {cls}()
''', labels, dedent=False)
