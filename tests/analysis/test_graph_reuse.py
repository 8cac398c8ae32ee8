"""The import graph reused from the last scan (``graph_reuse``) equals the graph built from the facts, edit after
edit: body edits, import edits, files added, removed and renamed, a file that shadows a name a package exports,
edits inside cycles."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ssot_audit.analysis import graph_reuse
from ssot_audit.analysis.graph import ImportGraph
from ssot_audit.config import Config
from ssot_audit.project import Project, load_project

from tests.helpers import write_project

MODULES = 6


def _module(i: int) -> str:
    j, k = (i + 1) % MODULES, (i + 2) % MODULES
    return (f"from pkg.m{j} import f{j}\nfrom pkg import Thing{k}\nfrom . import m{k}\n\n\n"
            f"def f{i}():\n    from pkg.sub import helper\n    return helper()\n\n\nclass Thing{i}:\n    pass\n")  # fmt: skip


def _project() -> dict[str, str]:
    files = {f"pkg/m{i}.py": _module(i) for i in range(MODULES)}
    files["pkg/__init__.py"] = "".join(f"from pkg.m{i} import Thing{i}\n" for i in range(MODULES))
    files["pkg/sub/__init__.py"] = "from .tools import helper\n"
    files["pkg/sub/tools.py"] = "import pkg.m0\n\n\ndef helper():\n    return 1\n"
    # a second source root holding ``pkg`` (its modules are tagged ``pkg#2``): ``import extra`` there means
    # ``extra#2`` when that root has an ``extra`` package too (``ProjectIndex.same_root_name``)
    files["tests/pkg/__init__.py"] = ""
    files["tests/pkg/t.py"] = "from pkg import m1\nimport extra\n"
    files["extra/__init__.py"] = ""
    return files


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit; returns what it did (for the failure message)."""
    paths = sorted(root.rglob("*.py"))
    path = rng.choice(paths)
    text = path.read_text(encoding="utf-8")
    kind = rng.choice(["body", "add-import", "remove-import", "shadow", "unshadow", "delete", "rename", "new-file",
                       "local-import", "comment-above", "tag"])  # fmt: skip
    if kind == "body" and "return" in text:
        text = text.replace("    return", "    x = 1\n    return", 1)
    elif kind == "add-import":  # often closes a cycle, or one through a function-local import
        text = f"from pkg.m{rng.randrange(MODULES)} import f{rng.randrange(MODULES)}\n" + text
    elif kind == "remove-import" and "import" in text:
        lines = text.splitlines(keepends=True)
        del lines[rng.choice([n for n, line in enumerate(lines) if "import" in line])]
        text = "".join(lines)
    elif kind == "shadow":  # ``from pkg import ThingK`` now imports the module pkg.ThingK
        path, text = root / "pkg" / f"Thing{rng.randrange(MODULES)}.py", "import pkg.sub\n"
    elif kind == "unshadow":
        for shadow in sorted((root / "pkg").glob("Thing*.py")):
            shadow.unlink()
        return kind
    elif kind == "delete" and len(paths) > 4:
        path.unlink()
        return f"delete {path.name}"
    elif kind == "rename" and path.name != "__init__.py":
        target = path.with_name(f"r{rng.randrange(100)}_{path.name}")
        path.rename(target)
        return f"rename {path.name} -> {target.name}"
    elif kind == "new-file":
        path, text = root / "pkg" / f"m{rng.randrange(MODULES, 2 * MODULES)}.py", "from pkg.m1 import f1\n"
    elif kind == "local-import":
        text += f"\n\ndef late():\n    import pkg.m{rng.randrange(MODULES)}\n"
    elif kind == "tag":  # the tagged root gains or loses its own ``extra``
        (root / "tests" / "extra").mkdir(exist_ok=True)
        tagged = root / "tests" / "extra" / "__init__.py"
        if tagged.exists():
            tagged.unlink()
            return "untag extra"
        path, text = tagged, ""
    elif kind == "comment-above":  # every import line of the file moves
        text = "# moved\n" + text
    path.write_text(text, encoding="utf-8")
    return f"{kind} {path.name}"


