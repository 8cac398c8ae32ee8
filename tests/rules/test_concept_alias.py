"""SSOT102 concept-alias: a concept class bound to another name by assignment or ``import ... as``."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT102"
TABLE = {"concepts": {"ws": {"canonical": "app.manager.WebSocketManager"}}}
FILES = {
    "app/__init__.py": "",
    "app/manager.py": "class WebSocketManager:\n    def send(self):\n        return None\n",
    "app/other.py": "class Other:\n    def send(self):\n        return None\n",
}


def test_assignment_and_import_aliases(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **FILES,
        "app/compat.py": """
            from app.manager import WebSocketManager
            from app import manager as m

            LegacyManager = WebSocketManager
            ManagerV2 = m.WebSocketManager
        """,
        "app/v2.py": "from app.manager import WebSocketManager as Manager\n",
    })  # fmt: skip
    assert triples(scan_project(tmp_path, TABLE), CODE) == {
        (CODE, "app/compat.py", 4),
        (CODE, "app/compat.py", 5),
        (CODE, "app/v2.py", 1),
    }


def test_same_name_non_concept_and_local_aliases_are_not_reported(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **FILES,
        "app/use.py": """
            from app.manager import WebSocketManager
            from app.other import Other as Renamed

            Kept = Renamed
            WebSocketManager = WebSocketManager

            def build():
                cls = WebSocketManager
                from app.manager import WebSocketManager as Local
                return cls, Local
        """,
    })  # fmt: skip
    assert triples(scan_project(tmp_path, TABLE), CODE) == set()
