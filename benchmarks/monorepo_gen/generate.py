"""Lay out the monorepo: plant the fixed pathology, then fill the services, tests, scripts, copies and docs to size.

Sizes are fractions of the requested file count, so every scale keeps the real backend's mix: about 45% of the
files are tests, and a tenth of those exercise the WebSocket manager (where most findings are).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import broken, concept_usage, concepts, websocket, websocket_family
from .builder import Member, Problem, Project, module_of
from .filler import Registry
from .modules import source_module, test_module
from .usage import Rates
from .usage_files import handler_file, script_file, test_file
from .vocab import ENTITIES, NAMESPACE_DIRS, SERVICES

_STEMS = ("service", "utils", "handler", "helpers", "core", "ops", "queries", "models", "validators", "routes")
PRESETS = {"backend": 10_400, "medium": 2_500, "small": 500}
MEAN_LINES = 390  # lines per file the mix averages (measured), to turn --lines into a file count


@dataclass
class Mix:
    """Share of the requested files that each kind of file gets."""

    ws_tests: float = 0.068
    concept_tests: float = 0.025
    filler_tests: float = 0.32
    handlers: float = 0.010
    scripts: float = 0.05
    scripts_with_ws: float = 0.2  # of the scripts
    orphans: float = 0.004
    docs: float = 0.004
    rates: Rates = field(default_factory=Rates)


class Spreader:
    """Hands out file paths under a base directory, opening a new sub-directory every ``per_dir`` files."""

    def __init__(self, project: Project, base: str, subdirs: tuple[str, ...], per_dir: int = 45,
                 package: bool = True) -> None:  # fmt: skip
        self.project, self.base, self.subdirs, self.per_dir, self.pkg = project, base, subdirs, per_dir, package
        self.count = 0

    def next(self, rng: random.Random, stem: str) -> str:
        """A fresh path ``base/<subdir>[_n]/<stem>.py``."""
        sub = self.subdirs[(self.count // self.per_dir) % len(self.subdirs)]
        round_ = self.count // (self.per_dir * len(self.subdirs))
        directory = f"{self.base}/{sub}" + (f"_{round_ + 1}" if round_ else "")
        self.count += 1
        if self.pkg and not any(directory == ns or directory.startswith(ns + "/") for ns in NAMESPACE_DIRS):
            self.project.package(directory)
        return self.project.unique_path(directory, stem)


def _fixed(project: Project) -> None:
    websocket.plant_core(project)
    websocket_family.plant_family(project)
    concepts.plant_duplicates(project, project.rng)
    concept_usage.plant_reexports(project)
    concepts.plant_families(project)
    concepts.plant_lookalikes(project)
    broken.plant_parse_errors(project)
    broken.plant_cycles(project)
    project.package("shared/types")
    project.file("shared/types/constants.py").add('''
        """Constants shared by every service (star-imported in places, hence __all__)."""

        __all__ = ["DEFAULT_TIMEOUT_SECONDS", "MAX_PAGE_SIZE"]

        DEFAULT_TIMEOUT_SECONDS = 30
        MAX_PAGE_SIZE = 500
        _INTERNAL_RETRY_LIMIT = 3
    ''')
    project.package("test_framework/ssot")
    project.file("test_framework/ssot/base_test_case.py").add('''
        """SSOT base test cases: every test gets an isolated user context."""
        import unittest


        class SSotAsyncTestCase(unittest.IsolatedAsyncioTestCase):
            """Async test case with ``self.user_context``."""

            def setUp(self) -> None:
                self.user_context = {"user_id": "test-user"}
    ''')
    project.file("conftest.py").add('"""Root conftest: asyncio mode for every service\'s tests."""\n'
                                    'pytest_plugins = ["pytest_asyncio"]\n')  # fmt: skip


def _filler(project: Project, registry: Registry, count: int) -> None:
    """Ordinary source modules, service by service (shared first), package by package (in layer order)."""
    rng = project.rng
    order = sorted(SERVICES, key=lambda s: s[0] != "shared")
    for service, root, packages, share in order:
        n = round(count * share)
        weights = [rng.uniform(0.5, 2.0) for _ in packages]
        for pkg, weight in zip(packages, weights):
            quota = round(n * weight / sum(weights))
            directory = f"{root}/{pkg}"
            namespace = directory in NAMESPACE_DIRS
            spread = Spreader(project, directory, tuple(rng.sample(ENTITIES, 6)), per_dir=40, package=not namespace)
            kind = "routes" if pkg.startswith(("routes", "api")) else "models" if pkg in ("models", "schemas",
                                                                                          "db/models") else "code"
            for i in range(quota):
                stem = f"{rng.choice(ENTITIES)}_{rng.choice(_STEMS)}"
                path = (project.unique_path(directory, stem) if i < 40 else spread.next(rng, stem))
                if not namespace and i < 40:
                    project.package(directory)
                builder = project.file(path)
                project.ordinary.append(path)
                for api in source_module(rng, registry, builder, service, kind=kind, relative_ok=not namespace):
                    registry.add(service, api)


