"""The text report: a summary first, then findings most important first; ruff's output formats, --statistics,
--show-source, colour only on a terminal (or when asked) and never with NO_COLOR, long lists folded."""

from __future__ import annotations

import argparse
import io
import random
import re
from pathlib import Path

import pytest

from ssot_audit.cli import main
from ssot_audit.commands.common import text_options
from ssot_audit.reporters.folding import _LIST, _fold_match, fold, fold_lists

from tests.helpers import write_project

FILES = {
    "app/__init__.py": "",
    "app/a.py": "import app.b\n",  # SSOT202: first by path, but only a warning
    "app/b.py": "import app.a\n",
    "app/m.py": "def get_manager():\n    return 1\n",
    "app/use.py": "from app.m import get_manager\n\n\nasync def h():\n    return await get_manager()\n",
    "tests/test_use.py": "from app.m import get_manager\n\n\nasync def test_h():\n    await get_manager()\n",
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "proj", FILES)


def _scan(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> str:
    main(["scan", str(root), "--isolated", "-q", "-j", "1", *args])
    return capsys.readouterr().out


def test_summary_comes_first_and_findings_are_ranked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _scan(capsys, project)
    lines = out.splitlines()
    assert lines[:3] == ["Summary", "  Scanned 6 files (14 lines, 6 modules, 0 skipped): 3 findings (2 error, 1 warning).",
                         "  2 in production code, 1 in tests."]  # fmt: skip
    assert lines[4:7] == ["Findings per rule:", "  2  SSOT401  await-on-sync-callable             (1 in tests)",
                          "  1  SSOT202  import-cycle                       (0 in tests)"]  # fmt: skip
    assert "Top 2 by impact:" in lines
    heads = [line.split(": ", 1)[0] for line in lines if re.match(r"^\S+:\d+:\d+: SSOT", line)]
    # the runtime error in production first, then the one in tests, then the warning that comes first by path
    assert heads == ["app/use.py:5:12", "tests/test_use.py:5:5", "app/a.py:1:1"]
    assert out.index("Top 2 by impact:") < out.index("app/use.py:5:12: SSOT401")
    assert lines[-1] == "Scanned 6 files (14 lines, 6 modules, 0 skipped): 3 findings (2 error, 1 warning)."


def test_concise_is_one_line_per_finding_in_path_order(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _scan(capsys, project, "--output-format", "concise")
    body = out.split("Findings (by path):\n", 1)[1].splitlines()
    assert [line.split(" [", 1)[0] for line in body[:3]] == ["app/a.py:1:1: SSOT202", "app/use.py:5:12: SSOT401",
                                                            "tests/test_use.py:5:5: SSOT401"]  # fmt: skip
    assert body[1].startswith("app/use.py:5:12: SSOT401 [error] await on get_manager(), which is a plain def")
    assert body[2].startswith("tests/test_use.py:5:5: SSOT401 [error, test] ")
    assert body[3:] == ["", "Scanned 6 files (14 lines, 6 modules, 0 skipped): 3 findings (2 error, 1 warning)."]


def test_grouped_puts_findings_under_their_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _scan(capsys, project, "--output-format", "grouped")
    body = out.split("Findings (by path):\n", 1)[1]
    assert re.findall(r"^(\S+\.py)$", body, re.M) == ["app/a.py", "app/use.py", "tests/test_use.py"]
    assert "\napp/use.py\n  5:12: SSOT401 [error] await on get_manager()" in body


def test_statistics_prints_counts_only(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _scan(capsys, project, "--statistics") == (
        "2  SSOT401  await-on-sync-callable             (1 in tests)\n"
        "1  SSOT202  import-cycle                       (0 in tests)\n"
        "Scanned 6 files (14 lines, 6 modules, 0 skipped): 3 findings (2 error, 1 warning).\n"
    )


def test_show_source_prints_the_lines_around_each_finding(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _scan(capsys, project, "--show-source")
    assert "    4 | async def h():\n    5 |     return await get_manager()   <--\n" in out
    assert "| " not in _scan(capsys, project)


def test_colour_only_when_asked_or_on_a_terminal_without_no_color(project: Path, capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    plain = _scan(capsys, project)
    coloured = _scan(capsys, project, "--color", "always")
    assert ANSI.search(plain) is None and "\x1b[1;31merror\x1b[0m" in coloured
    assert ANSI.sub("", coloured) == plain
    args = argparse.Namespace(color="auto", output_format="full", statistics=False, show_source=False)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdout", Terminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert text_options(args, None).style.enabled
    assert not text_options(args, "report.txt").style.enabled  # a file is not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert not text_options(args, None).style.enabled
    assert text_options(argparse.Namespace(**{**vars(args), "color": "always"}), None).style.enabled


def test_long_lists_are_folded() -> None:
    methods = ", ".join(f"method_{i}" for i in range(40))
    message = f"move the methods only the others have ({methods}) into the canonical class"
    assert fold_lists(message) == ("move the methods only the others have (method_0, method_1, method_2, method_3, "
                                   "method_4, method_5 (+34 more)) into the canonical class")  # fmt: skip
    assert fold_lists("a, b, c") == "a, b, c"
    assert len(fold("x" * 1000)) == 240


def test_a_group_of_one_cause_shows_its_first_findings_in_full_and_the_rest_one_line_each(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    files = {"app/__init__.py": "", "app/m.py": "def get_manager():\n    return 1\n"}
    files |= {f"app/u{i}.py": "from app.m import get_manager\n\n\nasync def h():\n    await get_manager()\n" for i in range(5)}
    files["tests/test_u.py"] = files["app/u0.py"]
    out = _scan(capsys, write_project(tmp_path / "p", files))
    blocks = re.findall(r"^(\S+:\d+:\d+): SSOT401 await-on-sync-callable", out, re.M)
    assert blocks == ["app/u0.py:5:5", "app/u1.py:5:5", "app/u2.py:5:5"]
    tail = out.split("  ... 3 more SSOT401 findings of the same cause:\n", 1)[1].splitlines()[:3]
    assert tail == ["    app/u3.py:5:5: SSOT401 [error]", "    app/u4.py:5:5: SSOT401 [error]",
                    "    tests/test_u.py:5:5: SSOT401 [error, test]"]  # production first, then tests


def test_fold_lists_equals_its_plain_definition_on_random_text() -> None:
    """``fold_lists`` skips text with fewer separators than a foldable list has; the plain definition always
    substitutes."""
    pieces = ["a", "b.c", "f()", "'x'", ", ", ", ", ",", " ", "é"]
    rnd = random.Random(11)
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30)))
        if rnd.random() < 0.5:  # a list of 0 to 12 items in noise: folded from 9 items (8 separators) on
            items = ", ".join(rnd.choice(pieces[:4]) for _ in range(rnd.randint(0, 12)))
            text = text[: len(text) // 2] + " " + items + " " + text[len(text) // 2 :]
        assert fold_lists(text) == _LIST.sub(_fold_match, text), repr(text)
