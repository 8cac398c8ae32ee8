"""Line digests number lines as ``ast`` does, and ``LineMap`` pairs old and new lines monotonically, as well as
difflib on the plain lists of lines, on random edits of real files (the standard library's)."""

from __future__ import annotations

import ast
import difflib
import random
import re
import sysconfig
import zlib
from collections import Counter
from pathlib import Path

import pytest

from ssot_audit.analysis import linemap
from ssot_audit.analysis.linemap import LineMap, line_digest

STDLIB = Path(sysconfig.get_paths()["stdlib"])
_LINE_END = re.compile(rb"\r\n|\r|\n")


def _lines(data: bytes) -> list[bytes]:
    """The plain definition of a file's lines: cut at every \\r\\n, \\r or \\n; a last line without one counts."""
    parts = _LINE_END.split(data)
    return parts[:-1] if parts and parts[-1] == b"" else parts


def _plain_digest(data: bytes) -> bytes:
    return b"".join(zlib.crc32(line).to_bytes(4, "little") for line in _lines(data))


def _text(lines: list[bytes], ending: bytes = b"\n") -> bytes:
    return b"".join(line + ending for line in lines)


def _corpus() -> list[Path]:
    return sorted(STDLIB.glob("*.py"))[::4] + sorted((STDLIB / "email").glob("*.py"))


ODD_FILES = [
    b"",
    b"x = 1",  # no final newline
    b"\n\n\n",
    b"x = 1\r\ny = 2\r\n",
    b"x = 1\ry = (\r  2)\rz = 3",
    b"\xef\xbb\xbfx = 1\n",  # a BOM
    b"x = 1\n\x0c\n\x0cdef f():\n    return '''a\rb\r\nc'''\n",  # form feeds end no line
    b"# -*- coding: latin-1 -*-\nname = '\xe9'\n",
    b"def f(:\n  pass\n",  # does not parse: still has lines
]


@pytest.mark.parametrize("data", ODD_FILES)
def test_the_digest_is_one_crc_a_line(data: bytes) -> None:
    assert line_digest(data) == _plain_digest(data)
    assert len(line_digest(data)) == 4 * len(_lines(data))


def test_lines_are_numbered_as_ast_numbers_them() -> None:
    """Every name ``ast`` finds is in the line the digest numbers as its line, at its column."""
    checked = 0
    for data in [*ODD_FILES, *(path.read_bytes() for path in _corpus())]:
        encoding = "latin-1" if data.startswith(b"# -*- coding: latin-1") else "utf-8-sig"
        try:
            tree = ast.parse(data.decode(encoding))
        except SyntaxError:
            continue
        lines = _lines(data.removeprefix(b"\xef\xbb\xbf"))  # ast's columns count from after the BOM
        assert len(line_digest(data)) == 4 * len(lines)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id.isascii():
                assert lines[node.lineno - 1][node.col_offset : node.col_offset + len(node.id)] == node.id.encode()
                checked += 1
    assert checked > 20_000


def _edit(rng: random.Random, lines: list[bytes], hunks: int, *, copies: bool = True) -> tuple[list[bytes], dict[int, int]]:
    """``lines`` with ``hunks`` random insertions, deletions and replacements (inserted lines are blank, ``pass``, new,
    or with ``copies`` often copies of lines of the file), and the map the edit keeps: old index -> new index, 0-based."""
    spots = sorted(rng.sample(range(len(lines) + 1), min(hunks, len(lines) + 1)))
    new: list[bytes] = []
    kept: dict[int, int] = {}
    old = 0
    for spot in spots:
        while old < spot:
            kept[old] = len(new)
            new.append(lines[old])
            old += 1
        kind = rng.choice(["insert", "delete", "replace"])
        size = rng.choice([1, 1, 2, 3, 10])
        if kind in ("delete", "replace"):
            old = min(len(lines), old + size)
        if kind in ("insert", "replace"):
            for _ in range(rng.choice([1, 2, size])):
                new.append(rng.choice([b"", b"    pass", f"x_{rng.random()} = 1".encode(), rng.choice(lines if copies else [b""]), new[-1] if new and copies else b""]))
    while old < len(lines):
        kept[old] = len(new)
        new.append(lines[old])
        old += 1
    return new, kept