def _tests(project: Project, registry: Registry, mix: Mix, total: int) -> None:
    rng = project.rng
    areas = ("websocket", "agents", "services", "routes", "db", "auth", "analytics", "core")
    trees = [Spreader(project, f"{svc}/tests/{kind}", areas) for svc in ("netra_backend", "auth_service",
             "analytics_service") for kind in ("unit", "integration", "e2e")]  # fmt: skip
    trees += [Spreader(project, f"tests/{kind}", areas, package=False) for kind in ("e2e", "mission_critical")]
    ws_trees = [trees[0], trees[1], trees[2], trees[-1], trees[-2]]
    for _ in range(round(total * mix.ws_tests)):
        tree = ws_trees[rng.randrange(len(ws_trees))]
        path = tree.next(rng, f"test_{rng.choice(ENTITIES)}_websocket_{rng.choice(('events', 'manager', 'flow'))}")
        test_file(rng, project.file(path), mix.rates)
    for _ in range(round(total * mix.concept_tests)):
        concept = concepts.DUPLICATES[rng.randrange(len(concepts.DUPLICATES))]
        path = trees[rng.randrange(len(trees))].next(rng, f"test_{concept.name.replace('-', '_')}")
        concept_usage.usage_test(rng, project.file(path), concept, 0.4)
    services = [s[0] for s in SERVICES]
    for _ in range(round(total * mix.filler_tests)):
        i = rng.randrange(len(trees))
        service = services[min(i // 3, 2)] if i < 9 else "netra_backend"
        path = trees[i].next(rng, f"test_{rng.choice(ENTITIES)}_{rng.choice(('unit', 'flow', 'api', 'cases'))}")
        test_module(rng, registry, project.file(path), service)


def _production_uses(project: Project, mix: Mix, total: int) -> None:
    rng = project.rng
    handlers = Spreader(project, "netra_backend/app/websocket_handlers", ("agents", "routes", "threads", "runs"))
    for _ in range(round(total * mix.handlers)):
        handler_file(rng, project.file(handlers.next(rng, f"{rng.choice(ENTITIES)}_events")), mix.rates)
    for concept in concepts.DUPLICATES:
        if concept.name in ("session-store", "config-manager"):  # per user (a bug) / process-wide (fine)
            path = f"netra_backend/app/core/shared_{concept.name.replace('-', '_')}.py"
            concept_usage.singleton_module(project.file(path), concept, decoy=concept.name == "config-manager")
    scripts = Spreader(project, "scripts", ("maintenance", "migrations", "debug"), package=False)
    for _ in range(round(total * mix.scripts)):
        path = scripts.next(rng, f"{rng.choice(('fix', 'check', 'run', 'migrate', 'validate'))}_{rng.choice(ENTITIES)}")
        script_file(rng, project.file(path), mix.rates, uses_ws=rng.random() < mix.scripts_with_ws)
    docs = Spreader(project, "docs/examples", ("websocket", "agents"), package=False)
    for _ in range(max(1, round(total * mix.docs))):
        handler_file(rng, project.file(docs.next(rng, f"example_{rng.choice(ENTITIES)}")), mix.rates)


def _orphans(project: Project, count: int) -> None:
    """Verbatim copies of real modules that nothing imports: ``backup/<path>``, ``<stem>_old.py``, ``_backup.py``."""
    rng = project.rng
    sources = [p for p in project.ordinary if p.startswith(("netra_backend/app/", "auth_service/auth_core/"))]
    for _ in range(count):
        original = project.files[sources[rng.randrange(len(sources))]]
        if rng.random() < 0.5:
            path = project.unique_path("backup/" + original.path.rsplit("/", 1)[0], original.path.rsplit("/", 1)[1][:-3])
        else:
            path = project.unique_path(original.path.rsplit("/", 1)[0], original.path.rsplit("/", 1)[1][:-3]
                                       + rng.choice(("_old", "_backup", "_v1")))  # fmt: skip
        copy = project.file(path)
        copy.lines = list(original.lines)
        for line, text in enumerate(copy.lines, 1):
            if text.startswith("class "):
                name = text[6:].split("(")[0].split(":")[0]
                what = f"verbatim copy of {original.module}.{name}; nothing imports it"
                project.members.append(Member(None, "orphaned copy", f"{copy.module}.{name}", path, line, what))
                project.problems.append(Problem("orphaned-copy", "SSOT101", path, line, f"{copy.module}.{name}", what,
                                                copy.in_tests, {"of": f"{original.module}.{name}"}))


def generate(out: Path, *, files: int, seed: int, mix: Mix | None = None) -> dict[str, Any]:
    """Write a monorepo of about ``files`` files under ``out``; returns the labels (see gen_monorepo.py)."""
    mix = mix or Mix()
    project = Project(seed)
    registry = Registry()
    _fixed(project)
    fixed = len(project.files) + len(project.raw)
    planned = (mix.ws_tests + mix.concept_tests + mix.filler_tests + mix.handlers + mix.scripts + mix.orphans
               + mix.docs)  # fmt: skip
    inits = 0.05 * files + 30  # __init__.py files the layout will need (measured); _top_up corrects the estimate
    source = max(20, round(files * (1 - planned) - fixed - inits))
    _filler(project, registry, source)
    _tests(project, registry, mix, files)
    _production_uses(project, mix, files)
    _orphans(project, round(files * mix.orphans))
    _top_up(project, registry, files)
    written, lines = project.write(out)
    return labels(project, seed=seed, files=written, lines=lines)


def _top_up(project: Project, registry: Registry, files: int) -> None:
    """Add ordinary modules beside existing ones (never in a new directory) until the tree has ``files`` files."""
    rng = project.rng
    services = {root: service for service, root, _, _ in SERVICES}
    base = list(project.ordinary)
    while _count(project) < files:
        directory = base[rng.randrange(len(base))].rsplit("/", 1)[0]
        service = next(s for root, s in services.items() if directory.startswith(root))
        path = project.unique_path(directory, f"{rng.choice(ENTITIES)}_{rng.choice(_STEMS)}")
        project.ordinary.append(path)
        namespace = any(directory == ns or directory.startswith(ns + "/") for ns in NAMESPACE_DIRS)
        for api in source_module(rng, registry, project.file(path), service, kind="code", relative_ok=not namespace):
            registry.add(service, api)


def _count(project: Project) -> int:
    """Files the project will write, counting the ``__init__.py`` that ``write`` adds to each package."""
    inits = sum(1 for p in project.packages if f"{p}/__init__.py" not in project.files)
    return len(project.files) + len(project.raw) + inits


def labels(project: Project, *, seed: int, files: int, lines: int) -> dict[str, Any]:
    """The ground truth as one JSON-ready dict (sorted, deterministic)."""
    problems = sorted((p.to_json() for p in project.problems), key=lambda p: (p["path"], p["line"], p["kind"]))
    members = sorted((m.to_json() for m in project.members), key=lambda m: (m["path"], m["line"], m["role"]))
    decoys = sorted((p.to_json() for p in project.decoys), key=lambda p: (p["path"], p["line"]))
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem["kind"]] = counts.get(problem["kind"], 0) + 1
    tests = sum(1 for b in project.files.values() if b.in_tests)
    return {
        "format": "gen_monorepo-labels", "version": 1, "seed": seed,
        "tree": {"files": files, "python_files": files, "test_files": tests, "lines": lines},
        "concepts": _concepts(),
        "counts": dict(sorted(counts.items())),
        "problems": problems, "members": members, "decoys": decoys,
    }  # fmt: skip


def _concepts() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"name": websocket.CONCEPT, "canonical": websocket.IMPL,
                                  "canonical_import": f"{websocket.PKG}.websocket_manager.WebSocketManager",
                                  "factories": [websocket.FACTORY], "per_user": True}]  # fmt: skip
    for dup in concepts.DUPLICATES:
        out.append({"name": dup.name, "canonical": f"{dup.canonical_module}.{dup.copies[0][1]}",
                    "canonical_import": f"{dup.canonical_module}.{dup.copies[0][1]}",
                    "factories": [f"{dup.canonical_module}.{dup.factory}"], "per_user": dup.name == "session-store"})
    for fam in concepts.FAMILIES:
        out.append({"name": fam.name, "canonical": f"{module_of(fam.base_path)}.{fam.base}", "canonical_import": None,
                    "factories": [], "per_user": False, "interface_family": True})  # fmt: skip
    return out
