"""SSOT201 divergent-import-path: one symbol imported through several paths."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT201"
BASE = {
    "app/__init__.py": "",
    "app/core/__init__.py": "from app.core.factory import get_manager\n",
    "app/core/factory.py": "def get_manager():\n    return None\n",
    "app/compat.py": "from app.core.factory import get_manager as get_manager\n",
}


def test_minority_paths_are_reported_not_the_reexport_lines(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **BASE,
        "app/a.py": "from app.core.factory import get_manager\n",
        "app/b.py": "from app.core.factory import get_manager\n",
        "app/c.py": "from app.core import get_manager\n",
        "app/d.py": "def f():\n    from app.compat import get_manager\n    return get_manager\n",
        "app/e.py": "from .core import factory\nfrom .core.factory import get_manager\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/c.py", 1), (CODE, "app/d.py", 2)}
    facts = {f.location.path: f.facts for f in result.findings if f.code == CODE}
    assert facts["app/c.py"]["paths"] == {"app.compat": 1, "app.core": 1, "app.core.factory": 3}


def test_one_path_in_use_is_not_reported(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/core/__init__.py": "from app.core.factory import get_manager\n",
        "app/core/factory.py": "def get_manager():\n    return None\n",
        "app/a.py": "from app.core import get_manager\n",
        "app/b.py": "def f():\n    from app.core import get_manager as gm\n    return gm\n",
        "app/c.py": "from app.core import get_manager\n",
        "app/other.py": "from app.a import get_manager\n",
    })  # fmt: skip
    # app.a is imported through, so it is a re-export hop like app.core; every other import uses app.core.
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/other.py", 1)}
    (tmp_path / "app/other.py").write_text("from app.core import get_manager\n")
    assert triples(scan_project(tmp_path), CODE) == set()


def test_configured_canonical_pins_the_path(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **BASE,
        "app/a.py": "from app.core import get_manager\n",
        "app/b.py": "from app.core import get_manager\n",
        "app/m.py": "class Manager:\n    pass\n",
        "app/c.py": "from app.m import Manager\n",
    })  # fmt: skip
    table = {"concepts": {"m": {"canonical": "app.m.Manager", "factories": ["app.core.factory.get_manager"]}}}
    assert triples(scan_project(tmp_path, table), CODE) == {(CODE, "app/a.py", 1), (CODE, "app/b.py", 1)}


def test_type_checking_only_paths_are_not_working_paths(tmp_path: Path) -> None:
    """An import under TYPE_CHECKING, or from a module that binds the name only under TYPE_CHECKING, is no path
    code can use at run time: it is neither counted nor reported, and the facts list it apart."""
    write_project(tmp_path, {
        **BASE,
        "app/types.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from app.core.factory import get_manager\n",
        "app/a.py": "from app.core.factory import get_manager\n",
        "app/b.py": "from app.core.factory import get_manager\n",
        "app/c.py": "from app.compat import get_manager\n",
        "app/d.py": "from app.types import get_manager\n",
        "app/e.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from app.core import get_manager\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/c.py", 1)}
    (finding,) = [f for f in result.findings if f.code == CODE]
    assert finding.facts["paths"] == {"app.compat": 1, "app.core.factory": 2}
    assert finding.facts["type_checking_paths"] == ["app.core", "app.types"]
