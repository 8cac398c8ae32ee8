"""SSOT201 divergent-import-path: one symbol imported through several paths."""

from __future__ import annotations

from pathlib import Path

from ssot_audit.model import Severity

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


def test_a_conditional_twin_is_named_as_written_and_its_module_is_its_home(tmp_path: Path) -> None:
    # ``lookup`` is defined twice in app.base (the second ``def`` is the one that runs), aliased in app.inst, and
    # imported once through each of three paths: a tie, which goes to the defining module (sqlalchemy's
    # ``manager_of_class``). Before, the twin's internal name ``lookup#2`` was not taken for the one that
    # ``from app.base import lookup`` imports, so the alias module won the tie and the message showed ``lookup#2``.
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": "import sys\n\nif sys.version_info < (3,):\n    def lookup(x):\n        return 1\n"
                       "else:\n    def lookup(x):\n        return 2\n",
        "app/inst.py": "from app import base\n\nlookup = base.lookup\n",
        "app/pub.py": "from app.base import lookup as lookup\n",
        "app/a.py": "from app.base import lookup\n",
        "app/b.py": "from app.inst import lookup\n",
        "app/c.py": "from app.pub import lookup\n",
    })  # fmt: skip
    findings = [f for f in scan_project(tmp_path).findings if f.code == CODE]
    assert {(f.location.path, f.location.line) for f in findings} == {("app/b.py", 1), ("app/c.py", 1)}
    assert {f.message for f in findings} == {
        "lookup imported from app.inst (a re-export); its canonical path is app.base.lookup "
        "(used by 1 of 3 imports across 3 paths)",
        "lookup imported from app.pub (a re-export); its canonical path is app.base.lookup "
        "(used by 1 of 3 imports across 3 paths)",
    }
    assert {r.message for f in findings for r in f.related} == {"lookup is defined here"}


def test_an_alias_imported_through_a_reexport_is_named_as_imported(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **BASE,
        "app/compat.py": "from app.core.factory import get_manager as make_manager\n",
        "app/a.py": "from app.core.factory import get_manager\n",
        "app/b.py": "from app.core.factory import get_manager\n",
        "app/c.py": "from app.compat import make_manager\n",
    })  # fmt: skip
    messages = {f.location.path: f.message for f in scan_project(tmp_path).findings if f.code == CODE}
    assert messages == {
        "app/c.py": "make_manager (get_manager) imported from app.compat (a re-export); its canonical path is "
                    "app.core.factory.get_manager (used by 3 of 4 imports across 2 paths)",  # app/core/__init__.py too
    }  # fmt: skip


def test_a_test_modules_reexport_is_never_the_canonical_path_of_production_code(tmp_path: Path) -> None:
    # django's tests/postgres_tests/fields.py re-exports the search fields (with a fallback when psycopg is
    # missing); three test modules import them there. That made the test module the canonical path, and
    # django/contrib/postgres/lookups.py, importing from the defining module, was told to import from the tests.
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/search.py": "class SearchField:\n    pass\n",
        "app/lookups.py": "from app.search import SearchField\n",
        "tests/__init__.py": "",
        "tests/fields.py": "try:\n    from app.search import SearchField\nexcept ImportError:\n    SearchField = object\n",
        "tests/test_a.py": "from tests.fields import SearchField\n",
        "tests/test_b.py": "from tests.fields import SearchField\n",
        "tests/test_c.py": "from tests.fields import SearchField\n",
    })  # fmt: skip
    findings = {f.location.path: f.message for f in scan_project(tmp_path).findings if f.code == CODE}
    assert set(findings) == {"tests/test_a.py", "tests/test_b.py", "tests/test_c.py"}
    assert findings["tests/test_a.py"] == ("SearchField imported from tests.fields (a re-export); its canonical path "
                                           "is app.search.SearchField (used by 1 of 4 imports across 2 paths)")  # fmt: skip


def test_a_factory_name_alone_is_a_note_and_a_concepts_factory_a_warning(tmp_path: Path) -> None:
    manager = "class Manager:\n    def send(self):\n        return None\n\n    def close(self):\n        return None\n"
    write_project(tmp_path, {
        **BASE,
        "app/a.py": "from app.core.factory import get_manager\n",
        "app/b.py": "from app.core.factory import get_manager\n",
        "app/c.py": "from app.core import get_manager\n",
        "app/m.py": manager,
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert {(f.location.path, f.severity) for f in result.findings if f.code == CODE} == {("app/c.py", Severity.NOTE)}
    table = {"concepts": {"m": {"canonical": "app.m.Manager", "factories": ["app.core.factory.get_manager"]}}}
    (tmp_path / "app/core/factory.py").write_text("from app.m import Manager\n\ndef get_manager():\n    return Manager()\n")
    result = scan_project(tmp_path, table)
    assert {(f.location.path, f.severity) for f in result.findings if f.code == CODE} == {("app/c.py", Severity.WARNING)}


def test_a_package_reexporting_from_the_package_that_holds_the_definition_is_a_layered_facade(tmp_path: Path) -> None:
    # sqlalchemy/__init__.py: `from .engine import make_url as make_url`, defined in sqlalchemy.engine.url: a facade
    # built on the one below it declares the public API; the line is not a split path to report.
    write_project(tmp_path, {
        "pkg/__init__.py": "from .engine import make_url as make_url\nfrom .engine import Url\n",
        "pkg/engine/__init__.py": "from .url import make_url as make_url\nfrom .url import Url as Url\n",
        "pkg/engine/url.py": "class Url:\n    pass\n\n\ndef make_url(text):\n    return Url()\n",
        "pkg/gis/__init__.py": "from pkg.engine import make_url\n\n__all__ = ['make_url']\n",
        "pkg/a.py": "from pkg.engine.url import make_url, Url\n",
        "pkg/b.py": "from pkg.engine.url import make_url, Url\n",
        "pkg/c.py": "from pkg.engine.url import make_url, Url\n",
        "pkg/d.py": "from pkg.engine import make_url\n",
    })  # fmt: skip
    # pkg/__init__.py line 2 imports Url for its own code (no `as`, no __all__): still a split path
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "pkg/__init__.py", 2), (CODE, "pkg/d.py", 1)}


def test_the_definitions_neighbours_import_it_from_its_module(tmp_path: Path) -> None:
    # airflow: the vendored _shared/configuration/parser.py imports AirflowConfigException from its neighbour
    # exceptions.py, and was told to import it from the application's airflow.exceptions, which re-exports it.
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/factory.py": "def get_manager():\n    return None\n",
        "app/facade.py": "from app.core.factory import get_manager\n",
        **{f"app/{m}.py": "from app.facade import get_manager\n" for m in "abc"},
        "app/core/helpers.py": "from app.core.factory import get_manager\n",
        "app/d.py": "from app.core.factory import get_manager\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/d.py", 1)}


def test_gettext_underscore_is_a_public_name(tmp_path: Path) -> None:
    # ckan: `def ugettext(...)` and `_ = ugettext` in ckan.common; 41 modules import `_`, one imports `ugettext`
    files = {
        "app/__init__.py": "",
        "app/common.py": "def ugettext(text):\n    return text\n\n\n_ = ugettext\n",
        "app/a.py": "from app.common import _\n",
        "app/b.py": "from app.common import _\n",
        "app/c.py": "from app.common import ugettext\n",
    }
    write_project(tmp_path, files)
    assert triples(scan_project(tmp_path), "SSOT201") == {("SSOT201", "app/c.py", 1)}