def _check(mapping: LineMap, old: list[bytes], new: list[bytes]) -> set[tuple[int, int]]:
    """What every map must be: monotone, pairing equal lines, its changed ranges the lines it leaves out."""
    assert (mapping.old_lines, mapping.new_lines) == (len(old), len(new))
    pairs = {(line, mapping.new_line(line)) for line in range(1, len(old) + 1)}
    mapped = sorted((a, b) for a, b in pairs if b is not None)
    assert all(b1 < b2 for (_, b1), (_, b2) in zip(mapped, mapped[1:]))
    assert all(old[a - 1] == new[b - 1] for a, b in mapped)
    assert {line for r in mapping.changed_old() for line in r} == {a for a, b in pairs if b is None}
    assert {line for r in mapping.changed_new() for line in r} == set(range(1, len(new) + 1)) - {b for _, b in mapped}
    assert mapping.new_line(0) is None and mapping.new_line(len(old) + 1) is None
    return set(mapped)


def _unique(old: list[bytes], new: list[bytes]) -> set[bytes]:
    """The lines that occur once in each text (the edit cannot leave doubt about where they went)."""
    count_old, count_new = Counter(old), Counter(new)
    return {line for line, n in count_old.items() if n == 1 and count_new[line] == 1}


def _difflib_kept(old: list[bytes], new: list[bytes]) -> int:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return sum(size for _, _, size in matcher.get_matching_blocks())


@pytest.mark.parametrize("seed", range(40))
def test_random_edits_of_real_files_map_as_well_as_difflib(seed: int) -> None:
    rng = random.Random(seed)
    data = rng.choice(_corpus()).read_bytes()
    if seed % 4 == 0:
        data = data.replace(b"\n", b"\r\n")
    old = _lines(data)
    new, kept = _edit(rng, old, rng.choice([1, 1, 2, 3, 8]), copies=seed % 2 == 0)
    ending = b"\r\n" if seed % 4 == 0 else b"\n"
    mapping = LineMap.between(line_digest(data), line_digest(_text(new, ending)))
    mapped = _check(mapping, old, new)
    assert len(mapped) >= _difflib_kept(old, new)
    assert len(mapped) >= len(kept)  # at least the lines the edit left alone
    if seed % 2:  # no line copied: a line once in each text is where the edit put it (with copies, a longer run of
        # equal lines can cross it: another map, as good)
        assert {(a + 1, b + 1) for a, b in kept.items() if old[a] in _unique(old, new)} <= mapped


