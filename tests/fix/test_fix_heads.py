"""Fixes built from the head of each file (up to the statements the fixes point into and every top-level import)
are the fixes built from whole files: on sample_repo, on a generated monorepo, and on a project made so that fixes
need what lies past a head (a use of an alias deep in a function, a rename that reads every scope, a factory
import whose module-level imports sit at the end of the file, an import that merges into one at the end)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.monorepo_gen.generate import generate
from ssot_audit import api
from ssot_audit.config import Config, load_config, parse_table
from ssot_audit.fix import build, cst
from ssot_audit.fixing import with_fixes
from ssot_audit.model import Finding
from tests.helpers import write_project

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_repo"
FILLER = "".join(f"\ndef helper_{i}(value):\n    return value + {i}\n" for i in range(40))

PROJECT = {
    "app/__init__.py": "",
    "app/core.py": "class Manager:\n    def __init__(self, user):\n        self.user = user\n\n"
                   "def get_manager(user):\n    return Manager(user)\n\n"
                   "async def compute():\n    return 1\n",
    "app/compat.py": "from app.core import Manager\n\nLegacyManager = Manager\n",
    "app/shim.py": "from app.core import Manager\n\n\nclass ShimManager(Manager):\n    pass\n",
    "app/reexport.py": "from app.core import Manager\n__all__ = ['Manager']\n",
    "app/early.py": "from app.reexport import Manager\n" + FILLER + "\nfrom app.core import get_manager\n",
    "app/renamed.py": "from app.compat import LegacyManager as Legacy\n" + FILLER + "\ndef use():\n    return Legacy('x')\n",
    "app/deep.py": "import os\n" + FILLER + "\n\ndef late():\n    from app.compat import LegacyManager\n"
                   "    return LegacyManager(os.sep)\n",
    "app/awaits.py": "from app.core import get_manager\n" + FILLER + "\n\nasync def handler():\n"
                     "    return await get_manager('u')\n" + FILLER,
    "app/construct.py": '"""Doc."""\n\n\ndef make():\n    from app import core\n    return core.Manager("u")\n' + FILLER,
}
TABLE = {"concepts": {"manager": {"canonical": "app.core.Manager", "factories": ["app.core.get_manager"]}}}


def _fixed(root: Path, config: Config, monkeypatch: pytest.MonkeyPatch, *, heads: bool) -> tuple[Finding, ...]:
    monkeypatch.setattr(cst, "_HEAD_SHARE", 1.0 if heads else 0.0)  # 0: every file is parsed whole
    project = api.load_project(root, config, jobs=1)
    return with_fixes(project, api.audit(project)).findings


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    covered: list[int | None] = []
    real = cst.parse_file

    def counting(path: str, source: object, lines: object = None) -> cst.ParsedFile:
        parsed = real(path, source, lines)  # type: ignore[arg-type]
        covered.append(parsed.covered)
        return parsed

    monkeypatch.setattr(build, "parse_file", counting)
    return covered


@pytest.mark.parametrize("kind", ["crafted", "sample_repo", "monorepo"])
def test_fixes_from_heads_equal_fixes_from_whole_files(kind: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    if kind == "crafted":
        write_project(tmp_path, PROJECT)
        root, config = tmp_path, parse_table(TABLE)
    elif kind == "sample_repo":
        root, config = SAMPLE, load_config(SAMPLE)
    else:
        root, config = tmp_path / "mono", Config()
        generate(root, files=200, seed=3)
    whole = _fixed(root, config, monkeypatch, heads=False)
    covered = _count_parses(monkeypatch)
    heads = _fixed(root, config, monkeypatch, heads=True)
    assert heads == whole
    assert any(f.fix is not None for f in heads)
    assert any(c is not None for c in covered), "no file was parsed as a head: the test compares nothing"
    if kind == "crafted":  # fixes that needed more than a head parsed the file again, whole
        assert None in covered
