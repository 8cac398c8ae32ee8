"""Whole files that use the WebSocket manager: tests (most of them), route/agent handlers, scripts, doc examples."""

from __future__ import annotations

import random

from .builder import SourceBuilder
from .modules import target_lines
from .snippets import function_block
from .usage import (
    Rates,
    UsageFile,
    await_factory_lines,
    choose_imports,
    construction_lines,
    import_block,
    importlib_lines,
    legacy_lines,
    method_lines,
    plain_factory_lines,
)
from .vocab import AGENT_NAMES, ENTITIES, VERBS


def _function_body(rng: random.Random, use: UsageFile, indent: str, symbol: str, ctx: str, rates: Rates) -> list[str]:
    n = rng.randrange(1000)
    out = [f'{indent}user_id = "user-{n}"', f'{indent}run_id = "run-{rng.randrange(1000)}"']
    roll = rng.random()
    awaited = roll < rates.await_factory + 0.01
    if roll < rates.await_factory:
        out += await_factory_lines(rng, use, indent, symbol, ctx)
    elif roll < rates.await_factory + 0.01:
        out += importlib_lines(use, indent, symbol, ctx)
    elif roll < rates.await_factory + 0.12:
        use.needs_async_factory = True
        out.append(f"{indent}manager = await create_websocket_manager({ctx})")
    else:
        out += plain_factory_lines(use, indent, ctx)
    out += method_lines(rng, use, indent, symbol, rates, awaited)
    out += construction_lines(rng, use, indent, symbol, rates)
    if rng.random() < 0.06:
        out += legacy_lines(use, indent)
    out.append(f"{indent}{rng.choice(('assert status is not None', 'return status', 'del manager'))}")
    return out


def test_file(rng: random.Random, builder: SourceBuilder, rates: Rates) -> None:
    """A test module exercising the manager: pytest functions or an SSOT base-test-case class."""
    use = choose_imports(rng, builder, rates)
    class_style = rng.random() < 0.5
    body: list[str] = []
    names = {f"test_{rng.choice(VERBS)}_{rng.choice(ENTITIES)}_{rng.choice(('events', 'isolation', 'flow', 'ok'))}"
             for _ in range(rng.randint(2, 7))}  # fmt: skip
    cls = f"Test{rng.choice(ENTITIES).title()}WebSocket{rng.choice(('Integration', 'Flow', 'Events', ''))}"
    if class_style:
        body += ["", "", f"class {cls}(SSotAsyncTestCase):", '    """Runs with a fresh user context per test."""']
    for name in sorted(names):
        body.append("")
        if class_style:
            symbol = f"{builder.module}.{cls}.{name}"
            body += [f"    async def {name}(self):"]
            body += _function_body(rng, use, "        ", symbol, "self.user_context", rates)
        else:
            symbol = f"{builder.module}.{name}"
            body += ["", "@pytest.mark.asyncio", f"async def {name}(user_context):"]
            body += _function_body(rng, use, "    ", symbol, "user_context", rates)
    goal = int(target_lines(rng) * 0.7)
    taken = set(names)
    while len(body) < goal:  # helpers and unrelated tests around the planted ones, as real test files have
        helper = f"_{rng.choice(VERBS)}_{rng.choice(ENTITIES)}_fixture_data"
        if helper in taken:
            continue
        taken.add(helper)
        body += ["", ""] + function_block(rng, helper, "", is_async=False, method=None, typed=False, awaitables=[])
    head = [f'"""{builder.path.rsplit("/", 1)[-1][5:-3].replace("_", " ").capitalize()} tests."""']
    head += import_block(use) + ["import contextlib", "import logging", "import time", "from typing import Any",
                                 "", "import pytest", ""]  # fmt: skip
    head += ["from test_framework.ssot.base_test_case import SSotAsyncTestCase"] if class_style else []
    head += ["from test_framework.mocks.websocket_mocks import MockWebSocket"]
    head += ["", "logger = logging.getLogger(__name__)"]
    if not class_style:
        head += ["", "", "@pytest.fixture", "def user_context():", '    return {"user_id": "user-1"}']
    builder.add("\n".join(head + body) + "\n", use.labels, dedent=False)


def handler_file(rng: random.Random, builder: SourceBuilder, rates: Rates) -> None:
    """A production module (route, agent notifier, service) that sends events through the manager."""
    use = choose_imports(rng, builder, rates)
    body: list[str] = []
    taken: set[str] = set()
    for _ in range(rng.randint(1, 5)):
        name = f"{rng.choice(('handle', 'notify', 'emit', 'stream', 'push'))}_{rng.choice(ENTITIES)}_" \
               f"{rng.choice(('event', 'update', 'progress', 'result'))}"  # fmt: skip
        if name in taken:
            continue
        taken.add(name)
        body += ["", "", f"async def {name}(user_context, payload=None):", f'    """{name.replace("_", " ")}."""']
        body += _function_body(rng, use, "    ", f"{builder.module}.{name}", "user_context", rates)
    agent = rng.choice(AGENT_NAMES)
    head = [f'"""WebSocket events of the {agent.replace("_", " ")} flow."""', "from __future__ import annotations", ""]
    head += import_block(use)
    builder.add("\n".join(head + body) + "\n", use.labels, dedent=False)


def script_file(rng: random.Random, builder: SourceBuilder, rates: Rates, uses_ws: bool) -> None:
    """A one-off script with the house skeleton: sys.path hack, argparse, ``async def main``, ``asyncio.run``."""
    use = choose_imports(rng, builder, rates)
    verb, entity = rng.choice(VERBS), rng.choice(ENTITIES)
    body = ["", "", "async def main(args):", f'    """{verb.capitalize()} {entity} records ({builder.path})."""']
    if uses_ws:
        body += _function_body(rng, use, "    ", f"{builder.module}.main", "None", rates)
    else:
        body += [f'    print("{verb} {entity}:", args.limit)', "    await asyncio.sleep(0)"]
    body += ["", "", 'if __name__ == "__main__":', "    parser = argparse.ArgumentParser(description=__doc__)",
             '    parser.add_argument("--limit", type=int, default=100)', "    asyncio.run(main(parser.parse_args()))"]
    head = ["#!/usr/bin/env python3", f'"""One-off: {verb} {entity} data."""', "import argparse", "import sys",
            "from pathlib import Path", "", "sys.path.insert(0, str(Path(__file__).resolve().parent.parent))", ""]
    head += import_block(use) if uses_ws else ["import asyncio"]
    builder.add("\n".join(head + body) + "\n", use.labels if uses_ws else {}, dedent=False)