def _edges(project: Project) -> tuple[list[str], list[tuple[str, str, dict[str, object]]]]:
    graph = project.graph.graph
    return sorted(graph.nodes), sorted(graph.edges(data=True), key=lambda e: (e[0], e[1]))


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_reused_graph_is_the_graph_of_the_facts(tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", _project())
    made: list[graph_reuse.KeptEdges] = []
    real = graph_reuse.KeptEdges

    def recording(*args: object) -> graph_reuse.KeptEdges:
        made.append(real(*args))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(graph_reuse, "KeptEdges", recording)
    rng = random.Random(seed)
    done: list[str] = []
    reused = 0
    for _ in range(15):
        project = load_project(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
        plain = ImportGraph(project.index)
        assert _edges(project) == (sorted(plain.graph.nodes), sorted(plain.graph.edges(data=True), key=lambda e: (e[0], e[1]))), done
        for local in (False, True):
            assert project.graph.find_cycles(include_function_local=local) == plain.find_cycles(include_function_local=local), done
        reused += made[-1].reused
        done.append(_edit(root, rng))
    assert reused > 0  # the edits above leave most modules' reads answering the same


def test_a_body_edit_recomputes_only_the_edited_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "proj", _project())
    load_project(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
    edited = root / "pkg" / "m2.py"
    edited.write_text(edited.read_text(encoding="utf-8").replace("    return", "    y = 2\n    return"), encoding="utf-8")
    made: list[graph_reuse.KeptEdges] = []
    real = graph_reuse.KeptEdges
    monkeypatch.setattr(graph_reuse, "KeptEdges", lambda *args: made.append(real(*args)) or made[-1])
    load_project(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
    assert made[0].reused == len(_project()) - 1


def test_a_new_module_recomputes_the_modules_that_looked_its_name_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``from pkg import Thing3`` looked up ``pkg.Thing3`` (absent); a new ``pkg/Thing3.py`` changes that answer, so
    the modules that asked are recomputed (their edge now goes to ``pkg.Thing3``) and the others reused."""
    root = write_project(tmp_path / "proj", _project())
    load_project(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
    (root / "pkg" / "Thing3.py").write_text("X = 1\n", encoding="utf-8")
    made: list[graph_reuse.KeptEdges] = []
    real = graph_reuse.KeptEdges
    monkeypatch.setattr(graph_reuse, "KeptEdges", lambda *args: made.append(real(*args)) or made[-1])
    project = load_project(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
    # only m1 asked for pkg.Thing3 (pkg/__init__ asked for pkg.m3.Thing3); the new module had no unit to reuse
    assert made[0].reused == len(_project()) - 1
    assert made[0].units["pkg.m1"][2] == (("pkg.m2.f2", False, False), ("pkg.m2", False, True), ("pkg.Thing3", False, True),
                                          ("pkg.m3", False, True), ("pkg.sub.helper", False, False), ("pkg.sub", False, True))  # fmt: skip
    assert project.graph.find_dependencies("pkg.m1") == ("pkg.Thing3", "pkg.m2", "pkg.m3", "pkg.sub")


def test_a_package_added_to_a_tagged_root_recomputes_its_importers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``import extra`` in ``pkg#2.t`` looked up whether ``extra#2`` exists (through ``absolute_import_module``'s
    memo, bypassed while a unit records); once ``tests/extra`` is a package the edge goes there."""
    root = write_project(tmp_path / "proj", _project())
    first = load_project(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
    assert first.graph.find_dependencies("pkg#2.t") == ("extra", "pkg#2")
    write_project(root, {"tests/extra/__init__.py": ""})
    made: list[graph_reuse.KeptEdges] = []
    real = graph_reuse.KeptEdges
    monkeypatch.setattr(graph_reuse, "KeptEdges", lambda *args: made.append(real(*args)) or made[-1])
    project = load_project(root, Config(), jobs=1, cache_dir=tmp_path / "cache")
    assert project.graph.find_dependencies("pkg#2.t") == ("extra#2", "pkg#2")
    assert ("extra#2", True, True) in made[0].units["pkg#2.t"][2]
    assert made[0].reused == len(_project()) - 1  # all but pkg#2.t (extra#2 is new)
