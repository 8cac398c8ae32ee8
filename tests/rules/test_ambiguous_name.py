"""SSOT204 ambiguous-name: one public name, related but different targets depending on the importing path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.config import load_config
from tests.helpers import scan_project, triples, write_project

CODE = "SSOT204"
IMPLEMENTATION = """
    class _Implementation:
        def __init__(self, user_id):
            self.user_id = user_id

        def send(self, event):
            return event


    WebSocketManager = _Implementation
"""
GUARD = """
    from app.ws.impl import _Implementation


    class _Guard:
        def __init__(self, *args, **kwargs):
            print("refusing")
            raise RuntimeError("use get_manager()")


    WebSocketManager = _Guard


    def get_manager(user_id):
        return _Implementation(user_id)
"""
SHIM = """
    from app.ws.impl import _Implementation


    class WebSocketManager(_Implementation):
        \"\"\"Deprecated name.\"\"\"
"""
THREE_MEANINGS = {
    "app/__init__.py": "",
    "app/ws/__init__.py": "from app.ws.impl import WebSocketManager\n",
    "app/ws/impl.py": IMPLEMENTATION,
    "app/ws/manager.py": GUARD,
    "app/compat.py": SHIM,
    "app/routes/__init__.py": "",
    "app/routes/a.py": "from app.ws.manager import WebSocketManager\n",
    "app/routes/b.py": "from app.ws.impl import WebSocketManager\n",
    "app/routes/c.py": "from app.ws import WebSocketManager\n",
    "app/jobs.py": "from app.compat import WebSocketManager\n",
}


def test_guard_implementation_and_shim_under_one_name(tmp_path: Path) -> None:
    write_project(tmp_path, THREE_MEANINGS)
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/ws/impl.py", 9)}
    (finding,) = [f for f in result.findings if f.code == CODE]
    assert finding.facts["paths"] == [
        {"path": "app.ws.impl", "targets": ["app.ws.impl._Implementation"], "roles": ["class"], "importers": 1},
        {"path": "app.ws", "targets": ["app.ws.impl._Implementation"], "roles": ["class"], "importers": 1},
        {"path": "app.compat", "targets": ["app.compat.WebSocketManager"],
         "roles": ["shim of app.ws.impl._Implementation"], "importers": 1},
        {"path": "app.ws.manager", "targets": ["app.ws.manager._Guard"],
         "roles": ["guard: constructing it always raises"], "importers": 1},
    ]  # fmt: skip
    assert finding.message == ("WebSocketManager means 3 things depending on where it is imported from: "
                               "_Implementation (2 importers); WebSocketManager, a shim subclass (1); "
                               "_Guard, a guard whose constructor raises (1)")  # fmt: skip
    assert {(r.location.path, r.location.line) for r in finding.related} == {
        ("app/routes/a.py", 1),  # who imports the guard and the shim: the lines to change
        ("app/jobs.py", 1),
        ("app/ws/__init__.py", 1),
        ("app/ws/manager.py", 10),
        ("app/compat.py", 4),
        ("app/ws/impl.py", 1),
        ("app/ws/manager.py", 4),
    }


def test_a_factory_function_named_after_its_class_is_an_api_design(tmp_path: Path) -> None:
    # fastapi's ``Body()`` returns a ``params.Body``: callers use one for defaults, the other for isinstance
    write_project(tmp_path, {
        "api/__init__.py": "from api.functions import Body\n",
        "api/params.py": "class Body:\n    def __init__(self, default=None):\n        self.default = default\n",
        "api/functions.py": "from api import params\n\n\ndef Body(default=None):\n    return params.Body(default)\n",
        "app/__init__.py": "",
        "app/a.py": "from api import Body\n",
        "app/b.py": "from api.params import Body\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == set()


def test_per_dialect_shims_of_one_base_are_a_family(tmp_path: Path) -> None:
    # sqlalchemy: mysql.JSON and sqlite.JSON are empty subclasses of sqltypes.JSON, one per dialect
    files = {"sa/__init__.py": "from sa.types import JSON\n", "sa/types.py": "class JSON:\n    def bind(self):\n        return 1\n",
             "sa/dialects/__init__.py": "", "app/__init__.py": "", "app/a.py": "from sa import JSON\n"}  # fmt: skip
    for dialect in ("mysql", "sqlite"):
        files[f"sa/dialects/{dialect}.py"] = "from sa import types\n\n\nclass JSON(types.JSON):\n    pass\n"
        files[f"app/{dialect}_use.py"] = f"from sa.dialects.{dialect} import JSON\n"
    write_project(tmp_path, files)
    assert triples(scan_project(tmp_path), CODE) == set()
    del files["sa/dialects/sqlite.py"], files["app/sqlite_use.py"]  # one shim alone is a second meaning again
    write_project(tmp_path / "one", files)
    assert triples(scan_project(tmp_path / "one"), CODE) == {(CODE, "sa/types.py", 1)}


def test_members_of_a_configured_concept(tmp_path: Path) -> None:
    store = """
        class SessionStore:
            def load_session(self, key):
                return self.backend.get(key)

            def save_session(self, key, data):
                self.backend.set(key, data)

            def expire_session(self, key):
                self.backend.delete(key)

            def rotate_session_key(self, key):
                return self.backend.rename(key)
    """
    files = {
        "app/__init__.py": "",
        "app/a/__init__.py": "",
        "app/a/store.py": store,
        "app/b/__init__.py": "",
        "app/b/store.py": store,
        "app/views/__init__.py": "",
        "app/views/one.py": "from app.a.store import SessionStore\n",
        "app/views/two.py": "from app.b.store import SessionStore\n",
    }
    write_project(tmp_path, files)
    zero_config = scan_project(tmp_path)
    assert triples(zero_config, "SSOT101") == {("SSOT101", "app/a/store.py", 1)}  # a discovered concept...
    assert triples(zero_config, CODE) == set()  # ...is not enough: discovery is a guess, configuration is not
    table = {"concepts": {"store": {"canonical": "app.a.store.SessionStore", "name-patterns": ["SessionStore"]}}}
    assert triples(scan_project(tmp_path, table), CODE) == {(CODE, "app/a/store.py", 1)}


def test_unrelated_same_names_are_not_reported(tmp_path: Path) -> None:
    """Config, Base, Field...: different things that happen to share a name, imported side by side."""
    assert _findings(tmp_path, {
        "app/__init__.py": "",
        "app/db.py": "import logging\nlogger = logging.getLogger()\nclass Base:\n    def save(self):\n        pass\n"
                     "class Config:\n    url = ''\n",
        "app/forms.py": "import logging\nlogger = logging.getLogger()\nclass Base:\n    def render(self):\n        pass\n"
                        "class Config:\n    theme = ''\n",
        "app/views/__init__.py": "",
        "app/views/a.py": "from app.db import Base, Config, logger\n",
        "app/views/b.py": "from app.forms import Base, Config, logger\n",
    }) == set()  # fmt: skip


def test_a_subclass_that_extends_its_base_is_a_specialisation(tmp_path: Path) -> None:
    assert _findings(tmp_path, {
        "app/__init__.py": "",
        "app/types.py": "class INTEGER:\n    def bind(self):\n        pass\n",
        "app/mysql/__init__.py": "",
        "app/mysql/types.py": """
            from app.types import INTEGER as _INTEGER


            class INTEGER(_INTEGER):
                def __init__(self, unsigned=False):
                    self.unsigned = unsigned
        """,
        "app/views/__init__.py": "",
        "app/views/a.py": "from app.types import INTEGER\n",
        "app/views/b.py": "from app.mysql.types import INTEGER\n",
    }) == set()


def test_related_meanings_each_used_only_in_their_own_package(tmp_path: Path) -> None:
    """One ``Store`` per backend, each imported only inside its backend: the package decides, not the importer."""
    table = {"concepts": {"store": {"canonical": "app.a.store.Store", "name-patterns": ["Store"]}}}
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a/__init__.py": "",
        "app/a/store.py": "class Store:\n    def get(self):\n        pass\n",
        "app/a/base.py": "from app.a.store import Store\n",
        "app/b/__init__.py": "",
        "app/b/store.py": "class Store:\n    def get(self):\n        pass\n",
        "app/b/base.py": "from app.b.store import Store\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path, table), CODE) == set()


def test_fallbacks_private_names_and_non_runtime_paths(tmp_path: Path) -> None:
    assert _findings(tmp_path, {
        "app/__init__.py": "",
        "app/real.py": "class ArrayField:\n    pass\n\nclass _Hidden:\n    pass\n",
        "app/fields.py": """
            try:
                from app.real import ArrayField
            except ImportError:
                class DummyArrayField:
                    def __init__(self):
                        raise RuntimeError("install the extra")

                ArrayField = DummyArrayField
        """,
        "app/guard.py": "class _Hidden:\n    def __init__(self):\n        raise RuntimeError\n",
        "app/tc.py": "class ArrayField:\n    def __init__(self):\n        raise RuntimeError\n",
        "app/views/__init__.py": "",
        "app/views/a.py": "from app.real import ArrayField, _Hidden\n",
        "app/views/b.py": """
            from typing import TYPE_CHECKING
            from app.fields import ArrayField
            from app.guard import _Hidden

            if TYPE_CHECKING:
                from app.tc import ArrayField as Other
        """,
    }) == set()


def test_fingerprint_survives_moving_lines(tmp_path: Path) -> None:
    write_project(tmp_path, THREE_MEANINGS)
    before = {f.fingerprint for f in scan_project(tmp_path).findings if f.code == CODE}
    write_project(tmp_path, {"app/ws/impl.py": "# moved down\n" + textwrap.dedent(IMPLEMENTATION).lstrip("\n")})
    after = [f for f in scan_project(tmp_path).findings if f.code == CODE]
    assert [f.location.line for f in after] == [10]
    assert {f.fingerprint for f in after} == before


def _findings(tmp_path: Path, files: dict[str, str]) -> set[tuple[str, str, int]]:
    write_project(tmp_path, files)
    return triples(scan_project(tmp_path), CODE)


def test_a_meaning_read_through_a_module_alias(tmp_path: Path) -> None:
    """``from app.services import legacy as legacy_ws`` then ``legacy_ws.WebSocketManager`` is a path too."""
    write_project(tmp_path, {
        **THREE_MEANINGS,
        "app/compat.py": "",
        "app/jobs.py": "",
        "app/services/__init__.py": "",
        "app/services/legacy.py": "class WebSocketManager:\n    def connect(self):\n        pass\n",
        "app/routes/d.py": """
            from app.services import legacy as legacy_ws

            def handler():
                return legacy_ws.WebSocketManager()
        """,
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/ws/impl.py", 9)}
    (finding,) = [f for f in result.findings if f.code == CODE]
    assert [(p["path"], p["importers"]) for p in finding.facts["paths"]] == [
        ("app.ws.impl", 1), ("app.ws", 1), ("app.services.legacy", 1), ("app.ws.manager", 1),
    ]


def _pairwise_groups(ctx: object, meanings: list) -> list:  # type: ignore[type-arg]
    """The definition the rule implements faster: every pair of targets of two meanings, both ways, in order."""
    from ssot_audit.rules import ambiguous_name as rule

    parent = list(range(len(meanings)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    targets = sorted({t for m in meanings for t in m.targets}, key=lambda t: t.fullname)
    family = {t for base in targets for t in targets
              if len([s for s in targets if s is not base and rule._shim_base(ctx, s, base)]) >= 2  # type: ignore[arg-type]
              and t is not base and rule._shim_base(ctx, t, base)}  # type: ignore[arg-type]  # fmt: skip
    guards = {t for t in targets if rule._is_guard(ctx, t)}  # type: ignore[arg-type]
    roles: dict = {}  # type: ignore[type-arg]
    ordered = [sorted(m.targets, key=lambda t: t.fullname) for m in meanings]
    for i in range(len(meanings)):
        for j in range(i + 1, len(meanings)):
            for a in ordered[i]:
                for b in ordered[j]:
                    for x, y in ((a, b), (b, a)):
                        role = rule._relation(ctx, x, y, family, guards)  # type: ignore[arg-type]
                        if role is not None:
                            roles.setdefault(x, role)
                            parent[find(j)] = find(i)
    groups: dict = {}  # type: ignore[type-arg]
    for i, meaning in enumerate(meanings):
        groups.setdefault(find(i), []).append(meaning)
    return [(g, roles) for g in groups.values() if len(g) > 1]


def test_related_groups_are_those_of_every_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.monorepo_gen.generate import generate
    from ssot_audit.rules import ambiguous_name as rule

    compared: list[int] = []
    real = rule._related_groups

    def both(ctx: object, meanings: list) -> list:  # type: ignore[type-arg]
        found = real(ctx, meanings)  # type: ignore[arg-type]
        expected = _pairwise_groups(ctx, meanings)
        assert [([id(m) for m in g], r) for g, r in found] == [([id(m) for m in g], r) for g, r in expected]
        compared.append(sum(len(g) for g, _ in found))
        return found

    monkeypatch.setattr(rule, "_related_groups", both)
    generate(tmp_path / "mono", files=300, seed=5)
    scan_project(tmp_path / "mono")
    files = dict(THREE_MEANINGS)
    files["app/legacy.py"] = "from app.ws.impl import _Implementation\n\n\nclass WebSocketManager(_Implementation):\n    pass\n"
    files["app/use_legacy.py"] = "from app.legacy import WebSocketManager\n"
    write_project(tmp_path / "three", files)
    scan_project(tmp_path / "three")
    dialects = {"sa/__init__.py": "from sa.types import JSON\n", "sa/types.py": "class JSON:\n    pass\n",
                "sa/dialects/__init__.py": "", "app/__init__.py": "", "app/a.py": "from sa import JSON\n"}  # fmt: skip
    for dialect in ("mysql", "sqlite", "oracle"):
        dialects[f"sa/dialects/{dialect}.py"] = "from sa import types\n\n\nclass JSON(types.JSON):\n    pass\n"
        dialects[f"app/{dialect}_use.py"] = f"from sa.dialects.{dialect} import JSON\n"
    write_project(tmp_path / "dialects", dialects)
    scan_project(tmp_path / "dialects")
    sample = Path(__file__).resolve().parent.parent.parent / "sample_repo"
    api.scan(sample, config=load_config(sample), jobs=1)
    assert len([n for n in compared if n]) >= 2  # groups were formed, not only singletons compared


def test_only_names_whose_meanings_mix_are_grouped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``_mixed_groups`` skips grouping when all the meanings together do not mix: the same groups as the plain
    definition (every related group, kept when it mixes), on generated and hand-made projects."""
    from benchmarks.monorepo_gen.generate import generate
    from ssot_audit.rules import ambiguous_name as rule

    outcomes: list[tuple[bool, int]] = []
    fast = rule._mixed_groups

    def both(ctx: object, package_of: dict[str, str], meanings: list) -> list:  # type: ignore[type-arg]
        found = fast(ctx, package_of, meanings)  # type: ignore[arg-type]
        plain = [(g, r) for g, r in rule._related_groups(ctx, meanings) if rule._mixed(package_of, g)]  # type: ignore[arg-type]
        assert [([id(m) for m in g], r) for g, r in found] == [([id(m) for m in g], r) for g, r in plain]
        outcomes.append((rule._mixed(package_of, meanings), len(found)))  # type: ignore[arg-type]
        return found

    monkeypatch.setattr(rule, "_mixed_groups", both)
    generate(tmp_path / "mono", files=300, seed=5)
    generate(tmp_path / "mono2", files=200, seed=11)
    files = dict(THREE_MEANINGS)
    files["app/legacy.py"] = "from app.ws.impl import _Implementation\n\n\nclass WebSocketManager(_Implementation):\n    pass\n"
    files["app/use_legacy.py"] = "from app.legacy import WebSocketManager\n"
    write_project(tmp_path / "three", files)
    for root in ("mono", "mono2", "three"):
        scan_project(tmp_path / root)
    write_project(tmp_path / "backends", {  # one Store per backend, each imported only inside it: not mixed
        "app/__init__.py": "", "app/a/__init__.py": "", "app/b/__init__.py": "",
        "app/a/store.py": "class Store:\n    def get(self):\n        pass\n", "app/a/base.py": "from app.a.store import Store\n",
        "app/b/store.py": "class Store:\n    def get(self):\n        pass\n", "app/b/base.py": "from app.b.store import Store\n",
    })  # fmt: skip
    scan_project(tmp_path / "backends", {"concepts": {"store": {"canonical": "app.a.store.Store", "name-patterns": ["Store"]}}})
    sample = Path(__file__).resolve().parent.parent.parent / "sample_repo"
    api.scan(sample, config=load_config(sample), jobs=1)
    assert any(mixed and n for mixed, n in outcomes)  # findings were formed
    assert any(not mixed for mixed, _ in outcomes)  # and names were skipped


def test_a_guard_and_an_exception_of_one_name_are_namesakes(tmp_path: Path) -> None:
    # openstack-heat: `exception.Invalid` (an exception class) and the template function `function.Invalid`, whose
    # constructor raises ValueError to reject a function in a condition: one name, two unrelated things
    files = {
        "app/__init__.py": "",
        "app/exception.py": "class Invalid(Exception):\n    pass\n",
        "app/function.py": "class Invalid:\n    def __init__(self, name):\n        raise ValueError(name)\n",
        "app/service.py": "from app.exception import Invalid\n",
        "app/template.py": "from app.function import Invalid\n",
    }
    write_project(tmp_path, files)
    assert triples(scan_project(tmp_path), CODE) == set()
    # the control: the same guard beside a class to construct is the name's "error" meaning
    write_project(tmp_path, {"app/exception.py": "class Invalid:\n    def check(self):\n        return 1\n"})
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/exception.py", 1)}
