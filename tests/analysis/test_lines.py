"""Line numbers mean the parser's lines everywhere: form feed and U+2028 do not end a line, a lone CR does."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

from ssot_audit.analysis.lines import source_lines
from ssot_audit.analysis.parsing import count_lines, parse_source

from tests.helpers import scan_project, triples, write_project

# Line 2 holds a form feed and a U+2028 inside a string: ``str.splitlines`` would make them four lines.
TRICKY = "x = 1\nx = '\x0c' + '\u2028'\n\x0cy = 1\nimport app.b  # ssot: ignore[SSOT202] -- on purpose\n"


def test_source_lines_break_where_the_tokenizer_does() -> None:
    assert source_lines("a\r\nb\rc\nd\x0ce\u2028f\x85g") == ["a", "b", "c", "d\x0ce\u2028f\x85g"]
    assert source_lines("a\n") == ["a"] and source_lines("") == []
    assert count_lines("a\rb\r\nc") == 3 and count_lines("a\rb\r") == 2


def test_source_lines_equal_the_plain_definition_on_random_text() -> None:
    """``source_lines`` splits in C after folding CR LF and CR into LF; the plain definition is a split at the
    regular expression of the three breaks."""
    plain = re.compile(r"\r\n|\r|\n")
    rnd = random.Random(7)
    pieces = ["a", "\r", "\n", "\r\n", "\n\r", "\x0c", "\u2028", "\x85"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        expected = plain.split(text)
        if expected and expected[-1] == "":
            expected.pop()
        assert source_lines(text) == expected, repr(text)


def test_lines_agree_with_the_parser() -> None:
    parsed = parse_source(TRICKY.encode(), "m.py")
    assert not isinstance(parsed, type(None)) and hasattr(parsed, "tree")
    assert [node.lineno for node in parsed.tree.body] == [1, 2, 3, 4]  # type: ignore[union-attr]
    assert source_lines(TRICKY)[3].startswith("import app.b")


def test_excerpts_show_the_line_the_finding_names(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/b.py": "import app.a\n"})
    (tmp_path / "app" / "a.py").write_text(TRICKY.replace("  # ssot: ignore[SSOT202] -- on purpose", ""))
    result = scan_project(tmp_path)
    assert ("SSOT202", "app/a.py", 4) in triples(result)
    excerpt = {e.path: e for e in result.excerpts}["app/a.py"]
    assert excerpt.start == 2 and excerpt.lines[-1] == "import app.b"


def test_suppressions_use_the_parsers_line_numbers(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/b.py": "import app.a\n"})
    (tmp_path / "app" / "a.py").write_text(TRICKY, encoding="utf-8")
    result = scan_project(tmp_path)
    assert [(s.finding.code, s.comment.path, s.comment.line) for s in result.suppressed] == [("SSOT202", "app/a.py", 4)]
    cr_only = write_project(tmp_path / "cr", {"app/__init__.py": "", "app/b.py": "import app.a\n"})
    (cr_only / "app" / "a.py").write_bytes(TRICKY.replace("\n", "\r").encode())
    found = scan_project(cr_only)
    assert [(s.finding.code, s.comment.path, s.comment.line) for s in found.suppressed] == [("SSOT202", "app/a.py", 4)]
    assert not [f for f in found.findings if f.code in ("SSOT202", "SSOT901")]


def test_syntax_warnings_of_scanned_code_stay_quiet_even_as_errors(tmp_path: Path) -> None:
    write_project(tmp_path, {"m.py": "import re\nPATTERN = '\\d+'\nOK = 1 is 1\n"})
    done = subprocess.run([sys.executable, "-W", "error", "-m", "ssot_audit", "scan", str(tmp_path), "--isolated",
                           "--no-cache", "--format", "json"], capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "SyntaxWarning" not in done.stderr and json.loads(done.stdout)["findings"] == []
