"""SSOT301 direct-instantiation: a configured concept constructed outside its factories and allowed creators."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT301"
TABLE = {
    "concepts": {
        "ws": {
            "canonical": "app.core.manager.Manager",
            "factories": ["app.core.manager.get_manager"],
            "allowed-creators": ["app.core.*"],
            "name-patterns": ["*Manager"],
        }
    }
}
FILES = {
    "app/__init__.py": "",
    "app/core/__init__.py": "from app.core.manager import Manager\n",
    "app/core/manager.py": """
        class Manager:
            def send(self):
                return None

            @classmethod
            def create(cls):
                return cls()

        def get_manager():
            return Manager()
    """,
    "app/core/registry.py": "from app.core.manager import Manager\n\nDEFAULT = Manager()\n",
    "app/legacy.py": "from app.core.manager import Manager\n\nclass LegacyManager(Manager):\n    pass\n",
}


def test_constructions_outside_the_factory_are_reported(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **FILES,
        "app/use.py": """
            from app.core import Manager
            from app import legacy
            import app.core.manager as m

            Alias = Manager

            def handler():
                a = Manager()
                b = legacy.LegacyManager()
                c = m.Manager()
                d = Alias()
                return a, b, c, d
        """,
    })  # fmt: skip
    assert triples(scan_project(tmp_path, TABLE), CODE) == {
        (CODE, "app/use.py", 8),
        (CODE, "app/use.py", 9),
        (CODE, "app/use.py", 10),
        (CODE, "app/use.py", 11),
    }


def test_factory_allowed_creators_and_unconfigured_concepts_are_not_reported(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **FILES,
        "app/use.py": """
            from app.core.manager import get_manager, Manager

            def handler():
                return get_manager(), Manager.create(), isinstance(get_manager(), Manager)
        """,
    })  # fmt: skip
    assert triples(scan_project(tmp_path, TABLE), CODE) == set()
    # Zero config: nobody has declared which function is "the" factory.
    (tmp_path / "app/use2.py").write_text("from app.core.manager import Manager\nx = Manager()\n")
    assert triples(scan_project(tmp_path), CODE) == set()
    assert triples(scan_project(tmp_path, TABLE), CODE) == {(CODE, "app/use2.py", 2)}
