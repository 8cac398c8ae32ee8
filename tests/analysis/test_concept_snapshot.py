"""A concept model restored from the snapshot of the last scan answers every query as a freshly built one.

Project A is scanned and its model's snapshot pickled and read back; the tree is then edited the way a calls-only
edit does (blank lines that move every position, a ``print(0)`` call in function bodies), project B is loaded, and
A's snapshot restored against B's index, resolver and import sites is compared with B's own model: every query the
rules, ``api`` and ``capture`` make, for every class, module and factory, and the whole ``api.audit`` result as
JSON. Projects: sample_repo, a configured concept with an alias, a guard and a rejected class, a partial scan, a
generated monorepo (discovered concepts, copies, shims) and a slice of django (deep class hierarchies).
"""

from __future__ import annotations

import ast
import dataclasses
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from benchmarks.monorepo_gen.generate import generate
from ssot_audit import api
from ssot_audit.analysis.concept_snapshot import ConceptSnapshot, restored, take_snapshot
from ssot_audit.analysis.concepts import ConceptInfo, ConceptModel
from ssot_audit.config import load_config
from ssot_audit.project import Project, load_project
from ssot_audit.reporters import REPORTERS

from tests.helpers import write_project

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_repo"
# Django's source: the directory ``SSOT_CORPUS`` names holds django-5.2.19 unpacked (as ``test_model_moved_corpus``)
DJANGO = Path(os.environ.get("SSOT_CORPUS", "/nonexistent")) / "django-5.2.19" / "django"
FLAGS = ("is_async", "delegates", "always_raises")

ROLE = """
class {name}:
    def register_connection(self, user_id, ws):
        self.ws = ws
        self.count = 0
        return ws
    def emit_critical_event(self, kind):
        return kind
    def drain_outbox(self):
        return []
"""
CONFIGURED = {
    "pyproject.toml": "[tool.ssot-audit.concepts.ws]\ncanonical = 'app.guard.WebSocketManager'\n"
                      "factories = ['app.factory.make']\nname-patterns = ['*WebSocket*Manager*']\n",
    "app/__init__.py": "",
    "app/impl.py": ROLE.format(name="_Impl") + "\nWebSocketManager = _Impl\n",
    "app/guard.py": "class _Guard:\n    def __init__(self, *a):\n        raise RuntimeError('use get_manager()')\n\n"
                    "WebSocketManager = _Guard\n",
    "app/factory.py": "from app.impl import _Impl\n\ndef get_manager(user_id):\n    x = user_id\n    y = x\n"
                      "    return _Impl()\n\nmake = get_manager\n",
    "app/legacy.py": ROLE.format(name="LegacyWebSocketManager"),
    "app/dash.py": "class WebSocketDashboardConfigManager:\n    def render(self):\n        return 1\n"
                   "    def register_connection(self, u, w):\n        return 1\n",
    "app/use.py": "from app.impl import WebSocketManager\nfrom app.guard import WebSocketManager as Guarded\n\n"
                  "def f():\n    a = 1\n    b = a\n    return Guarded(b)\n",
}  # fmt: skip
PARTIAL = {
    "pyproject.toml": "[tool.ssot-audit.concepts.manager]\ncanonical = 'app.core.manager.Manager'\n",
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/manager.py": "class Manager:\n    def count(self):\n        return 0\n",
    "app/api/__init__.py": "",
    "app/api/views.py": ROLE.format(name="ViewManager"),
    "app/api/legacy.py": ROLE.format(name="LegacyViewManager"),
}


def _shift(text: str, by: int) -> str:
    """``by`` blank lines at the top (after a first comment line: a coding declaration must stay there)."""
    if text.startswith("#"):
        first, _, rest = text.partition("\n")
        return first + "\n" + "\n" * by + rest
    return "\n" * by + text


