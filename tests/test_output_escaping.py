"""Names and comments from the scanned tree cannot inject anything into any output format."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import xml.etree.ElementTree as ET
from enum import Enum
from pathlib import Path

import pytest

from ssot_audit.api import scan
from ssot_audit.cli import main
from ssot_audit.config import Config
from ssot_audit.model import Location, Severity, SourceExcerpt
from ssot_audit.model.escape import (
    has_unsafe, inert_output, json_safe, markdown_text, visible, visible_fields, visible_output,
)

from tests.helpers import write_project

INJECTED = "x\n::error file=README.md,line=1::Injected\n.py"
IMAGE = "![x](https:127.0.0.3:9).py"
CR_BIDI = "cr\rname\u202egnp.py"
HOSTILE = {
    "app/__init__.py": "",
    "app/factory.py": "def get_manager():\n    return 1\n",
    "app/aio.py": "async def get_manager():\n    return 1\n",
    "app/mgr.py": "class Manager:\n    def send(self):\n        pass\n",
    f"app/{IMAGE[:-3]}_copy.py": "class Manager:\n    def send(self):\n        pass\n",
    "pyproject.toml": '[tool.ssot-audit.concepts."<img src=z onerror=alert(2)>"]\ncanonical = "app.mgr.Manager"\n'
    'name-patterns = ["Manager"]\n',
    f"app/{IMAGE}": "from app.factory import get_manager\n\nasync def f():\n"
    "    await get_manager()  # ssot: ignore[\x1b[2J, X\u202eY\x07] -- <img src=x onerror=alert(1)>\n",
    f"app/{INJECTED}": "def broken(:\n",
    f"app/{CR_BIDI}": "class <img src=y>:\n",
    "app/c0.py": "import app.c1  # ssot: ignore[\x0b\x1f]\n",
    "app/nul.py": "x = 1  # ssot: ignore[\x00]\n",
    "app/c1.py": "import app.c0\n",
}
SCAN_FORMATS = ("text", "json", "sarif", "github", "markdown", "junit", "html")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("hostile")
    repo = write_project(root / "repo", HOSTILE)
    out = root / "out"
    args = ["scan", str(repo), "--no-cache", "--exit-zero", "-q"]
    for fmt in SCAN_FORMATS:
        args += ["--format", fmt, "-o", str(out / f"scan.{fmt}")]
    assert main(args) == 0
    cached = ["scan", str(repo), "--cache-dir", str(root / "cache"), "--exit-zero", "-q"]
    for _ in range(2):  # the second scan writes the reports the first one saved, without rendering them again
        assert main([*cached, *(a for fmt in SCAN_FORMATS for a in ("--format", fmt, "-o", str(out / f"warm.{fmt}")))]) == 0
    for fmt in ("text", "markdown", "json"):
        assert main(["plan", str(repo), "--no-cache", "--format", fmt, "-o", str(out / f"plan.{fmt}")]) == 0
    for fmt in ("dot", "graphml", "json"):
        assert main(["graph", str(repo), "--isolated", "--no-cache", "--format", fmt, "-o", str(out / f"graph.{fmt}")]) == 0
    return {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}


def test_no_output_holds_a_raw_control_or_bidi_character(outputs: dict[str, str]) -> None:
    assert len(outputs) == 2 * len(SCAN_FORMATS) + 6
    for name, text in outputs.items():
        assert not has_unsafe(text.replace("\n", "").replace("\t", "")), name


def test_saved_reports_are_the_reports(outputs: dict[str, str]) -> None:
    assert all(outputs[f"warm.{fmt}"] == outputs[f"scan.{fmt}"] for fmt in SCAN_FORMATS)


def test_a_file_name_cannot_add_a_workflow_command(outputs: dict[str, str]) -> None:
    for name in ("scan.text", "scan.github", "plan.text"):
        assert not [line for line in outputs[name].splitlines() if line.startswith("::error file=README.md")], name
    commands = outputs["scan.github"].splitlines()
    assert commands and all(re.match(r"::(error|warning|notice) file=app/", line) for line in commands)
    assert "app/x\\n::error file=README.md,line=1::Injected\\n.py" in outputs["scan.text"]


def test_json_keeps_the_escaped_names_and_comment_text(outputs: dict[str, str]) -> None:
    data = json.loads(outputs["scan.json"])
    paths = {f["location"]["path"] for f in data["findings"]}
    assert {"app/x\\n::error file=README.md,line=1::Injected\\n.py", "app/cr\\rname\\u202egnp.py", f"app/{IMAGE}"} <= paths
    unknown = [f["message"] for f in data["findings"] if f["code"] == "SSOT901"]
    assert any("\x1b[2J" in m for m in unknown)  # the comment's text survives, as a JSON escape
    assert "\\u001b[2J" in outputs["scan.json"]


def test_xml_formats_are_well_formed(outputs: dict[str, str]) -> None:
    for name in ("scan.junit", "graph.graphml"):
        ET.fromstring(outputs[name].encode("utf-8"))


def test_markdown_has_no_active_html_image_or_split_row(outputs: dict[str, str]) -> None:
    for name in ("scan.markdown", "plan.markdown"):
        text = outputs[name]
        outside_code = re.sub(r"``.*?``|`[^`]*`", "", text)  # a code span shows its content literally
        assert "<img" not in outside_code and "![x](" not in outside_code, name
        rows = [line for line in text.splitlines() if line.startswith("|")]
        assert rows and all(line.endswith("|") for line in rows), name
    assert "app/!\\[x\\](https:127.0.0.3:9)\\_copy.py |" in outputs["plan.markdown"]
    assert "| &lt;img src=z onerror=alert(2)&gt;.01 |" in outputs["plan.markdown"]


def test_escape_functions() -> None:
    assert visible("a\nb\x1b[2J\u202ec\r\t\x85") == "a\\nb\\x1b[2J\\u202ec\\r\\t\\x85"
    assert visible_output("a\nb\x1b\t\r\u2028") == "a\nb\\x1b\t\\r\\u2028"
    assert json.loads(json_safe(json.dumps("\u202e\x85\u2066", ensure_ascii=False))) == "\u202e\x85\u2066"
    assert markdown_text("![x](https://a) <img src=x> | a_b\r\nc") == "!\\[x\\](https://a) &lt;img src=x&gt; \\| a\\_b c"


def test_a_coloured_report_keeps_its_colours_but_not_the_trees_escapes(tmp_path: Path) -> None:
    repo = write_project(tmp_path / "repo", {k: v for k, v in HOSTILE.items() if k != "pyproject.toml"})
    out = tmp_path / "coloured.txt"
    assert main(["scan", str(repo), "--isolated", "--no-cache", "--exit-zero", "-q", "--color", "always",
                 "--format", "text", "-o", str(out)]) == 0  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert re.search(r"\x1b\[[0-9;]*m", text)  # the reporter's own colours
    assert "\x1b[2J" not in text and "\\x1b[2J" in text  # the comment's escape sequence, made visible
    assert not has_unsafe(re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\n", "").replace("\t", ""))


def test_inert_output_equals_its_plain_definition_on_random_text() -> None:
    """``inert_output`` only searches the text before the first unsafe character; the plain definition replaces
    every unsafe character but colour sequences in one pass over the whole text."""
    plain = re.compile(r"\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
    pieces = ["a", "é", "\n", "\t", "\x1b", "[", "0", ";", "m", "\x1b[31m", "\x1b[0m", "\x00", "\x7f", "\x85", "\u202e"]
    rnd = random.Random(3)
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        expected = plain.sub(lambda m: m.group() if len(m.group()) > 1 else f"\\u{ord(m.group()):04x}", text)
        assert inert_output(text) == expected, repr(text)


def _visible_plain_definition(value: object) -> object:
    """``visible_fields`` as first written: every string tested and every container and dataclass copied."""
    if isinstance(value, Enum) or value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return visible(value) if has_unsafe(value) else value
    if isinstance(value, tuple | list):
        return type(value)(_visible_plain_definition(v) for v in value)
    if isinstance(value, dict):
        return {_visible_plain_definition(k): _visible_plain_definition(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _visible_plain_definition(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value


def _random_model_value(rnd: random.Random, depth: int = 0) -> object:
    """Strings (some unsafe), numbers, enums, None, and tuples, lists, dicts and model dataclasses of them."""
    pieces = ["a", "b.c", " ", "é", "\n", "\t", "\x1b", "\x00", "\x85", "\u202e", "\u2028"]
    choice = rnd.randrange(10 if depth < 3 else 5)
    if choice < 3:
        return "".join(rnd.choice(pieces[:4] if rnd.random() < 0.7 else pieces) for _ in range(rnd.randint(0, 4)))
    if choice == 3:
        return rnd.choice([None, 0, 7, 2.5, True, Severity.ERROR])
    if choice == 4:
        return "plain"
    items = [_random_model_value(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]
    if choice == 5:
        return tuple(items)
    if choice == 6:
        return [str(i) if rnd.random() < 0.8 else i for i in items]  # tuples of strings take the joined test
    if choice == 7:
        return {str(rnd.choice(pieces)) + str(i): v for i, v in enumerate(items)}
    text = lambda: str(_random_model_value(rnd, 3))  # noqa: E731 - a string field, possibly unsafe
    if choice == 8:
        return Location(text(), rnd.randint(1, 9), 1, symbol=text())
    return SourceExcerpt(text(), 1 + len(items), tuple(text() for _ in items))


def test_visible_fields_equals_its_plain_definition_on_random_values() -> None:
    """The walk that returns unchanged parts as they are gives what copying everything gave, and never leaves an
    unsafe string: on random nested values and on a whole result of a hostile tree."""
    rnd = random.Random(5)
    for _ in range(4000):
        value = _random_model_value(rnd)
        shown = visible_fields(value)
        expected = _visible_plain_definition(value)
        assert shown == expected and type(shown) is type(expected), repr(value)
    for _ in range(2000):  # tables of rows of strings (import edges, the module table), sometimes one unsafe cell
        table = tuple(tuple(str(_random_model_value(rnd, 3)) for _ in range(2)) for _ in range(rnd.randint(0, 5)))
        assert visible_fields(table) == _visible_plain_definition(table), repr(table)


def test_visible_fields_of_a_hostile_result_equals_its_plain_definition(tmp_path: Path) -> None:
    repo = write_project(tmp_path / "repo", {k: v for k, v in HOSTILE.items() if k != "pyproject.toml"})
    result = scan(repo, config=Config())
    expected = _visible_plain_definition(result)
    assert expected != result  # the hostile names and comments are in it
    assert visible_fields(result) == expected
