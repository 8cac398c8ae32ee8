"""The scan after an interface edit (``interface_scan``): a name added, removed or renamed keeps the concept model and
runs again only what the dependency record says may change, and gives the cold scan's output byte for byte."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from ssot_audit import interface_scan
from ssot_audit.config import load_config
from ssot_audit.interface_scan import Rerun, find_traces
from ssot_audit.project import scope_key, walk_tree
from ssot_audit.rerun import find_kept
from ssot_audit.rules import ALL_RULES

from tests.analysis.test_calls_only_scan import _record
from tests.helpers import fixable_project, scan_output, scanned_tree, write_project


def _project() -> dict[str, str]:
    """``fixable_project`` with plain (not factory-named, not async) functions that calls and other modules read:
    what a rename or a removal can change without touching the concept model."""
    files = fixable_project()
    for i in range(8):
        tool = f"\n\ndef tool_{i}(x):\n    return Manager{i % 3}()\n\n\nRATE_{i} = tool_{i}(1)\n"
        files[f"pkg/m{i}.py"] = textwrap.dedent(files[f"pkg/m{i}.py"]) + tool
    files["pkg/tools.py"] = "from pkg import m2\n\n\ndef run():\n    return m2.tool_2(3)\n"
    files["pkg/late.py"] = "def later():\n    from pkg.m5 import tool_5\n    return tool_5(1)\n"
    # a function imported by two paths (SSOT201): renaming it changes the import sites, which the model holds
    files["app/core/__init__.py"] += "from app.core.shapes import shape\n"
    files["app/core/shapes.py"] = "def shape(x):\n    return x\n"
    files["app/c.py"] = "from app.core.shapes import shape\n"
    files["app/d.py"] = "from app.core import shape\n"
    return files


KINDS = ("constant", "function", "rename", "unrename", "call")


def _edit(root: Path, rng: random.Random) -> str:
    """One random interface (or calls-only) edit of a module ``pkg/m*.py``; returns what it did."""
    if rng.random() < 0.15:
        shapes = root / "app/core/shapes.py"
        text = shapes.read_text(encoding="utf-8")
        shapes.write_text(text.replace("shape(", "shape_r(") if "shape(" in text else text.replace("shape_r(", "shape("))
        return "reexported shapes.py"
    path = rng.choice(sorted(root.glob("pkg/m*.py")))
    i = int(path.stem[1:])
    text = path.read_text(encoding="utf-8")
    n = rng.randrange(1000)
    kind = rng.choice(KINDS)
    if kind == "constant":
        text += f"\nLIMIT_{n} = {n}\n"
    elif kind == "function":
        text += f"\n\ndef helper_{n}(y):\n    return y\n"
    elif kind == "rename":  # the def only: its uses in the file now name nothing (SSOT203 cannot see it: a local)
        text = re.sub(rf"def tool_{i}\b", f"def tool_{i}_r{n}", text, count=1)
    elif kind == "unrename":
        text = re.sub(rf"def tool_{i}_r\d+\b", f"def tool_{i}", text, count=1)
    else:
        text = text.replace("    return Manager", f"    print({n})\n    return Manager", 1)
    path.write_text(text, encoding="utf-8")
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_random_interface_edits_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    interface, done = random_edits(tmp_path, monkeypatch, seed, _edit)
    assert interface >= 6, done  # the test exercised the path


def random_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, edit: Callable[[Path, random.Random], str],
                 taken: Callable[[Path, Path, bool], None] = lambda root, cache, fixes: None,
                 files: dict[str, str] | None = None, edits: int = 12) -> tuple[int, list[str]]:  # fmt: skip
    """``edits`` seeded random ``edit``s of ``files`` (default ``_project``), each followed by ``scans_after_edit``;
    how many scans took the interface path (``taken`` checks more of each), and what the edits did."""
    root, cache = scanned_tree(tmp_path, _project() if files is None else files, both_scopes=True)
    rng = random.Random(seed)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    done: list[str] = []
    count = 0
    for _ in range(edits):
        done.append(edit(root, rng))
        for fixes in scans_after_edit(root, cache, built, ran, done):
            taken(root, cache, fixes)
            count += 1
    return count, done


def scans_after_edit(root: Path, cache: Path, built: list[str], ran: list[object], done: list[str]) -> list[bool]:
    """CI's JSON scan (fixes attached) and the hook's text scan of ``root`` with ``cache``, each equal to a cold
    scan's output; of those that took the interface path (``built`` and ``ran`` from ``_record``: the last rules ran
    with a ``Rerun``, and the concept model was kept), whether each was a JSON scan."""
    took = []
    for fmt, fixes in (("json", True), ("text", False)):
        built.clear()
        ran.clear()
        cached = scan_output(root, cache, fmt, fixes)
        took_path = bool(ran) and isinstance(ran[-1], Rerun)  # a scan that gave up the path ran the rules again
        model_built = bool(built)
        assert cached == scan_output(root, None, fmt, fixes), (done, fmt)
        if took_path:
            assert not model_built, (done, fmt)  # the model was kept
            took.append(fixes)
    return took


def _cli(root: Path, cache: Path | None, hash_seed: int) -> str:
    """The JSON of ``ssot-audit scan`` of ``root`` in a process of its own, under ``PYTHONHASHSEED``."""
    where = ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    done = subprocess.run([sys.executable, "-m", "ssot_audit", "scan", str(root), *where, "--format", "json", "-j", "1",
                           "--exit-zero"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONHASHSEED": str(hash_seed)})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_record_of_one_process_serves_another_with_another_string_hash(tmp_path: Path) -> None:
    """Which answers get memoised, and so what the record holds, can depend on string hashing: the scan after an
    edit, in a process hashing strings otherwise than the full scan's, still gives the cold scan's output."""
    root = write_project(tmp_path / "proj", _project())
    cache = tmp_path / "cache"
    _cli(root, cache, 1)
    rng = random.Random(41)
    done = []
    for hash_seed in (2, 3, 4, 5):
        done.append(_edit(root, rng))
        assert _cli(root, cache, hash_seed) == _cli(root, None, 6), done
    config = load_config(root)  # the scans after the edits added their records to the full scan's: they took the path
    _, tree = walk_tree(root, config, scope_key(root, config, ALL_RULES, "fixes"), cache, scope_key(root, config, ALL_RULES))
    kept = find_kept(tree)
    assert tree is not None and kept is not None
    traces = find_traces(tree, kept.token, read=False)
    assert traces is not None and len(traces.deltas) >= 2, done  # an edit may change nothing, or reach the model


def test_past_the_deltas_budget_the_record_is_dropped_and_the_whole_scan_runs(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(interface_scan, "MAX_DELTA_EDGES", 0)
    root, cache = scanned_tree(tmp_path, _project())
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    path = root / "pkg/m3.py"
    path.write_text(path.read_text(encoding="utf-8") + "\nLIMIT = 1\n", encoding="utf-8")
    assert scan_output(root, cache) == scan_output(root, None)
    assert built == ["model"] and isinstance(ran[0], Rerun)  # the path (the cold scan built the model), its delta
    built.clear()  # over the budget: the record is dropped
    path.write_text(path.read_text(encoding="utf-8") + "\nLIMIT_2 = 2\n", encoding="utf-8")
    assert scan_output(root, cache) == scan_output(root, None)
    assert built == ["model", "model"]  # the whole scan built it too


def _local_edit(root: Path, rng: random.Random) -> str:
    """A local that a function or a method reads (``loc/made.py``, ``test_trace_truth.LOCALS``) assigned another
    value, which another module's ``await`` reads (SSOT401); else, a time in three, ``_edit``'s."""
    if rng.random() < 0.3:
        return _edit(root, rng)
    path = root / "loc/made.py"
    name, value = rng.choice(["made", "built"]), rng.choice(["Sync()", "Async()", "None", "Maker()"])
    path.write_text(re.sub(rf"(?m)^( +{name} = ).*$", rf"\g<1>{value}", path.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")  # fmt: skip
    return f"{name} = {value}"


@pytest.mark.parametrize("seed", [41, 42])
def test_random_edits_of_locals_another_module_reads_give_the_cold_scan_byte_for_byte(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A local read through a call (``await make().run()``) or a module-level name (``MADE = make()``) changes the
    findings of other modules: the interface path takes the edit (it refused it before) and gives the cold output."""
    from tests.analysis.test_trace_truth import LOCALS

    interface, done = random_edits(tmp_path, monkeypatch, seed, _local_edit, files={**_project(), **LOCALS}, edits=14)
    assert interface >= 8, done


