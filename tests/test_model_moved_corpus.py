"""Ground truth for ``model.moved.moved_result``: cold-scan a tree, insert blank and comment lines at random places of
files holding positions, cold-scan again, and the old result moved by a difflib line map is the new one (except the
excerpts of the edited files, which the caller recomputes, and the fixes of findings in them, which it rebuilds)."""

from __future__ import annotations

import difflib
import io
import os
import random
import shutil
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.config import load_config
from ssot_audit.fixing import with_fixes
from ssot_audit.model import AuditResult
from ssot_audit.model.moved import fixes_to_rebuild, moved_result

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_repo"
# Django's source (django-5.2.19 unpacked): the directory ``SSOT_CORPUS`` names holds it where the corpus of real
# projects is unpacked (no path of a machine in the repository); without it the django test is skipped.
DJANGO = Path(os.environ.get("SSOT_CORPUS", "/nonexistent")) / "django-5.2.19"
DJANGO_SLICE = "django/db/models"  # 47 files with findings of SSOT201, SSOT202 (cycles: related lines) and SSOT203


def _scan(root: Path, fixes: bool) -> AuditResult:
    project = api.load_project(root, load_config(root), jobs=1)
    result = api.audit(project)
    return with_fixes(project, result) if fixes else result


def _paths_with_positions(result: AuditResult) -> list[str]:
    """Every file some position of ``result`` is in, sorted."""
    paths = {f.location.path for f in result.findings} | {r.location.path for f in result.findings for r in f.related}
    paths |= {m.location.path for c in result.concepts for m in c.members} | {r.path for r in result.symbol_imports}
    paths |= {s.comment.path for s in result.suppressed} | {s.finding.location.path for s in result.suppressed}
    return sorted(paths - {f.location.path for f in result.findings if f.code == "SSOT900"})


def _insertable(text: str) -> list[int]:
    """Lines before which a blank or comment line changes no token: lines where a token starts right after a line
    break (NEWLINE or NL), so not inside a string nor after a backslash continuation (nor line 1 above a cookie)."""
    lines, previous = set(), tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.INDENT, tokenize.DEDENT):
            continue
        if previous in (tokenize.NEWLINE, tokenize.NL) and token.start[1] == len(token.line) - len(token.line.lstrip()):
            lines.add(token.start[0])
        previous = token.type
    cookie = any("coding" in line for line in text.splitlines()[:2])  # it must stay on line 1 or 2
    return sorted(n for n in lines if n > 1 or not cookie)


def _deletable(text: str) -> list[int]:
    """Blank and comment-only lines past the second (not an encoding cookie) outside strings, except suppression
    comments: deleting one changes no token."""
    starts: dict[int, set[int]] = {}
    inside: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        starts.setdefault(token.start[0], set()).add(token.type)
        inside.update(range(token.start[0] + 1, token.end[0] + 1))
    lines = text.splitlines()
    return [n for n, types in sorted(starts.items())
            if n > 2 and n not in inside and types <= {tokenize.COMMENT, tokenize.NL} and n <= len(lines)
            and "ssot:" not in lines[n - 1]]  # fmt: skip


def _edit(text: str, rng: random.Random, hunks: int) -> str:
    """``text`` with ``hunks`` runs of 1-3 blank or comment lines inserted at random insertable lines, one of them
    the first or second (so that most positions move), and up to two blank or comment lines deleted."""
    insertable, deletable = _insertable(text), _deletable(text)
    chosen = {rng.choice(insertable[:2]), *rng.sample(insertable, min(hunks - 1, len(insertable)))}
    deleted = set(rng.sample(deletable, min(rng.randint(0, 2), len(deletable))))
    out = []
    for number, line in enumerate(text.splitlines(keepends=True) + [""], 1):  # "": inserting at the very end
        if number in chosen:
            out += [rng.choice(["\n", "# moved by the test\n", "    # an indented note\n"]) for _ in range(rng.randint(1, 3))]
        if number not in deleted:
            out.append(line)
    return "".join(out)


def _rule_lines_one(result: AuditResult, paths: Iterable[str]) -> set[str]:
    """The files of ``paths`` where a finding or a related location is at line 1."""
    places = [f.location for f in result.findings] + [r.location for f in result.findings for r in f.related]
    return {loc.path for loc in places if loc.line == 1} & set(paths)