def _with_calls(text: str) -> str:
    """``print(0)`` before the last statement of every function body of three statements or more (a call inside a
    function body: what a calls-only edit may change; shorter bodies are left, as a call would make a trivial
    method or a one-line delegation something else, which is not a calls-only edit)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    lines = text.split("\n")
    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
    at = sorted({(f.body[-1].lineno, f.body[-1].col_offset) for f in functions if len(f.body) >= 3}, reverse=True)
    for line, col in at:
        if lines[line - 1][:col].strip() == "" and not lines[line - 2].rstrip().endswith("\\"):
            lines.insert(line - 1, " " * col + "print(0)")
    edited = "\n".join(lines)
    try:
        ast.parse(edited)
    except SyntaxError:
        return text
    return edited


def _edit_tree(root: Path, *, calls: bool, by: int = 3) -> int:
    """Every file's lines moved by ``by``, calls added when ``calls``; the number of calls added."""
    added = 0
    for path in sorted(root.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a file the generator writes in another encoding: left as it is
        edited = _with_calls(text) if calls else text
        added += edited.count("print(0)") - text.count("print(0)")
        path.write_text(_shift(edited, by), encoding="utf-8")
    return added


def _load(root: Path) -> Project:
    return load_project(root, load_config(root), jobs=1)


def _round_trip(model: ConceptModel) -> ConceptSnapshot:
    snapshot = pickle.loads(pickle.dumps(take_snapshot(model), protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(snapshot, ConceptSnapshot)
    return snapshot


def _concept(c: ConceptInfo) -> tuple[Any, ...]:
    return tuple(getattr(c, f.name) for f in dataclasses.fields(c))


def _answers(model: ConceptModel) -> dict[str, Any]:
    """What every caller asks of a model (``grep -rn "concepts\\." ssot_audit``), for every class, module, factory."""
    classes = list(model.roles.role)
    factories = sorted({f for fs in model._factories.values() for f in fs}, key=lambda f: f.fullname)
    targets = [*classes, *factories]
    concepts = [_concept(c) for c in model.concepts]
    return {
        "concepts": concepts,
        "concept_of": [(v, model.concepts.index(c)) for v, c in model.concept_of.items()],
        "kinds": list(model.kinds.items()), "methods": list(model.methods.items()),
        # each set in its iteration order (the similarity sums float weights over them in it): only sets built by
        # the same steps iterate alike (``kept_methods``)
        "iterated": [tuple(names) for names in model.methods.values()], "notes": list(model.notes),
        "factories": list(model._factories.items()),
        "factories_in": {m: model.factories_in(m) for m in model.index.modules},
        "public": [model.public(t) for t in targets],
        "names": [(model.names.find_names(t), model.names.public_name(t), model.names.describe(t),
                   model.names.name_strings(t)) for t in targets],  # fmt: skip
        "aliases": model.names.aliases_by_module(),
        "classes": [(model.async_methods(v), model.production_importers(v), model.canonical_problem(v),
                     model.roles.copied_class(v), model.roles.guard_raise(v), model.roles.is_live_module(v.module),
                     [model.roles.methods_with(v, flag) for flag in FLAGS], model.similarity.words(v),
                     model.similarity.profile(v)) for v in classes],  # fmt: skip
        "returned": [model.returned_classes(f) for f in factories],
        "attached": [model.attach(c.members) for c in model.concepts],
        "compared": [model.similarity.compare(m, c.canonical, declared=d) for c in model.concepts
                     for m in c.all_classes() for d in (False, True)],  # fmt: skip
        "weights": (model.similarity.total, sorted(model.similarity.df.items())),
        "attributes": [sorted(vars(x)) for x in (model, model.roles, model.similarity, model.similarity.interfaces)],
        "interfaces": (model.similarity.interfaces.protocols, model.similarity.interfaces._table,
                       model.similarity.interfaces._by_name, model.similarity.interfaces._hooks),
    }


def _audit_json(project: Project) -> str:
    return REPORTERS["json"](api.audit(project))


def _check_restored(root: Path, scanned: Path | None = None) -> ConceptModel:
    """Scan ``scanned`` (default ``root``), edit ``root``, scan again: A's snapshot restored on B answers as B's
    model. Returns the restored model."""
    scanned = scanned or root
    first = _load(scanned)
    snapshot = _round_trip(first.concepts)
    assert _edit_tree(root, calls=True) > 0
    second = _load(scanned)
    fresh = second.concepts
    back = restored(snapshot, second.index, second.resolver, second.sites, fresh.unparsed)
    assert _answers(back) == _answers(fresh)
    restored_json = _audit_json(dataclasses.replace(second, concepts=back))
    assert restored_json == _audit_json(dataclasses.replace(second, concepts=fresh))
    return back


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".ssot-audit*"))
    return dst


def test_sample_repo(tmp_path: Path) -> None:
    back = _check_restored(_copy(SAMPLE, tmp_path / "sample"))
    assert [c.origin for c in back.concepts].count("configured") == 1 and len(back.concepts) > 1


def test_a_configured_concept_with_an_alias_a_guard_and_a_rejected_class(tmp_path: Path) -> None:
    back = _check_restored(write_project(tmp_path, CONFIGURED))
    (concept,) = back.concepts
    assert concept.canonical.fullname == "app.impl._Impl"
    assert [v.fullname for v, _ in concept.rejected] == ["app.dash.WebSocketDashboardConfigManager"]
    assert back.notes == [concept.warnings[0].join(("concept 'ws': ", ""))] and "guard" in back.notes[0]


def test_a_partial_scan_keeps_its_note(tmp_path: Path) -> None:
    root = write_project(tmp_path, PARTIAL)
    back = _check_restored(root, root / "app" / "api")
    assert back.notes[0].startswith("concept 'manager' not checked (partial scan)")
    assert [c.canonical.fullname for c in back.concepts] == ["app.api.legacy.LegacyViewManager"]


def test_a_generated_monorepo(tmp_path: Path) -> None:
    generate(tmp_path / "mono", files=260, seed=5)
    back = _check_restored(tmp_path / "mono")
    assert len(back.concepts) >= 3 and back.roles.copies


@pytest.mark.skipif(not DJANGO.is_dir(), reason="set SSOT_CORPUS to the directory where django-5.2.19 is unpacked")
def test_a_django_slice(tmp_path: Path) -> None:
    root = tmp_path / "slice"
    for part in ("views", "forms", "contrib/auth"):
        _copy(DJANGO / part, root / "django" / part)
    for package in ("django", "django/contrib"):
        (root / package / "__init__.py").write_text("", encoding="utf-8")
    for migrations in root.rglob("migrations"):
        shutil.rmtree(migrations)
    assert 30 <= len(list(root.rglob("*.py"))) <= 60
    back = _check_restored(root)
    assert len(back.roles.role) == 231 and set(back.kinds.values()) == {"class", "exception", "record", "shim"}
    assert back.concepts == []  # one copy of django: nothing written twice


@pytest.mark.parametrize("calls", [False, True])
def test_the_snapshot_holds_no_position(tmp_path: Path, calls: bool) -> None:
    """Every line moved by 3 (and calls added in function bodies): the snapshot is the same."""
    root = _copy(SAMPLE, tmp_path / "sample")
    before = take_snapshot(_load(root).concepts)
    assert (_edit_tree(root, calls=calls) > 0) == calls
    assert take_snapshot(_load(root).concepts) == before


def test_an_edit_the_model_sees_changes_the_snapshot(tmp_path: Path) -> None:
    """The comparison above can fail: a class that becomes an exception is another role in the snapshot."""
    root = write_project(tmp_path, CONFIGURED)
    before = take_snapshot(_load(root).concepts)
    legacy = root / "app" / "legacy.py"
    legacy.write_text(legacy.read_text(encoding="utf-8").replace("Manager:", "Manager(Exception):"), encoding="utf-8")
    after = take_snapshot(_load(root).concepts)
    assert after.qualnames == before.qualnames and after.roles != before.roles