def _module_call_edit(root: Path, rng: random.Random) -> str:
    """A call outside function bodies: a namespace writer's call added to or taken from ``mc/compat.py``
    (``test_trace_truth.MODULE_CALLS``: another module's SSOT203 reads it), or ``print(n)`` added at the end of a
    ``pkg/m*.py``; else, a time in three, ``_edit``'s."""
    roll = rng.random()
    if roll < 0.3:
        return _edit(root, rng)
    if roll < 0.65:
        path = root / "mc/compat.py"
        text = path.read_text(encoding="utf-8")
        call = "install(legacy_one=1)\n"
        path.write_text(text.replace(call, "") if call in text else text + call, encoding="utf-8")
        return f"{'-' if call in text else '+'} install in compat.py"
    path = rng.choice(sorted(root.glob("pkg/m*.py")))
    n = rng.randrange(1000)
    path.write_text(path.read_text(encoding="utf-8") + f"\nprint({n})\n", encoding="utf-8")
    return f"print({n}) in {path.name}"


@pytest.mark.parametrize("seed", [51, 52])
def test_random_calls_outside_function_bodies_give_the_cold_scan_byte_for_byte(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A call at module level added or taken away (one that fills another namespace changes SSOT203 elsewhere):
    the interface path takes the edit (it refused it before) and gives the cold output."""
    from tests.analysis.test_trace_truth import MODULE_CALLS

    files = {**_project(), **MODULE_CALLS}
    interface, done = random_edits(tmp_path, monkeypatch, seed, _module_call_edit, files=files, edits=14)
    assert interface >= 8, done
