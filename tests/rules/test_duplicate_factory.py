"""SSOT104 duplicate-factory: one factory name defined in several modules, when the copies matter."""

from __future__ import annotations

from pathlib import Path

from ssot_audit.model import Severity

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT104"
MANAGER = "class Manager:\n    def send(self):\n        return None\n"


def test_copies_that_differ_in_asyncness_are_errors(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/factory.py": "def get_client(url):\n    return url\n",
        "app/aio.py": "async def get_client(url):\n    return url\n",
        "app/use.py": "from app.factory import get_client\n",
        "app/use2.py": "from app.factory import get_client\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/aio.py", 1)}
    assert [f.severity for f in result.findings if f.code == CODE] == [Severity.ERROR]


def test_copies_returning_a_concept_instance(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": MANAGER + "\ndef create_manager():\n    return Manager()\n",
        "app/compat.py": "from app.manager import Manager\n\ndef create_manager():\n    return Manager()\n",
    })  # fmt: skip
    table = {"concepts": {"m": {"canonical": "app.manager.Manager", "factories": ["app.manager.create_manager"]}}}
    assert triples(scan_project(tmp_path, table), CODE) == {(CODE, "app/compat.py", 3)}


def test_plain_duplicates_only_with_report_all(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "def make_config():\n    return {}\n",
        "app/b.py": "def make_config():\n    return {}\n",
        "app/c.py": "class X:\n    def make_config(self):\n        return {}\n\ndef _make_config():\n    return 1\n",
        "app/d.py": "def _make_config():\n    return 2\n\ndef helper():\n    return 1\n",
        "app/e.py": "def helper():\n    return 1\n",
        "tests/test_a.py": "async def make_config():\n    return {}\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == set()
    table = {"rules": {"SSOT104": {"report-all": True}}}
    assert triples(scan_project(tmp_path, table), CODE) == {(CODE, "app/b.py", 1)}


def _many_copies(root: Path, n: int) -> Path:
    """``n`` modules that each define ``get_manager()``, every other one ``async``; ``m00000`` is imported twice."""
    files = {f"m{i:05d}.py": f"{'async def' if i % 2 else 'def'} get_manager():\n    return 1\n" for i in range(n)}
    files["use1.py"] = files["use2.py"] = "from m00000 import get_manager\n"
    return write_project(root, files)


def test_related_copies_are_capped_and_counted(tmp_path: Path) -> None:
    result = scan_project(_many_copies(tmp_path, 14))
    assert triples(result, CODE) == {(CODE, f"m{i:05d}.py", 1) for i in range(1, 14)}
    first = next(f for f in result.findings if f.location.path == "m00001.py")
    assert [r.location.path for r in first.related] == ["m00000.py"] + [f"m{i:05d}.py" for i in range(2, 11)]
    assert first.facts["copies"] == 13
    assert first.facts["definitions"].endswith("m00009 (async def) and 4 more")


def test_output_stays_linear_with_5000_copies(tmp_path: Path) -> None:
    from ssot_audit.reporters import REPORTERS

    result = scan_project(_many_copies(tmp_path, 5000))
    findings = [f for f in result.findings if f.code == CODE]
    assert {f.location.path for f in findings} == {f"m{i:05d}.py" for i in range(1, 5000)}
    assert max(len(f.related) for f in findings) == 10
    assert {f.facts["copies"] for f in findings} == {4999}
    # Listing every copy in every finding made this ~5,000 x 5,000 locations (killed at 24 GB); now a few KB each.
    assert len(REPORTERS["json"](result)) < 5000 * 5_000


PLUGINS = {
    "app/__init__.py": "",
    "app/plugins/__init__.py": "",
    "app/plugins/hue/__init__.py": "def get_api(hass, host):\n    return host\n",
    "app/plugins/hue/light.py": "from app.plugins.hue import get_api\n",
    "app/plugins/deconz/__init__.py": "",
    "app/plugins/deconz/api.py": "async def get_api(entry):\n    return entry\n",
    "app/plugins/deconz/light.py": "from .api import get_api\n",
    "app/plugins/nest/helpers.py": "def get_api(hass, entry, session):\n    return session\n",
    "tests/test_deconz.py": "from app.plugins.deconz.api import get_api\n",
}


def test_helpers_of_sibling_plugins_that_nothing_mixes_are_not_reported(tmp_path: Path) -> None:
    # home-assistant's integrations each define their own get_api(): other parameters, used only inside the
    # integration (and its tests). Nothing chooses between them.
    write_project(tmp_path, PLUGINS)
    assert triples(scan_project(tmp_path), CODE) == set()


def test_a_plugin_helper_used_from_outside_its_package_is_a_choice_again(tmp_path: Path) -> None:
    write_project(tmp_path, {**PLUGINS, "app/core.py": "from app.plugins.deconz import api\n"})
    # app.core imports the module that defines deconz's copy: api.get_api() is one of three get_api()s to it.
    # The canonical copy is deconz's, the most imported (by its light.py and a test); the two others are reported.
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/plugins/hue/__init__.py", 1),
                                                     (CODE, "app/plugins/nest/helpers.py", 1)}  # fmt: skip
    write_project(tmp_path, {**PLUGINS, "app/core.py": "from app.plugins import hue\n"})
    # hue's package is the module that defines its copy
    assert len(triples(scan_project(tmp_path), CODE)) == 2


