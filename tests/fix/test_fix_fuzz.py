"""Fuzz-style: fix generated projects (random mixes of await misuses and import paths written every way Python
allows) and check that every rewritten file parses, nothing is rejected, and a second run changes nothing."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from ssot_audit.config import Config
from ssot_audit.fixing import FixOptions, fix_tree

FACTORY = '''
class Manager:
    def count(self):
        return 0

    async def send(self, message):
        return 1


def get_manager(user_id):
    return Manager()


async def fetch_manager(user_id):
    return Manager()
'''

AWAITS = [  # (template, imports needed); {f} is how the module calls the sync factory
    "    m = await {f}(user_id)\n    return await m.send({{}})\n",
    "    m = await ({f}(user_id))  # parenthesised\n    return m\n",
    "    m = await {f}(\n        user_id,  # who\n    )\n    return m\n",
    "    return (await {f}(user_id)).count() + 1\n",
    "    return [await {f}(u) for u in (user_id, user_id)]\n",
    "    m = {f}(user_id)\n    return await m.count()\n",
    "    m = {f}(user_id)\n    return await  m.send({{}})\n",
]
IMPORTS = [  # (import line, name it binds); app.ws re-exports the factory, so all but the first diverge
    ("from app.ws.factory import get_manager\n", "get_manager"),
    ("from app.ws import get_manager\n", "get_manager"),
    ("from app.ws import get_manager as gm\n", "gm"),
    ("from ..ws import get_manager\n", "get_manager"),
    ("from app.ws import (\n    Manager,  # the type\n    get_manager,\n)\n", "get_manager"),
    ("try:\n    from app.ws import get_manager\nexcept ImportError:  # pragma: no cover\n    get_manager = None\n",
     "get_manager"),
]


def _module(rng: random.Random) -> str:
    line, name = rng.choice(IMPORTS)
    parts = ['"""Generated."""\n', line]
    if rng.random() < 0.3:
        parts.append("from app.ws.factory import fetch_manager\n")
    for number in range(rng.randint(1, 4)):
        parts.append(f"\n\nasync def handler_{number}(user_id):\n")
        parts.append(rng.choice(AWAITS).format(f=name))
    if "fetch_manager" in parts[-1] or rng.random() < 0.2:
        parts.append("\n\nasync def later(user_id):\n    fetch_manager(user_id)\n" if "fetch_manager" in "".join(parts)
                     else "")  # fmt: skip
    return "".join(parts)


def generate(root: Path, seed: int) -> None:
    rng = random.Random(seed)
    files = {"app/__init__.py": "", "app/ws/__init__.py": "from app.ws.factory import Manager, get_manager\n",
             "app/ws/factory.py": FACTORY, "app/api/__init__.py": ""}  # fmt: skip
    files["app/api/anchor.py"] = "from app.ws.factory import get_manager\n"  # keeps the defining module canonical
    files["app/api/anchor2.py"] = "from app.ws.factory import get_manager\n"
    for number in range(rng.randint(3, 8)):
        files[f"app/api/mod_{number}.py"] = _module(rng)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        newline = "\r\n" if rng.random() < 0.2 else "\n"
        path.write_bytes(text.replace("\n", newline).encode("utf-8"))


@pytest.mark.parametrize("seed", range(8))
def test_generated_projects_fix_to_a_fixed_point(tmp_path: Path, seed: int) -> None:
    generate(tmp_path, seed)
    options = FixOptions(unsafe=True, jobs=1)
    outcome = fix_tree(tmp_path, Config(), options)
    assert outcome.after, "the generator always plants fixable findings"
    assert dict(outcome.rejected) == {}
    for path, data in outcome.after.items():
        ast.parse(data.decode("utf-8"), filename=path)
        if b"\r\n" in outcome.before[path]:  # newline style kept: no bare \n sneaks into a CRLF file
            assert b"\n" not in data.replace(b"\r\n", b"")
        else:
            assert b"\r" not in data
        (tmp_path / path).write_bytes(data)
    assert [f.code for f in outcome.result.findings if f.code in ("SSOT201", "SSOT401")] == []
    again = fix_tree(tmp_path, Config(), options)
    assert again.after == {}
