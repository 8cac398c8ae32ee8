"""Edits no rule can see: the scan moves the last result's positions instead of loading the project, and gives
byte for byte what a cold scan gives (JSON with fixes, text with excerpts)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from ssot_audit import api

from tests.helpers import (
    fixable_project, incremental_project, record_parsing, scan_output, scanned_tree, write_project,
)

UNSEEN = ("comment", "blank", "unused-local")  # edits that change no fact a reader sees
# a changed literal changes no fact either, but the line map cannot follow a changed line: a position on it (the
# function's last line) sends the scan the whole way
EITHER = ("literal",)
SEEN = ("call", "read-local", "suppress", "rename")  # edits the whole scan must judge


def _edit(root: Path, rng: random.Random, kind: str) -> str:
    """One edit of ``kind`` at a random place of a random module; returns what it did (for failure messages)."""
    path = rng.choice(sorted(root.rglob("m*.py")))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    returns = [n for n, line in enumerate(lines) if line.lstrip().startswith("return ")]
    at = rng.randrange(len(lines) + 1)
    n = rng.randrange(1000)
    if kind == "comment":
        lines.insert(at, f"    # note {n}\n" if at < len(lines) and lines[at].startswith(" ") else f"# note {n}\n")
    elif kind == "blank":
        lines.insert(at, "\n")
    elif kind in ("unused-local", "call", "read-local"):
        # not before ``return <constant>``: a body that only returns a constant is trivial (what test doubles are
        # made of), and a statement more makes it not: that is seen (``FunctionFact.is_trivial``)
        at = rng.choice([n for n in returns if not re.fullmatch(r"\s*return (None|\d+)\n", lines[n])])
        indent = re.match(r"\s*", lines[at]).group()  # type: ignore[union-attr]
        statement = {"unused-local": f"_unused_{n} = {n}", "call": f"print({n})", "read-local": "_r = _r_seed = 1"}[kind]
        lines.insert(at, f"{indent}{statement}\n")
        if kind == "read-local":  # a local that the return statement now reads
            lines[at + 1] = lines[at + 1].replace("return ", "return _r or ", 1)
    elif kind == "literal":
        at = next((n for n in returns if lines[n].strip() == "return 1"), returns[0])
        lines[at] = lines[at].replace("return 1", f"return {n + 2}") if "return 1" in lines[at] else lines[at]
    elif kind == "suppress":
        at = rng.choice(returns)
        lines[at] = lines[at].rstrip("\n") + "  # ssot: ignore[SSOT401]\n"
    elif kind == "rename":
        text = "".join(lines)  # get_N <-> got_N: its importers miss it (or find it again)
        text = text.replace("def get_", "def got_", 1) if "def get_" in text else text.replace("def got_", "def get_", 1)
        lines = text.splitlines(keepends=True)
    path.write_text("".join(lines), encoding="utf-8")
    return f"{kind} {path.name}:{at + 1}"


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The list that every load of the whole project appends to (the work an unseen edit must not do): the eager
    load, and the lazy one of a scan after a calls-only edit (``rerun.restored_project``)."""
    loads: list[str] = []
    eager, lazy = api.load_walked, api.restored_project

    def counting(root: Path, *args: object, **kwargs: object) -> api.Project:
        loads.append(root.name)
        return eager(root, *args, **kwargs)  # type: ignore[arg-type]

    def counting_lazy(root: Path, *args: object, **kwargs: object) -> object:
        loads.append(root.name)
        return lazy(root, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "load_walked", counting)
    monkeypatch.setattr(api, "restored_project", counting_lazy)
    return loads


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_random_unseen_and_seen_edits_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    root, cache = scanned_tree(tmp_path, incremental_project(), both_scopes=True)
    rng = random.Random(seed)
    loads = _loads(monkeypatch)
    done: list[str] = []
    for _ in range(14):
        kind = rng.choice(UNSEEN + SEEN + EITHER)
        done.append(_edit(root, rng, kind))
        # two scopes of one cache, as CI's JSON scans (with fixes) and the pre-commit hook's text scans: each keeps
        # its own last result. A fixable finding in the edited file sends the JSON scan the whole way.
        assert scan_output(root, cache, "json", True) == scan_output(root, None, "json", True), done
        loads.clear()
        assert scan_output(root, cache, "text") == scan_output(root, None, "text"), done
        if kind not in EITHER:  # the cold scan loads the project once, the cached one only for a seen edit
            assert loads == (["proj", "proj"] if kind in SEEN else ["proj"]), (done, loads)


def test_an_unseen_edit_keeps_the_fixes_of_files_that_did_not_read_it(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    files = {**fixable_project(), "app/quiet.py": "def helper(value):\n    size = len(value)\n    return size\n"}
    root = write_project(tmp_path / "proj", files)
    cache = tmp_path / "cache"
    first = scan_output(root, cache, fixes=True)
    assert '"fix"' in first  # fixes to keep
    loads = _loads(monkeypatch)
    quiet = root / "app/quiet.py"
    quiet.write_text("# a comment\n" + quiet.read_text().replace("    return", "    _unused = 1\n    return"))
    assert scan_output(root, cache, fixes=True) == scan_output(root, None, fixes=True)
    assert loads == ["proj"]  # only the cold scan: the cached one moved the last result
    loads.clear()
    user = root / "pkg/old_user.py"  # the SSOT102 fix of pkg/legacy.py edits it: the whole scan builds it again
    user.write_text("# a comment\n" + user.read_text())
    assert scan_output(root, cache, fixes=True) == scan_output(root, None, fixes=True)
    assert loads == ["proj", "proj"]


def test_an_unseen_edit_parses_only_the_edited_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = scanned_tree(tmp_path)
    parsed = record_parsing(monkeypatch)
    path = root / "pkg/m3.py"
    path.write_text("# moved down\n\n" + path.read_text())
    moved = scan_output(root, cache)
    assert parsed == ["pkg/m3.py"]
    assert moved == scan_output(root, None)


def test_a_file_added_or_removed_is_never_an_unseen_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = scanned_tree(tmp_path)
    loads = _loads(monkeypatch)
    (root / "pkg/m3.py").write_text("# moved down\n" + (root / "pkg/m3.py").read_text())
    (root / "pkg/extra.py").write_text("X = 1\n")
    assert scan_output(root, cache) == scan_output(root, None)
    assert loads == ["proj", "proj"]
