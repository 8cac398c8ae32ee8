"""Configuration: strict keys and types (exit 2 naming the key), selection, discovery, ``--isolated``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_audit.cli import main
from ssot_audit.config import Config, ConfigError, load_config, parse_table
from ssot_audit.rules import ALL_RULES
from ssot_audit.selection import build_selection

from tests.helpers import write_project

PROJECT = {
    "app/__init__.py": "",
    "app/m.py": "class Manager:\n    def send(self):\n        return None\n\ndef get_manager():\n    return Manager()\n",
    "app/use.py": "from app.m import get_manager\n\nasync def h():\n    await get_manager()\n",
    "app/cycle_a.py": "import app.cycle_b\n",
    "app/cycle_b.py": "import app.cycle_a\n",
}


def run_with(tmp_path: Path, toml: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    write_project(tmp_path, {**PROJECT, "pyproject.toml": "[tool.ssot-audit]\n" + toml})
    code = main(["scan", str(tmp_path), "-q", *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("bogus = 1\n", "'bogus'"),
        ("exclud = ['x']\n", "did you mean 'exclude'"),
        ("[tool.ssot-audit.concepts.ws]\ncanonicl = 'app.m.Manager'\n", "'concepts.ws.canonicl'"),
        ("[tool.ssot-audit.rules.SSOT202]\ninclude-function-locals = true\n", "'rules.SSOT202.include-function-locals'"),
        ("[tool.ssot-audit.rules.SSOT999]\nx = 1\n", "'rules.SSOT999'"),
        ("fail-on = 'sometimes'\n", "'fail-on'"),
        ("exclude = 3\n", "'exclude'"),
        ("include-tests = 'yes'\n", "'include-tests'"),
        ("roots = [1]\n", "'roots'"),
        ("concepts = 3\n", "'concepts'"),
        ("[tool.ssot-audit.concepts.ws]\nper-user = 'yes'\n", "'concepts.ws.per-user'"),
        ("[tool.ssot-audit.concepts.ws]\nmethod-overlap = 2\n", "'concepts.ws.method-overlap'"),
        ("[tool.ssot-audit.rules.SSOT202]\ninclude-function-local = 'yes'\n", "'rules.SSOT202.include-function-local'"),
        ("select = ['SSOT9x']\n", "'SSOT9x'"),
        ("paths = ['nope']\n", "nope"),
        ("[tool.ssot-audit.concepts.ws]\ncanonical = 'app.m.Missing'\n", "'app.m.Missing'"),
        ("[tool.ssot-audit.concepts.ws]\ncanonical = 'app.m.Manager'\nfactories = ['app.m.nope']\n", "'app.m.nope'"),
        ("x = [\n", "not valid TOML"),
    ],
)
def test_bad_config_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, named: str
) -> None:
    code, err = run_with(tmp_path, toml, capsys)
    assert code == 2
    assert err.startswith("ssot-audit: error: ") and named in err and "Traceback" not in err


def test_tool_section_that_is_not_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, {**PROJECT, "pyproject.toml": "[tool]\nssot-audit = 3\n"})
    assert main(["scan", str(tmp_path)]) == 2
    assert "'tool.ssot-audit' must be a table" in capsys.readouterr().err
    (tmp_path / "pyproject.toml").write_text("tool = 3\n")
    assert load_config(tmp_path) == Config()


def test_good_config_is_applied(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_with(tmp_path, "select = ['SSOT202']\nfail-on = 'error'\n", capsys)
    assert code == 0  # the only selected finding (the cycle) is a warning
    code, _ = run_with(tmp_path, "select = ['SSOT401']\nfail-on = 'error'\n", capsys)
    assert code == 1


def selected(select: list[str], ignore: list[str]) -> set[str]:
    selection = build_selection(select, ignore, [r.info for r in ALL_RULES])
    return {r.info.code for r in ALL_RULES if selection.is_enabled(r.info.code)}


def test_selection_longest_prefix_wins_and_ignore_wins_a_tie() -> None:
    all_codes = {r.info.code for r in ALL_RULES}
    assert selected([], []) == all_codes
    assert selected(["SSOT4"], []) == {"SSOT401", "SSOT402"}
    assert selected(["SSOT4"], ["SSOT40"]) == set()
    assert selected(["SSOT401"], ["SSOT4"]) == {"SSOT401"}
    assert selected(["SSOT4"], ["SSOT4"]) == set()
    ssot2 = {"SSOT201", "SSOT202", "SSOT203", "SSOT204"}
    assert selected([], ["SSOT2", "await-on-sync-callable"]) == all_codes - ssot2 - {"SSOT401"}
    assert selected(["all"], ["ssot1"]) == {c for c in all_codes if not c.startswith("SSOT1")}


def test_unknown_selector_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ConfigError, match="'SSOT7'"):
        build_selection(["SSOT7"], [], [r.info for r in ALL_RULES])
    write_project(tmp_path, PROJECT)
    assert main(["scan", str(tmp_path), "--isolated", "--ignore", "await-on-sink"]) == 2
    assert "'await-on-sink'" in capsys.readouterr().err


def test_cli_select_and_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, PROJECT)
    assert main(["scan", str(tmp_path), "--isolated", "--select", "SSOT2", "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert '"SSOT202"' in out and '"code": "SSOT401"' not in out
    assert main(["scan", str(tmp_path), "--isolated", "--select", "SSOT4", "--ignore", "SSOT401"]) == 0


def test_config_is_found_from_a_subdirectory(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **PROJECT,
        "pyproject.toml": "[tool.ssot-audit]\nselect = ['SSOT401']\n",
        "app/sub/__init__.py": "",
    })  # fmt: skip
    config = load_config(tmp_path / "app" / "sub")
    assert config.select == ("SSOT401",)
    assert config.source == str(tmp_path / "pyproject.toml")
    # A pyproject without the table is passed over; the search stops at the repository root.
    (tmp_path / "app" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert load_config(tmp_path / "app" / "sub").select == ("SSOT401",)
    (tmp_path / "app" / ".git").mkdir()
    assert load_config(tmp_path / "app" / "sub") == Config()


def test_isolated_ignores_the_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_with(tmp_path, "bogus = 1\n", capsys, "--isolated")
    assert code == 1 and err == ""
    assert load_config(tmp_path, isolated=True) == Config()


def test_explicit_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, {**PROJECT, "ssot.toml": "select = ['SSOT202']\nfail-on = 'error'\n"})
    assert main(["scan", str(tmp_path), "-q", "--config", str(tmp_path / "ssot.toml")]) == 0
    assert main(["scan", str(tmp_path), "-q", "--config", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml" in capsys.readouterr().err


def test_parse_table_values() -> None:
    config = parse_table({
        "exclude": "legacy/*",
        "fail-on": "never",
        "concepts": {"ws": {"canonical": "a.B", "factories": ["a.get"], "per-user": True, "method-overlap": 1}},
        "rules": {"SSOT104": {"report-all": True}},
    })  # fmt: skip
    assert config.exclude == ("legacy/*",)
    assert config.fail_on == "never"
    (concept,) = config.concepts
    assert (concept.name, concept.canonical, concept.factories, concept.per_user, concept.method_overlap) == (
        "ws", "a.B", ("a.get",), True, 1.0,
    )  # fmt: skip
    assert config.rule_options == {"SSOT104": {"report-all": True}}


def test_a_canonical_class_in_a_file_that_does_not_parse_skips_its_concept_and_keeps_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = "[tool.ssot-audit.concepts.ws]\ncanonical = 'app.broken.Manager'\n"
    write_project(tmp_path, {**PROJECT, "app/broken.py": "class Manager:\n    def f(:\n", "pyproject.toml": "[tool.ssot-audit]\n" + toml})
    assert main(["scan", str(tmp_path), "--format", "json", "-o", str(tmp_path / "out.json")]) == 1
    err = capsys.readouterr().err
    assert "note: concept 'ws' not checked (a file it names could not be analysed (SSOT900))" in err
    assert "'concepts.ws.canonical'" in err and "'app.broken.Manager'" in err and "app/broken.py was skipped" in err
    import json

    codes = {f["code"] for f in json.loads((tmp_path / "out.json").read_text())["findings"]}
    assert "SSOT900" in codes and len(codes) > 1  # the parse error is reported, and the other rules still ran


def test_paths_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ssot_audit import api

    write_project(tmp_path / "repo", {
        "app/__init__.py": "",
        "app/sub/__init__.py": "",
        "app/sub/mod.py": "",
        "tests/helpers.py": "",
        "tools/one.py": "",
    })  # fmt: skip
    (tmp_path / "outside").mkdir()
    root = tmp_path / "repo"
    project = api.load_project(root, Config(paths=("app", "app/sub", "tests", "tools/one.py")), jobs=1)
    assert sorted((i.relpath, i.is_test) for i in project.index.modules.values()) == [
        ("app/__init__.py", False),
        ("app/sub/__init__.py", False),
        ("app/sub/mod.py", False),
        ("tests/helpers.py", True),
        ("tools/one.py", False),
    ]
    (root / "pyproject.toml").write_text("[tool.ssot-audit]\npaths = ['../outside']\n")
    assert main(["scan", str(root)]) == 2
    assert "'paths' entry is outside the scanned directory" in capsys.readouterr().err


def test_config_file_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, PROJECT)
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.ssot-audit]\nexclude = ["caf\xe9"]\n')
    assert main(["scan", str(tmp_path)]) == 2
    assert "pyproject.toml is not valid TOML: not UTF-8 (line 2)" in capsys.readouterr().err
