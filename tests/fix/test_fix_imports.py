"""SSOT201 / SSOT102 / SSOT103 import rewrites: exact before/after sources."""

from __future__ import annotations

from pathlib import Path

from tests.fix.fixhelpers import after, dedent, fix_project

# ``app.core`` re-exports ``make_store``; most imports use the defining module, so the package path diverges.
CORE = {
    "app/__init__.py": "",
    "app/core/__init__.py": "from app.core.store import make_store, Store\n",
    "app/core/store.py": "class Store:\n    pass\n\ndef make_store():\n    return Store()\n",
    "app/a.py": "from app.core.store import make_store\n",
    "app/b.py": "from app.core.store import make_store\n",
}


def fixed(tmp_path: Path, use: str, **extra: str) -> str:
    outcome = fix_project(tmp_path, {**CORE, **extra, "app/use.py": use}, codes=("SSOT201",))
    assert not outcome.rejected and not outcome.skipped
    assert [f for f in outcome.result.findings if f.code == "SSOT201"] == []
    return after(outcome, "app/use.py")


def test_import_through_a_reexport_reads_the_defining_module(tmp_path: Path) -> None:
    use = "from app.core import make_store  # via the package\n\nSTORE = make_store()\n"
    assert fixed(tmp_path, use) == "from app.core.store import make_store  # via the package\n\nSTORE = make_store()\n"


def test_as_alias_is_kept(tmp_path: Path) -> None:
    use = "from app.core import make_store as new_store\n\nSTORE = new_store()\n"
    assert fixed(tmp_path, use) == "from app.core.store import make_store as new_store\n\nSTORE = new_store()\n"


def test_relative_import_stays_relative(tmp_path: Path) -> None:
    use = "from .core import make_store\n\nSTORE = make_store()\n"
    assert fixed(tmp_path, use) == "from .core.store import make_store\n\nSTORE = make_store()\n"


def test_merges_into_an_existing_import_of_the_canonical_module(tmp_path: Path) -> None:
    use = """
        from app.core.store import Store
        from app.core import make_store

        STORE: Store = make_store()
    """
    assert fixed(tmp_path, use) == dedent("""
        from app.core.store import Store, make_store

        STORE: Store = make_store()
    """)


def test_merges_into_a_bracketed_import_with_its_layout(tmp_path: Path) -> None:
    use = """
        from app.core.store import (
            Store,
        )
        from app.core import make_store

        STORE: Store = make_store()
    """
    assert fixed(tmp_path, use) == dedent("""
        from app.core.store import (
            Store,
            make_store,
        )

        STORE: Store = make_store()
    """)


def test_never_imports_a_name_twice(tmp_path: Path) -> None:
    use = """
        from app.core.store import make_store
        from app.core import make_store, Store

        STORE: Store = make_store()
    """
    assert fixed(tmp_path, use) == dedent("""
        from app.core.store import make_store
        from app.core import Store

        STORE: Store = make_store()
    """)


def test_other_names_stay_and_a_new_import_follows_in_the_same_block(tmp_path: Path) -> None:
    use = """
        def build():
            from app.core import (
                Store,  # the type
                make_store,
            )
            return Store, make_store()
    """
    assert fixed(tmp_path, use) == dedent("""
        def build():
            from app.core import (
                Store,  # the type
            )
            from app.core.store import make_store
            return Store, make_store()
    """)


def test_several_names_of_one_statement_move_together(tmp_path: Path) -> None:
    extra = {"app/a.py": "from app.core.store import Store, make_store\n",
             "app/b.py": "from app.core.store import Store, make_store\n"}  # fmt: skip
    outcome = fix_project(tmp_path, {**CORE, **extra, "app/use.py": "from app.core import (Store,\n    make_store)\n"},
                          codes=("SSOT201",))  # fmt: skip
    assert after(outcome, "app/use.py") == "from app.core.store import Store, make_store\n"
    assert outcome.rounds == 2  # one round applies both, the next finds nothing left


ALIAS = {
    "app/__init__.py": "",
    "app/ws.py": "class WebSocketManager:\n    def send(self):\n        return 1\n",
    "app/compat.py": "from app.ws import WebSocketManager\n\nManagerV2 = WebSocketManager\n",
}
TABLE = {"concepts": {"ws": {"canonical": "app.ws.WebSocketManager"}}}


def test_importers_of_an_alias_import_the_class_under_its_own_name(tmp_path: Path) -> None:
    use = """
        from app.compat import ManagerV2


        def make() -> ManagerV2:
            return ManagerV2()
    """
    outcome = fix_project(tmp_path, {**ALIAS, "app/use.py": use}, table=TABLE, codes=("SSOT102",))
    assert after(outcome, "app/use.py") == dedent("""
        from app.ws import WebSocketManager


        def make() -> WebSocketManager:
            return WebSocketManager()
    """)
    assert sorted(outcome.after) == ["app/use.py"]  # the alias itself stays: deleting it is for a human


def test_no_rename_when_the_new_name_is_taken(tmp_path: Path) -> None:
    use = """
        from app.compat import ManagerV2

        WebSocketManager = "something else"
        print(ManagerV2)
    """
    outcome = fix_project(tmp_path, {**ALIAS, "app/use.py": use}, table=TABLE, codes=("SSOT102",))
    assert outcome.after == {}
    assert [(s.finding.code, s.reason) for s in outcome.skipped] == [
        ("SSOT102", "app/use.py:1: 'WebSocketManager' is already used in this file: rename by hand")]


def test_star_imports_are_left_alone_and_reported(tmp_path: Path) -> None:
    outcome = fix_project(tmp_path, {**ALIAS, "app/use.py": "from app.compat import *\n\nprint(ManagerV2)\n"},
                          table=TABLE, codes=("SSOT102",))  # fmt: skip
    assert outcome.after == {}
    assert [(s.finding.code, s.reason) for s in outcome.skipped] == [
        ("SSOT102", "app/use.py:1 star-imports app.compat: left alone")]


def test_importers_of_a_shim_import_its_base(tmp_path: Path) -> None:
    files = {
        **ALIAS,
        "app/legacy.py": "from app.ws import WebSocketManager\n\n\nclass OldManager(WebSocketManager):\n    pass\n",
        "app/use.py": "from app.legacy import OldManager as Manager\n\nM = Manager()\n",
    }
    outcome = fix_project(tmp_path, files, table=TABLE, codes=("SSOT103",))
    assert after(outcome, "app/use.py") == "from app.ws import WebSocketManager\n\nM = WebSocketManager()\n"