def _new_line(old: str, new: str) -> Callable[[int], int | None]:
    """The line map of two texts: each old line in a matching block of difflib -> its line in the new text."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    table = {a + k + 1: b + k + 1 for a, b, size in matcher.get_matching_blocks() for k in range(size)}
    return table.get


def _expected(fresh: AuditResult, moved: Iterable[str]) -> AuditResult:
    """A fresh scan's result as ``moved_result`` gives it: without the excerpts of moved files, nor the fixes built
    from their text (of the findings located in them, and that edit them)."""
    paths = set(moved)
    findings = tuple(replace(f, fix=None) if f.fix is not None and {f.location.path, *f.fix.paths} & paths else f
                     for f in fresh.findings)  # fmt: skip
    return replace(fresh, findings=findings, excerpts=tuple(e for e in fresh.excerpts if e.path not in paths))


def _check_edits(tree: Path, edits: list[list[str]], *, fixes: bool, seed: int) -> int:
    """Edit each group of files of ``edits`` in turn (each from the original text) and compare; returns how many
    fixes ``moved_result`` left out (what the caller rebuilds)."""
    rng = random.Random(seed)
    before = _scan(tree, fixes)
    rebuilt = changed = refused = 0
    for group in edits:
        originals = {p: (tree / p).read_text(encoding="utf-8") for p in group}
        moves = {}
        for path, text in originals.items():
            edited = _edit(text, rng, hunks=4)
            (tree / path).write_text(edited, encoding="utf-8")
            moves[path] = _new_line(text, edited)
        after = _scan(tree, fixes)
        moved = moved_result(before, moves, after.stats.lines)
        if moved is None:  # refused only for a rule's position at line 1 with a line inserted above it
            assert any(moves[p](1) != 1 for p in _rule_lines_one(before, group)), group
            refused += 1
        else:
            assert moved == _expected(after, group), group
            changed += moved.findings != before.findings or moved.concepts != before.concepts
        rebuild = fixes_to_rebuild(before, moves) if moved is not None else ()
        if moved is not None:
            dropped = [i for i, (old, new) in enumerate(zip(before.findings, moved.findings)) if old.fix != new.fix]
            assert set(dropped) <= set(rebuild) and all(moved.findings[i].fix is None for i in rebuild)
            rebuilt += len(dropped)
        for path, text in originals.items():
            (tree / path).write_text(text, encoding="utf-8")
    # most edits were answered and moved positions (not all: refused, or the file's positions all above the edits)
    assert changed > len(edits) * 2 // 3, (changed, refused, len(edits))
    return rebuilt


def _kinds(result: AuditResult) -> list[str]:
    """A file of each kind of position the result holds (the first in path order), so that every kind is edited."""
    kinds = [sorted({f.location.path for f in result.findings if f.code != "SSOT900"}),
             sorted({r.location.path for f in result.findings for r in f.related}),
             sorted({m.location.path for c in result.concepts for m in c.members}),
             sorted({r.path for r in result.symbol_imports}), sorted({s.comment.path for s in result.suppressed}),
             sorted({s.finding.location.path for s in result.suppressed})]  # fmt: skip
    return sorted({paths[0] for paths in kinds if paths})


def _groups(tree: Path, result: AuditResult, rng: random.Random, singles: int, pairs: int) -> list[list[str]]:
    """A file of each kind of position, some more files alone and some pairs (a finding in one file pointing into
    the other moves both ways); files where a line can be inserted (not an empty ``__init__.py``)."""
    paths = [p for p in _paths_with_positions(result) if _insertable((tree / p).read_text(encoding="utf-8"))]
    return ([[p] for p in _kinds(result) if p in paths] + [[p] for p in rng.sample(paths, min(singles, len(paths)))]
            + [rng.sample(paths, 2) for _ in range(pairs)])  # fmt: skip


def _statement_ends(text: str) -> set[int]:
    """Lines that end a statement (a NEWLINE token): a comment can be appended to them."""
    return {t.start[0] for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.NEWLINE}


def _silence(tree: Path, result: AuditResult) -> None:
    """Add suppression comments to the tree: on the line of a finding of each of a few codes, on a related line of
    a cluster finding (SSOT101: the comment is in another file than the finding) and one that silences nothing."""
    wanted: dict[tuple[str, int], str] = {}
    for finding in result.findings:
        places = [finding.location] + ([r.location for r in finding.related] if finding.code == "SSOT101" else [])
        for loc in places[::-1][:1] if finding.code == "SSOT101" else places:
            text = (tree / loc.path).read_text(encoding="utf-8")
            if loc.line in _statement_ends(text) and finding.code not in wanted.values():
                wanted[(loc.path, loc.line)] = finding.code
    wanted[min(wanted)[0], min(wanted)[1]] = "SSOT402"  # on a line without that finding: SSOT901 reports it
    for (path, line), code in wanted.items():
        lines = (tree / path).read_text(encoding="utf-8").splitlines(keepends=True)
        lines[line - 1] = lines[line - 1].rstrip("\n") + f"  # ssot: ignore[{code}] -- set aside by the test\n"
        (tree / path).write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("fixes", [False, True], ids=["text", "with-fixes"])
def test_sample_repo_edits_give_the_fresh_scans_result(tmp_path: Path, fixes: bool) -> None:
    tree = tmp_path / "sample_repo"
    shutil.copytree(SAMPLE, tree)
    _silence(tree, _scan(tree, False))
    before = _scan(tree, False)
    assert len(_paths_with_positions(before)) > 30 and before.concepts and before.symbol_imports
    silenced = {s.finding.code for s in before.suppressed}
    assert "SSOT101" in silenced and len(silenced) > 4 and "SSOT901" in {f.code for f in before.findings}
    rebuilt = _check_edits(tree, _groups(tree, before, random.Random(12), singles=8, pairs=3), fixes=fixes, seed=5)
    assert (rebuilt > 0) == fixes  # the fixes of edited files were really left out (and rebuilt by the fresh scan)


@pytest.mark.skipif(not DJANGO.is_dir(), reason="set SSOT_CORPUS to the directory where django-5.2.19 is unpacked")
def test_a_slice_of_django_edits_give_the_fresh_scans_result(tmp_path: Path) -> None:
    shutil.copytree(DJANGO / DJANGO_SLICE, tmp_path / DJANGO_SLICE)
    for package in ("django", "django/db"):
        (tmp_path / package / "__init__.py").touch()
    before = _scan(tmp_path, False)
    assert {f.code for f in before.findings} >= {"SSOT201", "SSOT202", "SSOT203"}
    _check_edits(tmp_path, _groups(tmp_path, before, random.Random(7), singles=6, pairs=2), fixes=True, seed=9)


def test_insertable_lines_are_outside_strings_and_continuations() -> None:
    text = 'x = """\na\n"""\ny = (1,\n     2)\nz = 1 + \\\n    2\n# note\nif x:\n    pass\n'
    assert _insertable(text) == [1, 4, 5, 6, 8, 9, 10, 11]  # not 2, 3 (in a string) nor 7 (after a backslash)
    assert _insertable("# coding: latin-1\nx = 1\n") == [2, 3]  # the cookie stays on line 1


def test_deletable_lines_are_blank_or_comments_outside_strings() -> None:
    text = '# -*- coding: utf-8 -*-\n\nx = """\n\n# not a comment\n"""\n\n# note\ny = 1  # ssot: ignore[SSOT101]\n# ssot: file-ignore[SSOT102]\n'
    assert _deletable(text) == [7, 8]


def test_the_difflib_map_skips_changed_lines() -> None:
    new_line = _new_line("a\nb\nc\nd\n", "a\nx\nb\nC\nd\n")
    assert [new_line(n) for n in (1, 2, 3, 4)] == [1, 3, None, 5]


def test_a_line_inserted_above_a_rules_line_one_constant_is_refused(tmp_path: Path) -> None:
    """SSOT203 points at line 1 of a module that lacks the imported name (``min(lines, default=1)``): a fresh scan
    after a line is inserted at the top still says line 1, so moving it to line 2 would be wrong."""
    tree = tmp_path / "sample_repo"
    shutil.copytree(SAMPLE, tree)
    lacking = "app/websocket_core/websocket_manager.py"
    before = _scan(tree, False)
    text = (tree / lacking).read_text(encoding="utf-8")
    (tree / lacking).write_text("# a new first line\n" + text, encoding="utf-8")
    after = _scan(tree, False)
    pointing = [r.location for f in after.findings if f.code == "SSOT203" for r in f.related if r.location.path == lacking]
    assert [loc.line for loc in pointing] == [1]
    assert moved_result(before, {lacking: _new_line(text, "# a new first line\n" + text)}, after.stats.lines) is None