@pytest.mark.parametrize("seed", range(12))
def test_large_parts_are_cut_at_unique_lines_first(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The path a large middle takes (the first cut at lines unique on each side), forced on small edits."""
    monkeypatch.setattr(linemap, "_ANCHOR_PAIRS", 0)
    rng = random.Random(seed)
    old = _lines(rng.choice(_corpus()).read_bytes())
    new, kept = _edit(rng, old, 2 + seed % 5, copies=False)
    mapped = _check(LineMap.between(line_digest(_text(old)), line_digest(_text(new))), old, new)
    assert len(mapped) >= len(kept)
    assert {(a + 1, b + 1) for a, b in kept.items() if old[a] in _unique(old, new)} <= mapped


def test_equal_digests_map_every_line_to_itself() -> None:
    data = (STDLIB / "difflib.py").read_bytes()
    mapping = LineMap.between(line_digest(data), line_digest(data))
    count = len(_lines(data))
    assert mapping.unchanged and mapping.blocks == ((1, 1, count),)
    assert [mapping.new_line(n) for n in (1, 7, count)] == [1, 7, count]
    assert mapping.changed_new() == () == mapping.changed_old()
    empty = LineMap.between(b"", b"")
    assert empty.unchanged and empty.blocks == () and empty.new_line(1) is None


def test_known_maps() -> None:
    old = b"a\nb\nc\nd\ne\n"
    inserted = LineMap.between(line_digest(old), line_digest(b"a\nb\nX\nc\nd\ne\n"))
    assert [inserted.new_line(n) for n in range(1, 6)] == [1, 2, 4, 5, 6]
    assert inserted.changed_new() == (range(3, 4),) and inserted.changed_old() == () and not inserted.unchanged
    replaced = LineMap.between(line_digest(old), line_digest(b"a\nB\nC\nd\ne"))  # and no final newline
    assert [replaced.new_line(n) for n in range(1, 6)] == [1, None, None, 4, 5]
    assert replaced.changed_old() == (range(2, 4),) == replaced.changed_new()
    emptied = LineMap.between(line_digest(old), b"")
    assert emptied.blocks == () and emptied.changed_old() == (range(1, 6),) and emptied.changed_new() == ()
    created = LineMap.between(b"", line_digest(old))
    assert created.changed_new() == (range(1, 6),) and created.new_line(1) is None
    doubled = LineMap.between(line_digest(b"a\na\n"), line_digest(b"a\na\na\n"))  # prefix and suffix overlap
    assert [doubled.new_line(n) for n in (1, 2)] == [1, 2] and doubled.changed_new() == (range(3, 4),)
    halved = LineMap.between(line_digest(b"a\na\na\n"), line_digest(b"a\na\n"))
    assert [halved.new_line(n) for n in (1, 2, 3)] == [1, 2, None] and halved.changed_old() == (range(3, 4),)
    crlf = LineMap.between(line_digest(old), line_digest(old.replace(b"\n", b"\r\n")))
    assert crlf.unchanged  # a line's end is not part of it: columns do not see it
    with pytest.raises(ValueError, match="4 bytes a line"):
        LineMap.between(b"abc", b"")


def test_a_rewritten_file_is_bounded_and_keeps_only_what_is_cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file shuffled: the lines unique on each side cut it, and parts past the cap keep nothing (still valid)."""
    old = _lines((STDLIB / "difflib.py").read_bytes())
    new = old[:]
    random.Random(5).shuffle(new)
    new = [b"# header", *new, b"# footer"]
    monkeypatch.setattr(linemap, "_MAX_PAIRS", 10)
    mapped = _check(LineMap.between(line_digest(_text(old)), line_digest(_text(new))), old, new)
    assert mapped  # the longest increasing run of unique lines, at least
    monkeypatch.setattr(linemap, "_ANCHOR_PAIRS", 10**12)  # no cut: the whole middle is past the cap
    assert _check(LineMap.between(line_digest(_text(old)), line_digest(_text(new))), old, new) == set()


@pytest.mark.parametrize("seed", range(30))
def test_the_unique_anchors_are_a_longest_increasing_run(seed: int) -> None:
    """Against the plain definition: every pair of a value once on each side, and the longest increasing chain of
    them by dynamic programming over all pairs."""
    rng = random.Random(seed)
    old = [rng.randrange(40) for _ in range(rng.randrange(60))]
    new = [rng.randrange(40) for _ in range(rng.randrange(60))]
    anchors = linemap._unique_anchors(old, new)
    pairs = [(i, new.index(v)) for i, v in enumerate(old) if old.count(v) == 1 and new.count(v) == 1]
    longest = [1] * len(pairs)
    for k in range(len(pairs)):
        for m in range(k):
            if pairs[m][1] < pairs[k][1]:
                longest[k] = max(longest[k], longest[m] + 1)
    assert len(anchors) == max(longest, default=0)
    assert set(anchors) <= set(pairs) and all(a < b and c < d for (a, c), (b, d) in zip(anchors, anchors[1:]))
