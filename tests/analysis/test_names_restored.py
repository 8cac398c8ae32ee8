"""``Names.of_aliases`` (a restored ``Names``, which works a target's names and import paths out when first asked,
from its own sites) answers every query as ``Names`` built by reading every module: every class and function of
sample_repo, the generated project and a project with ``as`` imports at module level, in a function, under
``TYPE_CHECKING`` and in the defining module, and aliases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ssot_audit.analysis.names import Names
from ssot_audit.analysis.values import ClassValue, FunctionValue

from tests.analysis.test_concept_snapshot import SAMPLE, _copy, _load
from tests.helpers import incremental_project, write_project

AS_IMPORTS = {
    "app/__init__.py": "from app.core import Store as PublicStore, make as make_store\n",
    "app/core.py": "class _Store:\n    def get(self):\n        return 1\n\n\nStore = _Store\n\n\ndef make():\n    return Store()\n",
    "app/use.py": "from typing import TYPE_CHECKING\nfrom app import PublicStore\nfrom app.core import Store as S\n"
                  "if TYPE_CHECKING:\n    from app.core import _Store as Typed\n\n\n"
                  "def f():\n    from app.core import make as local_make\n    return local_make()\n",
    "app/more.py": "from app.core import Store as S, _Store\nfrom app import PublicStore as Shown\n",
    # three imports only a type checker runs: they must not make ``app.make_store`` the name users import
    **{f"app/typed{i}.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app import make_store\n"
       for i in range(3)},
}  # fmt: skip


def _answers(names: Names, targets: list[Any]) -> dict[str, Any]:
    return {"names": [(names.find_names(t), names.public_name(t), names.describe(t), names.name_strings(t))
                      for t in targets], "aliases": names.aliases_by_module()}  # fmt: skip


@pytest.mark.parametrize("files", ["sample", "incremental", "as_imports"])
def test_a_restored_names_answers_as_a_built_one(tmp_path: Path, files: str) -> None:
    root = _copy(SAMPLE, tmp_path / "s") if files == "sample" else write_project(
        tmp_path, incremental_project() if files == "incremental" else AS_IMPORTS)  # fmt: skip
    project = _load(root)
    built = project.concepts.names
    targets = [ClassValue(i.name, q) for i in project.index.iter_modules() for q in i.facts.classes]
    targets += [FunctionValue(i.name, q) for i in project.index.iter_modules() for q in i.facts.functions]
    restored = Names.of_aliases(project.index, project.resolver, project.sites, built.alias_names())
    assert restored._names == {} == restored._paths  # nothing worked out until asked
    expected = _answers(built, targets)
    assert _answers(restored, list(reversed(targets))) == {"names": expected["names"][::-1],
                                                           "aliases": expected["aliases"]}  # fmt: skip
    assert any(n.how == "import" for found in expected["names"] for n in found[0]) and expected["aliases"]
