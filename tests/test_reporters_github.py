"""github: workflow commands, one per finding, escaped by GitHub's rules."""

from __future__ import annotations

from ssot_audit.reporters import REPORTERS
from ssot_audit.reporters.github import escape_data, escape_property

from tests.ci_results import baseline_result, plain_result


def test_lines_are_exact_with_levels_and_escaping() -> None:
    assert REPORTERS["github"](plain_result()).splitlines() == [
        "::error file=app/api%2Cv2/routes.py,line=12,col=15,title=SSOT401::await on get_manager(), which is a plain "
        "def: 100%25 a TypeError, a|b [await-on-sync-callable]%0AFix: drop the await",
        "::warning file=app/manager.py,line=1,col=1,title=SSOT101::3 classes implement the concept 'ws': Manager and "
        "Unified, Conn [duplicate-concept-implementation]%0AFix: keep Manager",
        "::notice file=tests/shim.py,line=7,col=1,title=SSOT103::Shim subclasses Base and adds nothing:%0Aremove it "
        "[shim-subclass]%0AFix: import Base",
    ]  # fmt: skip


def test_only_new_findings_are_annotated_with_a_baseline() -> None:
    lines = REPORTERS["github"](baseline_result()).splitlines()
    assert [line.split("::")[1].split(",")[0] for line in lines] == ["error file=app/api%2Cv2/routes.py"]


def test_no_findings_no_output() -> None:
    from dataclasses import replace

    assert REPORTERS["github"](replace(plain_result(), findings=())) == ""


def test_escaping_rules() -> None:
    assert escape_data("50%\r\nok: a,b") == "50%25%0D%0Aok: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
