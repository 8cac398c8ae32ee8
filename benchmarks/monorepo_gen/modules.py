"""Compose whole ordinary files (source modules and test modules) from the filler's blocks, header last.

The body is generated first; the header then imports exactly what the body uses (``asyncio``, ``time``,
``Any``, ``dataclass``...), in one of several house styles, so every file is valid and looks hand-written.
"""

from __future__ import annotations

import random

from .builder import SourceBuilder
from .filler import Api, Registry, class_block, function_def, import_lines, use_block
from .snippets import function_block
from .vocab import ENTITIES

_STDLIB = (("asyncio.", "import asyncio"), ("time.", "import time"), ("contextlib.", "import contextlib"))
_DOCSTRINGS = ('"""{title}."""', "'''{title}.'''", '"""\n{title}.\n\nPart of the {service} service.\n"""',
               '"""{title}\n\nSee docs/architecture for the data flow.\n"""', "")  # fmt: skip


def target_lines(rng: random.Random) -> int:
    """Lines of one ordinary file: mostly short, a long tail of very large modules (mean about 385)."""
    return int(min(4000, max(25, rng.lognormvariate(5.75, 0.85))))


def _title(builder: SourceBuilder) -> str:
    stem = builder.path.rsplit("/", 1)[-1].removesuffix(".py").replace("_", " ")
    return stem.capitalize()


def header(rng: random.Random, builder: SourceBuilder, body: list[str], imports: list[list[str]],
           service: str) -> list[str]:  # fmt: skip
    """Docstring, stdlib and third-party imports the body needs, then the project imports."""
    text = "\n".join(body)
    doc = rng.choice(_DOCSTRINGS).format(title=_title(builder), service=service)
    out = [*doc.split("\n")] if doc else []
    if rng.random() < 0.55:
        out.append("from __future__ import annotations")
        out.append("")
    std = [line for needle, line in _STDLIB if needle in text]
    if "logger." in text:
        std.append("import logging")
    out += sorted(std)
    typing_names = [n for n in ("Any", "Optional") if n in text]
    if "@dataclass" in text:
        out.append("from dataclasses import dataclass")
    if typing_names:
        out.append(f"from typing import {', '.join(typing_names)}")
    if "BaseModel)" in text:
        out += ["", "from pydantic import BaseModel"]
    if "router." in text:
        out += ["", "from fastapi import APIRouter, HTTPException"]
    if imports:
        out.append("")
        for lines in imports:
            out += lines
    if "logger." in text:
        out += ["", "logger = logging.getLogger(__name__)" if rng.random() < 0.8 else
                "logger = logging.getLogger('" + builder.module + "')"]  # fmt: skip
    return out


def _annotation_only(rng: random.Random, registry: Registry, builder: SourceBuilder, service: str,
                     imports: list[list[str]], taken: set[str]) -> list[str]:  # fmt: skip
    """Sometimes a class imported under ``if TYPE_CHECKING:`` and used only in an annotation (no runtime edge)."""
    classes = [a for a in registry.pick(rng, service, 2, builder.module) if a.kind == "class" and a.name not in taken]
    if not classes or rng.random() > 0.12:
        return []
    cls = classes[0]
    taken.add(cls.name)
    imports.append(["from typing import TYPE_CHECKING", "", "if TYPE_CHECKING:",
                    f"    from {cls.import_from} import {cls.name}"])  # fmt: skip
    name = registry.function_name(rng, taken)
    return ["", "", f'def {name}_label(subject: "{cls.name}") -> str:', "    return type(subject).__name__"]


def source_module(rng: random.Random, registry: Registry, builder: SourceBuilder, service: str,
                  *, kind: str, relative_ok: bool) -> list[Api]:  # fmt: skip
    """Fill ``builder`` with an ordinary module; returns the public symbols it defines (for later importers)."""
    goal = target_lines(rng)
    body: list[str] = []
    defined: list[Api] = []
    imports: list[list[str]] = []
    taken: set[str] = set()
    for used in registry.pick(rng, service, rng.choice((0, 1, 1, 2, 2, 3, 4)), builder.module):
        lines, expr = import_lines(rng, builder, used, relative_ok=relative_ok)
        taken.update((used.name, expr.split(".")[0]))
        imports.append(lines)
        body += ["", ""] + use_block(rng, f"{used.name.lower()[:20]}_obj", used, expr, registry, taken)
    body += _annotation_only(rng, registry, builder, service, imports, taken)
    if service != "shared" and rng.random() < 0.06:  # the star import of the constants module (it has __all__)
        imports.append(["from shared.types.constants import *  # noqa: F403"])
        body += ["", f"{rng.choice(ENTITIES).upper()}_TIMEOUT = DEFAULT_TIMEOUT_SECONDS * {rng.randint(2, 5)}"]
    if kind == "routes":
        body = ["", f'router = APIRouter(prefix="/{rng.choice(ENTITIES)}s")'] + body
    while len(body) < goal:
        roll = rng.random()
        api: Api | None = None
        if kind == "routes" and roll < 0.6:
            verb = rng.choice(("get", "post", "put", "delete"))
            lines, api = function_def(rng, registry, taken, decorator=f'@router.{verb}("/{rng.choice(ENTITIES)}")')
        elif roll < (0.55 if kind == "models" else 0.3):
            lines, api, _ = class_block(rng, registry, model=kind == "models" or roll < 0.06)
        else:
            lines, api = function_def(rng, registry, taken)
        body += ["", ""] + lines
        if api is not None:
            api.module = api.import_from = builder.module
            defined.append(api)
    for line in header(rng, builder, body, imports, service):
        builder.lines.append(line)
    builder.lines.extend(body)
    return defined


def test_module(rng: random.Random, registry: Registry, builder: SourceBuilder, service: str) -> None:
    """A pytest module for a few ordinary symbols (built, awaited where async, loosely asserted), padded with
    self-contained test helpers to a realistic length."""
    apis = registry.pick(rng, service, rng.randint(1, 5), builder.module)
    imports: list[list[str]] = []
    body: list[str] = []
    for n, api in enumerate(apis):
        imports.append([f"from {api.import_from} import {api.name}"])
        if api.kind == "func":
            mark = ["@pytest.mark.asyncio"] if api.is_async else []
            body += ["", "", *mark, f"{'async ' if api.is_async else ''}def test_{api.name}_{n}():",
                     f"    result = {'await ' if api.is_async else ''}{api.name}({{}})",
                     "    assert result is None or result is not None"]  # fmt: skip
            continue
        for method, is_async in api.methods[: rng.randint(1, 5)]:
            body += ["", "", *(["@pytest.mark.asyncio"] if is_async else []),
                     f"{'async ' if is_async else ''}def test_{method}_{n}():", f"    subject = {api.name}()",
                     f"    result = {'await ' if is_async else ''}subject.{method}({{'id': {n}}})",
                     "    assert result is not None or subject.settings is None"]  # fmt: skip
    goal = int(target_lines(rng) * 0.8)
    taken = {api.name for api in apis}
    while len(body) < goal:
        name = "test_" + registry.function_name(rng, taken)
        is_async = rng.random() < 0.4
        body += ["", ""] + function_block(rng, name, "", is_async=is_async, method=None, typed=False,
                                          awaitables=["asyncio.sleep(0)"],
                                          decorator="@pytest.mark.asyncio" if is_async else None)  # fmt: skip
    head = header(rng, builder, body, [["import pytest"], *imports], service)
    builder.lines.extend(head + body)
