"""Parsing: bad bytes, bad encodings and newer or older syntax become SSOT900 findings that say why; never a crash."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ssot_audit.analysis import loader
from ssot_audit.analysis.parsing import ParseFailure, parse_source
from ssot_audit.model import Severity

from tests.helpers import scan_project, triples, write_project

ON_311 = sys.version_info[:2] == (3, 11)


def failure_of(tmp_path: Path, data: bytes, name: str = "bad.py") -> tuple[set[tuple[str, str, int]], str, Severity | None]:
    """Scan a project with one good file and ``data`` as ``app/<name>``: SSOT900 triples, message, severity."""
    write_project(tmp_path, {"app/__init__.py": "", "app/good.py": "def f():\n    return 1\n"})
    (tmp_path / "app" / name).write_bytes(data)
    result = scan_project(tmp_path)
    failures = [f for f in result.findings if f.code == "SSOT900"]
    assert result.stats.files == 3
    if not failures:
        return set(), "", None
    return triples(result, "SSOT900"), failures[0].message, failures[0].severity


def test_undecodable_bytes_without_a_cookie_point_at_the_line(tmp_path: Path) -> None:
    data = b"x = 1\ny = 2\nname = '\xe9t\xe9'\n"
    found, message, severity = failure_of(tmp_path, data)
    assert found == {("SSOT900", "app/bad.py", 3)}
    assert "utf-8" in message and severity is Severity.ERROR


def test_latin1_with_a_cookie_is_fine(tmp_path: Path) -> None:
    data = b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'\n"
    assert failure_of(tmp_path, data)[0] == set()


def test_bad_coding_cookie(tmp_path: Path) -> None:
    found, message, _ = failure_of(tmp_path, b"# -*- coding: klingon -*-\nx = 1\n")
    assert found == {("SSOT900", "app/bad.py", 1)}
    assert "encoding" in message


def test_null_bytes(tmp_path: Path) -> None:
    found, message, _ = failure_of(tmp_path, b"x = 1\x00\ny = 2\n")
    assert found == {("SSOT900", "app/bad.py", 1)}
    assert "null" in message.lower()


def test_python_2_print_statement(tmp_path: Path) -> None:
    found, message, severity = failure_of(tmp_path, b"import os\n\nprint 'hello'\n")
    assert found == {("SSOT900", "app/bad.py", 3)}
    assert "Python 2" in message and severity is Severity.ERROR


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (b"x = 1\ntype Alias = int\n", 2),
        (b"def first[T](x: T) -> T:\n    return x\n", 1),
        (b"import os\n\nclass Box[T]:\n    pass\n", 3),
    ],
)
def test_pep_695_syntax_names_python_3_12(tmp_path: Path, source: bytes, line: int) -> None:
    found, message, severity = failure_of(tmp_path, source)
    if not ON_311:
        assert found == set()
        return
    assert found == {("SSOT900", "app/bad.py", line)}
    assert "Python >= 3.12" in message and "3.11" in message
    assert severity is Severity.WARNING


def test_typo_is_an_error_without_a_version_hint() -> None:
    failure = parse_source(b"def f(:\n    pass\n", "x.py")
    assert isinstance(failure, ParseFailure)
    assert (failure.kind, failure.line, failure.hint, failure.newer_python) == ("syntax", 1, "", "")


def test_deeply_nested_expressions_do_not_crash_the_scan(tmp_path: Path) -> None:
    chained = "async def h():\n    return " + " + ".join(["await g()"] * 5000) + "\n"
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/g.py": "def g():\n    return 1\n",
        "app/chained.py": "from app.g import g\n\n" + chained,
        "app/parens.py": "y = " + "(" * 300 + "1" + ")" * 300 + "\n",
        "app/huge.py": "x = 1\nz = " + " + ".join(["a.b"] * 100_000) + "\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    # 5,000 chained operators are parsed and analysed (3.12 caps the depth of AST construction in C, about 2,500,
    # whatever the recursion limit: there the file is reported); what no parser could build is reported, not fatal.
    chained = ("SSOT900", "app/chained.py", 1) if sys.version_info[:2] == (3, 12) else ("SSOT401", "app/chained.py", 4)
    assert triples(result) == {chained, ("SSOT900", "app/parens.py", 1), ("SSOT900", "app/huge.py", 1)}
    assert sys.getrecursionlimit() < 20_000


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/secret.py": "x = 1\n"})
    path = tmp_path / "app" / "secret.py"
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read mode-000 files (root)")
        result = scan_project(tmp_path)
    finally:
        path.chmod(0o644)
    assert triples(result, "SSOT900") == {("SSOT900", "app/secret.py", 1)}
    (finding,) = [f for f in result.findings if f.code == "SSOT900"]
    assert "cannot read" in finding.message


def test_read_error_is_reported_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/secret.py": "x = 1\n", "app/ok.py": "y = 2\n"})

    read = loader.read_scanned

    def refuse(path: str, boundary: str | None) -> bytes:
        if path.endswith("secret.py"):
            raise PermissionError(13, "Permission denied", path)
        return read(path, boundary)

    monkeypatch.setattr(loader, "read_scanned", refuse)
    result = scan_project(tmp_path)
    assert triples(result, "SSOT900") == {("SSOT900", "app/secret.py", 1)}
    assert [f.message for f in result.findings] == ["cannot read file: Permission denied; file skipped"]
    assert result.stats.files == 3


@pytest.mark.parametrize(
    ("source", "line", "hint", "parses_on"),
    [
        (b'x = {"a": 1}\ny = f"{x["a"]}"\n', 2, "Python >= 3.12 if it relies on PEP 701", (3, 12)),
        (b'y = f"{1 + # why\n 2}"\n', 1, "Python >= 3.12 if it relies on PEP 701", (3, 12)),
        (b"s = t'hello {name}'\n", 1, "Python >= 3.14 (PEP 750", (3, 14)),
        (b"try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", 3, "Python >= 3.14 (PEP 758", (3, 14)),
        (b"try:\n    pass\nexcept ValueError, e:\n    pass\n", 3, "Python 2 syntax (except X, name: clause)", None),
        (b"raise ValueError, 'x'\n", 1, "Python 2 syntax (raise E, value statement)", None),
        (b"x = 10L\n", 1, "Python 2 syntax (long integer literal)", None),
        (b"x = 0777\n", 1, "Python 2 syntax (old-style octal literal)", None),
        (b"y = 'abc\n", 1, "", None),
    ],
)
def test_version_hints(source: bytes, line: int, hint: str, parses_on: tuple[int, int] | None) -> None:
    result = parse_source(source, "x.py")
    if parses_on is not None and sys.version_info >= parses_on:
        assert not isinstance(result, ParseFailure)
        return
    assert isinstance(result, ParseFailure)
    assert result.line == line
    assert hint in result.hint if hint else result.hint == ""
    assert (result.newer_python != "") == (parses_on is not None)
