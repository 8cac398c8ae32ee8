"""Renaming an imported name from ``ast`` (``fix.plain_names``) gives libcst's scope analysis's answer, and asks it
whenever the file binds the name in any other way."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import libcst as cst
import pytest

from ssot_audit.fix.cst import ParsedFile, parse_file
from ssot_audit.fix.imports import _bound, _renames, scoped_renames
from ssot_audit.fix.plain_names import file_names
from ssot_audit.fix.text import SourceText

REPO = Path(__file__).resolve().parents[2]

IMPORT = "from compat import Old\n"
# (what follows the import, whether the plain reading answers for renaming Old to New)
CASES = [
    ("def f(x=Old):\n    return Old(x)\n", True),
    ("@Old.register\nclass A(Old):\n    kind = Old\n    def m(self) -> Old:\n        return [Old for _ in ()]\n", True),
    ("f = lambda: Old\ndef outer():\n    def inner():\n        return Old.attr\n    return inner\n", True),
    ('def f():\n    """Old is documented here."""\n    return isinstance(1, Old)\n', True),
    ("class A:\n    '''About Old.'''\n    def m(self):\n        self.New = Old\n        return f(New=1)\n", True),
    ('x = "é"; y = Old\nz = "日本"  ;  w = (Old,)\n', True),
    ('\x0c\n# \x1c and \u2028 break lines for str.splitlines, not for Python\nx = "é"; y = Old\n', True),
    ("match x:\n    case Old():\n        pass\n", True),
    ("try:\n    pass\nexcept Old as error:\n    raise\n", True),
    ("New = 1\nuse = Old\n", True),  # the new name is taken: the same refusal
    ("def New():\n    return Old\n", True),
    ("def f(New):\n    return Old\n", True),
    ("from other import New\nuse = Old\n", True),
    ("print(New, Old)\n", True),
    ('New = 1\nlabel = "New Old"\n', True),  # taken: what strings say does not matter
    ("Old = Old\n", False),  # rebound
    ("def f(Old):\n    return Old\n", False),  # shadowed by a parameter
    ("def f():\n    global Old\n    Old = 2\n", False),
    ("del Old\n", False),
    ('__all__ = ["Old"]\n', False),
    ('def f(x: "Old"):\n    return Old\n', False),  # a string annotation reads it
    ('def f(x: "New"):\n    return Old\n', False),
    ('message = f"{Old}"\n', False),
    ("try:\n    pass\nexcept ImportError:\n    from legacy import Old\n", False),
    ("def f():\n    from legacy import Old\n    return Old\n", False),
    ("match x:\n    case Old:\n        pass\n", False),  # a capture pattern binds it
    ("if (Old := 1):\n    pass\n", False),
    ("y = [Old for Old in range(3)]\n", False),
    ("import Old\n", False),
    ("for Old in range(2):\n    pass\n", False),
    ("class Old:\n    pass\n", False),
    ("x: Old\n", True),
    ("Old: int\n", False),  # a declaration
]


def _parsed(tmp_path: Path, text: str, newline: str = "\n") -> ParsedFile:
    path = tmp_path / "use.py"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return parse_file(str(path), SourceText.decode(path.read_bytes()))


def _module_imports(parsed: ParsedFile) -> list[cst.ImportFrom]:
    return [s for line in parsed.module.body if isinstance(line, cst.SimpleStatementLine)
            for s in line.body if isinstance(s, cst.ImportFrom) and not isinstance(s.names, cst.ImportStar)]  # fmt: skip


def _plain(parsed: ParsedFile, stmt: cst.ImportFrom, old: str, new: str) -> object:
    names = parsed.plain_names()
    return names.renames(parsed.positions[stmt].start.line, old, new) if names is not None else None


@pytest.mark.parametrize(("body", "answers"), CASES)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_the_plain_reading_answers_as_the_scope_analysis(tmp_path: Path, body: str, answers: bool, newline: str) -> None:
    parsed = _parsed(tmp_path, IMPORT + body, newline)
    stmt = _module_imports(parsed)[0]
    assert (_plain(parsed, stmt, "Old", "New") is not None) is answers
    assert _renames(parsed, stmt, "Old", "New") == scoped_renames(parsed, stmt, "Old", "New")


def test_the_edits_rename_every_use(tmp_path: Path) -> None:
    parsed = _parsed(tmp_path, IMPORT + 'x = "é"; y = Old\ndef f(a=Old):\n    return Old.b\n')
    edits = _renames(parsed, _module_imports(parsed)[0], "Old", "New")
    assert isinstance(edits, list)
    assert [(e.line, e.column, e.end_line, e.end_column, e.content) for e in edits] == [
        (2, 14, 2, 17, "New"), (3, 9, 3, 12, "New"), (4, 12, 4, 15, "New")]  # fmt: skip


def test_a_lone_carriage_return_asks_the_scope_analysis() -> None:
    assert file_names(SourceText.decode(b"from compat import Old\rx = Old\n")) is None
    assert file_names(SourceText.decode(b"from compat import Old\r\nx = Old\r\n")) is not None


def test_the_projects_own_files_get_the_same_answers(tmp_path: Path) -> None:
    """Every module-level import of a sample of this repository's files, renamed to a fresh name, to another name the
    file imports and to a builtin: the plain reading answers for most, and always as libcst does."""
    files = sorted([*REPO.glob("sample_repo/**/*.py"), *REPO.glob("ssot_audit/**/*.py")])
    rng = random.Random(7)
    answered = 0
    for path in rng.sample(files, 15):
        parsed = parse_file(str(path), SourceText.decode(path.read_bytes()))
        stmts = _module_imports(parsed)
        bound = [_bound(alias) for stmt in stmts for alias in stmt.names]  # type: ignore[union-attr]
        for stmt in stmts:
            for alias in stmt.names:  # type: ignore[union-attr]
                old = _bound(alias)
                for new in {"Zz_fresh_name", rng.choice(bound), "str"} - {old}:
                    answered += _plain(parsed, stmt, old, new) is not None
                    assert _renames(parsed, stmt, old, new) == scoped_renames(parsed, stmt, old, new), (path, old, new)
    assert answered > 0


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameters are Python 3.12 syntax")
@pytest.mark.parametrize("body", ["type Alias = list[Old]\n", "def f[T](x: T) -> Old:\n    return Old\n"])
def test_type_parameters_ask_the_scope_analysis(tmp_path: Path, body: str) -> None:
    """``ast`` would read them on 3.12 where libcst may not: the plain reading never answers for such a file."""
    assert file_names(SourceText.decode((IMPORT + body).encode())) is None
