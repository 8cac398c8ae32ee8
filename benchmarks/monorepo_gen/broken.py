"""Files that do not parse (or only on a newer Python), import cycles, and the decoys next to them.

Parse-error labels carry ``min_python``: the first Python that parses the file ("3.12" for PEP 695 and PEP 701,
"3.13" for PEP 696 defaults, "3.14" for PEP 758 bare ``except A, B``), or null when no Python 3 does.
"""

from __future__ import annotations

from .builder import Problem, Project, is_test_file, module_of
from .websocket import _p

PARSE_ERRORS = (
    ("scripts/legacy/migrate_users_py2.py", None, "Python 2 print statement", '''
        """Migrate users (Python 2, kept for reference)."""
        import sys

        def main():
            print "migrating", len(sys.argv)  ⟦e⟧
    '''),
    ("netra_backend/app/services/thread_cleanup_old.py", None, "unresolved merge conflict markers", '''
        """Thread cleanup (pre-merge copy)."""
        import logging

        logger = logging.getLogger(__name__)

        <<<<<<< HEAD  ⟦e⟧
        RETENTION_DAYS = 30
        =======
        RETENTION_DAYS = 90
        >>>>>>> feature/retention
    '''),
    ("shared/types/modern_types.py", "3.12", "PEP 695 type alias statement", '''
        """Type aliases written with the Python 3.12 syntax."""
        from typing import Any

        type UserId = str  ⟦e⟧
        type JsonDict = dict[str, Any]


        def first[T](items: list[T]) -> T:
            return items[0]
    '''),
    ("netra_backend/app/utils/log_format.py", "3.12", "PEP 701 f-string reusing its quotes", '''
        """Log line formatting."""


        def describe(payload: dict) -> str:
            return f"run {payload["run_id"]} for {payload["user_id"]}"  ⟦e⟧
    '''),
    ("analytics_service/analytics_core/utils/generic_defaults.py", "3.13", "PEP 696 type parameter default", '''
        """Generic helpers with type parameter defaults."""


        def pick[T = int](values: list[T], index: int = 0) -> T:  ⟦e⟧
            return values[index]
    '''),
    ("auth_service/auth_core/utils/errors_compat.py", "3.14", "PEP 758 except without parentheses", '''
        """Error mapping."""


        def to_int(value: str) -> int:
            try:
                return int(value)
            except ValueError, TypeError:  ⟦e⟧
                return 0
    '''),
)  # fmt: skip
CYCLES = (
    ("netra_backend/app/services/threads/thread_orchestrator.py", "netra_backend/app/services/threads/message_dispatcher.py"),
    ("netra_backend/app/agents/supervisor/execution_engine.py", "netra_backend/app/agents/supervisor/agent_registry.py",
     "netra_backend/app/agents/supervisor/pipeline_executor.py"),
)  # fmt: skip


def plant_parse_errors(project: Project) -> None:
    """Write the files that do not parse, and one that is not UTF-8."""
    for path, version, what, text in PARSE_ERRORS:
        if "/legacy/" not in path:
            project.package(path.rsplit("/", 1)[0])
        project.file(path).add(text, {"e": _p("parse-error", "SSOT900", what, min_python=version)})
    path = "netra_backend/app/utils/latin1_labels.py"
    project.raw[path] = b'"""Labels for the billing export."""\nCURRENCY = "\xa3"  # pound sign, saved as Latin-1\n'
    project.problems.append(project_problem(path, 2, "file is not UTF-8 (a Latin-1 byte, no coding line)"))


def project_problem(path: str, line: int, what: str) -> Problem:
    """A parse-error label for a raw file (no builder: its bytes are written as they are)."""
    return Problem("parse-error", "SSOT900", path, line, module_of(path), what, is_test_file(path),
                   {"min_python": None})  # fmt: skip


def plant_cycles(project: Project) -> None:
    """Module-level import cycles (each edge labelled), plus a TYPE_CHECKING and a function-local back edge that
    are not runtime cycles (decoys)."""
    for number, ring in enumerate(CYCLES, 1):
        for i, path in enumerate(ring):
            project.package(path.rsplit("/", 1)[0])
            nxt = ring[(i + 1) % len(ring)]
            mod = nxt.removesuffix(".py").replace("/", ".")
            name = nxt.rsplit("/", 1)[-1].removesuffix(".py")
            f = project.file(path)
            f.add(f'''
                """{name.replace("_", " ").capitalize()} neighbour (the two grew into each other)."""
                from {mod} import {name.upper()}_LIMIT  ⟦e⟧

                {path.rsplit("/", 1)[-1].removesuffix(".py").upper()}_LIMIT = 10


                def limits() -> tuple[int, int]:
                    return {name.upper()}_LIMIT, {path.rsplit("/", 1)[-1].removesuffix(".py").upper()}_LIMIT
            ''', {"e": _p("import-cycle", "SSOT202", f"module-level import closing cycle {number}", cycle=number,
                          cycle_modules=[p.removesuffix(".py").replace("/", ".") for p in ring])})  # fmt: skip
    base = "netra_backend/app/services/presence"
    project.package(base)
    project.file(f"{base}/presence_tracker.py").add('''
        """Presence tracker."""
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from netra_backend.app.services.presence.presence_events import PresenceEvent

        if TYPE_CHECKING:
            from netra_backend.app.services.presence.presence_events import PresenceBus  ⟦d⟧


        def track(bus: PresenceBus, user_id: str) -> PresenceEvent:
            return PresenceEvent(user_id)
    ''', {"d": _p("decoy", None, "TYPE_CHECKING import: no runtime cycle", decoy_of="import-cycle")})
    project.file(f"{base}/presence_events.py").add('''
        """Presence events."""


        class PresenceEvent:
            def __init__(self, user_id: str) -> None:
                self.user_id = user_id


        class PresenceBus:
            def publish(self, event: PresenceEvent) -> None:
                from netra_backend.app.services.presence.presence_tracker import track  ⟦d⟧

                track(self, event.user_id)
    ''', {"d": _p("decoy", None, "function-local import: no import-time cycle", decoy_of="import-cycle")})
