"""SSOT202 import-cycle: runtime import cycles, one finding each, on the first import to cut."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT202"


def test_two_module_cycle_reported_on_the_cut(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "import os\nfrom app.b import y\nx = 1\n",
        "app/b.py": "from app import a\ny = 2\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/a.py", 2)}
    (finding,) = [f for f in result.findings if f.code == CODE]
    assert finding.facts["modules"] == ["app.a", "app.b"]
    assert finding.facts["break_edges"] == [["app.a", "app.b"]]


def test_type_checking_and_function_local_imports_do_not_make_a_cycle(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "from app.b import y\nx = 1\n",
        "app/b.py": """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from app.a import x

            def f():
                from app.a import x
                return x

            y = 2
        """,
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == set()
    table = {"rules": {"SSOT202": {"include-function-local": True}}}
    assert triples(scan_project(tmp_path, table), CODE) == {(CODE, "app/a.py", 1)}


def test_two_separate_cycles_give_two_findings(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "from app import b\n",
        "app/b.py": "from app import a\n",
        "app/c.py": "from app import d\n",
        "app/d.py": "from app import e\n",
        "app/e.py": "from app import c\n",
        "app/f.py": "from app import a, c\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/a.py", 1), (CODE, "app/c.py", 1)}


def test_finding_points_at_the_runtime_import_not_an_earlier_type_checking_one(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.b import y\nfrom app.b import y\n",
        "app/b.py": "from app import a\ny = 2\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/a.py", 4)}


def test_a_namesake_roots_modules_are_named_as_the_source_imports_them(tmp_path: Path) -> None:
    # services/b's app is tagged app#2 inside the tool (two roots hold a package app); texts say app.x, as written
    write_project(tmp_path, {
        "services/a/app/__init__.py": "",
        "services/b/app/__init__.py": "",
        "services/b/app/x.py": "from app import y\n",
        "services/b/app/y.py": "from app import x\n",
    })  # fmt: skip
    (finding,) = [f for f in scan_project(tmp_path).findings if f.code == "SSOT202"]
    assert "#" not in finding.message + finding.fix_hint + "".join(r.message for r in finding.related)
    assert "app.x" in finding.message and "app#2.x" in str(finding.facts)  # the facts keep the identity