def test_plugin_helpers_with_the_same_parameters_are_reported(tmp_path: Path) -> None:
    # the same parameters: likely one factory pasted into each package (home-assistant's get_usb_ports())
    write_project(tmp_path, {**PLUGINS, "app/plugins/nest/helpers.py": "def get_api(hass, host):\n    return host\n"})
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/plugins/hue/__init__.py", 1),
                                                     (CODE, "app/plugins/nest/helpers.py", 1)}  # fmt: skip


def test_copies_in_one_package_are_not_plugin_helpers(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/ws/__init__.py": "",
        "app/ws/factory.py": "def get_manager(user):\n    return user\n",
        "app/ws/aio.py": "async def get_manager(user, loop):\n    return user\n",
        "app/main.py": "from app.ws.factory import get_manager\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/ws/aio.py", 1)}


def test_a_copy_whose_decorator_is_not_known_does_not_differ(tmp_path: Path) -> None:
    # prefect: an API route `@router.post("/") async def create_artifact(...)` calls the model layer's
    # `async def create_artifact(...)`; the route's decorator may change what calling it gives, so it was taken
    # for a plain def and both were reported as an error ("this one is async def, the canonical one is def").
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/api.py": "from app import models\nfrom app.routing import router\n\n"
                      "@router.post('/')\nasync def create_artifact(artifact, response):\n"
                      "    return await models.create_artifact(None, artifact)\n",
        "app/routing.py": "import fastapi\nrouter = fastapi.APIRouter()\n",
        "app/models.py": "async def create_artifact(session, artifact):\n    return artifact\n",
        "app/use.py": "from app.api import create_artifact\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == set()


def test_a_def_returning_an_awaitable_does_not_differ_from_an_async_def(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/factory.py": "import asyncio\n\nasync def _connect(url):\n    return url\n\n"
                          "def get_client(url):\n    return asyncio.ensure_future(_connect(url))\n",
        "app/aio.py": "async def get_client(url):\n    return url\n",
        "app/sync.py": "def get_client(url):\n    return url\n",
        "app/use.py": "from app.factory import get_client\n",
        "app/use2.py": "from app.factory import get_client\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/aio.py", 1), (CODE, "app/sync.py", 1)}
    by_path = {f.location.path: f for f in result.findings if f.code == CODE}
    assert by_path["app/aio.py"].severity == Severity.WARNING  # both give something to await
    assert by_path["app/sync.py"].severity == Severity.ERROR
    assert "this one is def, the canonical one is def returning an awaitable" in by_path["app/sync.py"].message


def test_a_copy_that_calls_another_is_a_layer_unless_their_async_ness_differs(tmp_path: Path) -> None:
    # airflow: observability/metrics/datadog_logger.py's get_dogstatsd_logger() passes the configuration to the
    # shared library's get_dogstatsd_logger(...): one implementation reached two ways.
    files = {
        "app/__init__.py": "",
        "app/manager.py": MANAGER,
        "app/lib.py": "from app.manager import Manager\n\ndef create_manager(host, port):\n    return Manager()\n",
        "app/configured.py": "from app import lib\n\ndef create_manager():\n    return lib.create_manager('h', 1)\n",
        "app/pasted.py": "from app.manager import Manager\n\ndef create_manager(host, port):\n    return Manager()\n",
        "app/use.py": "from app.lib import create_manager\n",
    }
    table = {"concepts": {"m": {"canonical": "app.manager.Manager", "factories": ["app.lib.create_manager"]}}}
    write_project(tmp_path, files)
    assert triples(scan_project(tmp_path, table), CODE) == {(CODE, "app/pasted.py", 3)}
    (tmp_path / "app/pasted.py").unlink()
    assert triples(scan_project(tmp_path, table), CODE) == set()
    (tmp_path / "app/configured.py").write_text(
        "from app import lib\n\nasync def create_manager():\n    return lib.create_manager('h', 1)\n")
    assert triples(scan_project(tmp_path, table), CODE) == {(CODE, "app/configured.py", 3)}  # awaited or not?
