"""SSOT302 shared-instance: a factory without parameters cached by @lru_cache/@cache is a singleton."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import scan_project, triples, write_project

MANAGER = """
class Manager:
    def send(self):
        return None
"""


def table(per_user: bool) -> dict:
    return {"concepts": {"ws": {"canonical": "app.manager.Manager", "per-user": per_user}}}


FILES = {
    "app/__init__.py": "",
    "app/manager.py": MANAGER,
    "app/factories.py": """
        import functools
        from functools import lru_cache

        from app.manager import Manager


        @lru_cache(maxsize=None)
        def get_shared_manager() -> Manager:
            return Manager()


        @functools.cache
        def default_manager():
            return Manager()


        @lru_cache
        def manager_for(user_id: str) -> Manager:
            return Manager()


        def fresh_manager() -> Manager:
            return Manager()


        @lru_cache
        def settings() -> dict:
            return {}
    """,
}


def test_cached_factories_without_parameters_are_shared_instances(tmp_path: Path) -> None:
    result = scan_project(write_project(tmp_path, FILES), table(per_user=True))
    # the zero-argument cached factories; not the one keyed by user, not the uncached one, not other types
    assert triples(result, "SSOT302") == {("SSOT302", "app/factories.py", 8), ("SSOT302", "app/factories.py", 13)}


def test_cached_factories_of_a_concept_that_is_not_per_user_are_fine(tmp_path: Path) -> None:
    result = scan_project(write_project(tmp_path, FILES), table(per_user=False))
    assert triples(result, "SSOT302") == set()
