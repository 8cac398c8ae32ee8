"""Zero-config clusters leave out what only looks like duplication: alternative definitions, examples."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import scan_project, triples, write_project

MANAGER = """
class {name}:
    def connect(self): ...
    def disconnect(self): ...
    def send(self, message): ...
"""


def test_two_real_copies_in_different_modules_form_a_cluster(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": MANAGER.format(name="SocketManager"),
        "app/b.py": MANAGER.format(name="UnifiedSocketManager"),
    })  # fmt: skip
    assert triples(scan_project(root), "SSOT101") == {("SSOT101", "app/a.py", 1)}


def test_conditional_definitions_of_one_name_are_not_duplicates(tmp_path: Path) -> None:
    body = MANAGER.format(name="SocketManager").replace("\n", "\n    ")
    root = write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": f"import sys\nif sys.version_info >= (3, 12):{body}\nelse:{body}\n",
    })  # fmt: skip
    assert triples(scan_project(root), "SSOT101") == set()


def test_copies_under_docs_and_examples_are_not_duplicates(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "examples/chat01.py": MANAGER.format(name="SocketManager"),
        "examples/chat02.py": MANAGER.format(name="SocketManager"),
        "docs/guide/socket.py": MANAGER.format(name="UnifiedSocketManager"),
    })  # fmt: skip
    assert triples(scan_project(root), "SSOT101") == set()
