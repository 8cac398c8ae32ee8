"""The repository works on any machine: no machine's absolute paths in tracked files, the README's commands make
their own virtual environment (a Debian python refuses system-wide pip), and CI runs exactly the README's line."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MACHINE_PATHS = re.compile("/" + "work/|/" + "root/|/" + "home/[a-z]")  # split so this file does not match itself


def _tracked() -> list[str]:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run([git, "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    return [name for name in listed.decode("utf-8", "surrogateescape").split("\0") if name]


def test_no_tracked_file_names_a_machine_path() -> None:
    offenders = []
    for name in _tracked():
        path = ROOT / name
        if not path.is_file():
            continue  # deleted in the working tree
        text = path.read_bytes().decode("utf-8", "replace")
        offenders += [f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1) if MACHINE_PATHS.search(line)]
    assert offenders == []


def _readme_command(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(title, 1)[1].split("```bash\n", 1)[1]
    return block.split("\n", 1)[0]


def test_readme_commands_create_and_use_a_virtual_environment() -> None:
    for title in ("Set up and run the main job", "Run the tests"):
        command = _readme_command(title)
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && python -m pip install -e "), command
    assert _readme_command("Run the tests").endswith("&& python -m pytest -q")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    extractor = re.search(r"readme_test_command\(\) \{\n\s*(awk .*)\n\}", script)
    assert extractor, "the CI script reads the command from README.md"
    got = subprocess.run(["bash", "-c", extractor.group(1)], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert got.strip() == _readme_command("Run the tests")
    assert 'bash -c "$test_command"' in script
    assert f"test_command='{_readme_command('Run the tests')}'" in script  # verbatim, and checked at run time


def test_sarif_schema_is_vendored() -> None:
    assert (ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").is_file()
