"""SSOT302 shared-instance: module-level, class-attribute, global and ``_instance`` singletons of a per-user concept."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT302"
MANAGER = """
class Manager:
    def send(self):
        return None

def get_manager(user_id):
    return Manager()
"""


def table(per_user: bool) -> dict:
    concept = {"canonical": "app.manager.Manager", "factories": ["app.manager.get_manager"], "per-user": per_user}
    return {"concepts": {"ws": concept}}


def test_every_kind_of_shared_instance(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": MANAGER,
        "app/shared.py": """
            from app.manager import Manager, get_manager

            manager = Manager()
            by_factory = get_manager("system")

            class Holder:
                instance = Manager()

            class Singleton(Manager):
                _instance = None

                @classmethod
                def get(cls):
                    if cls._instance is None:
                        cls._instance = cls()
                    return cls._instance

            _cached = None

            def cached():
                global _cached
                _cached = Manager()
                return _cached
        """,
    })  # fmt: skip
    assert triples(scan_project(tmp_path, table(True)), "SSOT302") == {
        (CODE, "app/shared.py", 3),
        (CODE, "app/shared.py", 4),
        (CODE, "app/shared.py", 7),
        (CODE, "app/shared.py", 15),
        (CODE, "app/shared.py", 22),
    }


def test_per_request_instances_and_non_per_user_concepts_are_not_reported(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": MANAGER,
        "app/use.py": """
            from app.manager import Manager, get_manager

            FACTORY = get_manager
            KIND = Manager

            def handler(user_id):
                manager = get_manager(user_id)
                manager.cache = Manager()
                return manager

            class Service:
                def __init__(self, user_id):
                    self.manager = get_manager(user_id)
        """,
        "app/shared.py": "from app.manager import Manager\n\nmanager = Manager()\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path, table(True)), CODE) == {(CODE, "app/shared.py", 3)}
    assert triples(scan_project(tmp_path, table(False)), CODE) == set()
