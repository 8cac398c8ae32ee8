"""Inline suppressions: ``# ssot: ignore[...]``, ``file-ignore``, clusters across files, and SSOT901."""

from __future__ import annotations

from pathlib import Path

from ssot_audit.suppressions import SuppressionComment, scan_comments

from tests.helpers import scan_project, triples, write_project
from tests.rules.test_duplicate_concept import MANAGER_METHODS  # one cluster-shaped class body for both

SYNC_CALLEE = """
    def get_manager():
        return 1
"""  # plainly not awaitable: the tests are about suppressions, not about the resolver's judgement



def _project(tmp_path: Path, caller: str, extra: dict[str, str] | None = None) -> Path:
    return write_project(tmp_path, {"app/__init__.py": "", "app/factory.py": SYNC_CALLEE, "app/caller.py": caller,
                                    **(extra or {})})  # fmt: skip


def _suppressed(result) -> set[tuple[str, str, int, str]]:  # type: ignore[no-untyped-def]
    return {(s.finding.code, s.finding.location.path, s.finding.location.line, s.reason) for s in result.suppressed}


def _messages(result, code: str = "SSOT901") -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    return [(f.location.path, f.location.line, f.message) for f in result.findings if f.code == code]


# -- reading comments (per-file stage, pure function of the bytes) --------------------------------------------

def test_scan_comments_reads_codes_names_reasons_and_positions() -> None:
    source = (b'"""Module doc\nspanning lines."""\n# ssot: file-ignore[SSOT101, duplicate-factory]\nimport x\n'
              b'y = 1  # ssot: ignore[SSOT401,SSOT402] -- returns an awaitable via a decorator\n'
              b'z = "# ssot: ignore[SSOT401]"\n# ssot: file-ignore[SSOT202]\nw = 2  # ssot: ignore\n'
              b'v = 3  # noqa: E501  # ssot:ignore[SSOT201]--legacy\n')  # fmt: skip
    assert scan_comments(source) == (
        SuppressionComment(3, 1, "file", ("SSOT101", "duplicate-factory"), "",
                           "# ssot: file-ignore[SSOT101, duplicate-factory]"),
        SuppressionComment(5, 8, "line", ("SSOT401", "SSOT402"), "returns an awaitable via a decorator",
                           "# ssot: ignore[SSOT401,SSOT402] -- returns an awaitable via a decorator"),
        SuppressionComment(7, 1, "misplaced", ("SSOT202",), "", "# ssot: file-ignore[SSOT202]"),
        SuppressionComment(8, 8, "blanket", (), "", "# ssot: ignore"),
        SuppressionComment(9, 22, "line", ("SSOT201",), "legacy", "# ssot:ignore[SSOT201]--legacy"),
    )  # fmt: skip


def test_scan_comments_falls_back_to_raw_lines_when_the_file_does_not_tokenize() -> None:
    source = b'# ssot: file-ignore[SSOT900] -- python 2 tool\nprint "hi"\ndef broken(:\n  """unterminated\n'
    assert scan_comments(source) == (
        SuppressionComment(1, 1, "file", ("SSOT900",), "python 2 tool", "# ssot: file-ignore[SSOT900] -- python 2 tool"),
    )  # fmt: skip


def test_a_comment_that_quotes_the_syntax_is_not_a_suppression() -> None:
    source = (b'x = 1  # a suppression must say why (``# ssot: ignore[X] -- why``)\n'
              b'y = 2  # see `#ssot: ignore[SSOT401]` in the docs\n'
              b'z = 3  # noqa  # ssot: ignore[SSOT201]\n')  # fmt: skip
    assert scan_comments(source) == (SuppressionComment(3, 16, "line", ("SSOT201",), "", "# ssot: ignore[SSOT201]"),)
    broken = b'def f(:\n    pass  # quoted: ``# ssot: ignore[X]``\n# ssot: file-ignore[SSOT900]\n'
    assert [c.line for c in scan_comments(broken)] == [3]  # the raw-line fallback reads comments the same way


def test_scan_comments_skips_files_without_the_marker() -> None:
    assert scan_comments(b"import os  # noqa\n") == ()


# -- applying them after the rules ----------------------------------------------------------------------------

def test_line_suppression_by_code_or_name_with_reason(tmp_path: Path) -> None:
    _project(tmp_path, """
        from app.factory import get_manager

        async def a():
            await get_manager()  # ssot: ignore[SSOT401] -- patched to a coroutine in tests

        async def b():
            await get_manager()  # ssot: ignore[await-on-sync-callable]

        async def c():
            await get_manager()
    """)
    result = scan_project(tmp_path)
    assert _suppressed(result) == {("SSOT401", "app/caller.py", 4, "patched to a coroutine in tests"),
                                   ("SSOT401", "app/caller.py", 7, "")}  # fmt: skip
    assert triples(result) == {("SSOT401", "app/caller.py", 10)}
    assert result.suppressed[0].comment.path == "app/caller.py" and result.suppressed[0].comment.line == 4


def test_file_ignore_at_the_top_silences_the_whole_file(tmp_path: Path) -> None:
    _project(tmp_path, '''
        """Legacy adapter."""
        # ssot: file-ignore[SSOT401] -- removed with the v1 API
        from app.factory import get_manager

        async def a():
            await get_manager()

        async def b():
            await get_manager()
    ''')
    result = scan_project(tmp_path)
    assert triples(result) == set()
    assert {s.finding.location.line for s in result.suppressed} == {6, 9}


def test_file_ignore_below_code_is_reported_and_silences_nothing(tmp_path: Path) -> None:
    _project(tmp_path, """
        from app.factory import get_manager
        # ssot: file-ignore[SSOT401]

        async def a():
            await get_manager()
    """)
    result = scan_project(tmp_path)
    assert _messages(result) == [("app/caller.py", 2, "file-ignore below the first statement silences nothing")]
    assert ("SSOT401", "app/caller.py", 5) in triples(result)


def test_a_suppression_on_any_cluster_member_silences_the_cluster(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": f"class WebSocketManager:{MANAGER_METHODS}",
        "app/unified.py": f"class UnifiedWebSocketManager:  # ssot: ignore[SSOT101] -- merged in #123{MANAGER_METHODS}",
        "app/conn.py": f"class WebSocketConnectionManager:{MANAGER_METHODS}",
        "app/a.py": "from app.manager import WebSocketManager\n",
        "app/b.py": "from app.manager import WebSocketManager\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result) == set()
    (silenced,) = result.suppressed
    assert silenced.finding.code == "SSOT101"
    assert silenced.finding.location.path == "app/manager.py"  # the finding sits on the canonical class...
    assert (silenced.comment.path, silenced.comment.line) == ("app/unified.py", 1)  # ...the comment on a member
    assert silenced.reason == "merged in #123"


def test_cluster_rule_code_on_a_non_member_line_is_unused(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": f"class WebSocketManager:{MANAGER_METHODS}",
        "app/unified.py": f"class UnifiedWebSocketManager:{MANAGER_METHODS}",
        "app/other.py": "VALUE = 1  # ssot: ignore[SSOT101]\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert sorted(code for code, _, _ in triples(result)) == ["SSOT101", "SSOT901"]
    assert _messages(result) == [("app/other.py", 1, "unused suppression: no SSOT101 finding on this line")]


def test_unused_unknown_and_blanket_suppressions_are_ssot901(tmp_path: Path) -> None:
    _project(tmp_path, """
        from app.factory import get_manager  # ssot: ignore[SSOT401]

        async def a():
            await get_manager()  # ssot: ignore[SSOT401, SSOT999, not-a-rule]

        X = 1  # ssot: ignore
    """)
    result = scan_project(tmp_path)
    assert _messages(result) == [
        ("app/caller.py", 1, "unused suppression: no SSOT401 finding on this line"),
        ("app/caller.py", 4, "unknown rule 'SSOT999' in suppression"),
        ("app/caller.py", 4, "unknown rule 'not-a-rule' in suppression"),
        ("app/caller.py", 6, "suppression without rule codes silences nothing"),
    ]
    (unused,) = [f for f in result.findings if f.location.line == 1]
    assert (unused.name, unused.severity.value, unused.location.column) == ("unused-suppression", "warning", 38)
    assert _suppressed(result) == {("SSOT401", "app/caller.py", 4, "")}


def test_suppressions_of_rules_that_did_not_run_are_not_called_unused(tmp_path: Path) -> None:
    _project(tmp_path, "X = 1  # ssot: ignore[SSOT401]\n")
    assert _messages(scan_project(tmp_path, select=("SSOT2", "SSOT9"))) == []
    assert len(_messages(scan_project(tmp_path))) == 1
    assert _messages(scan_project(tmp_path, ignore=("unused-suppression",))) == []


def test_require_reasons_keeps_the_finding_and_says_why(tmp_path: Path) -> None:
    _project(tmp_path, """
        from app.factory import get_manager

        async def a():
            await get_manager()  # ssot: ignore[SSOT401]

        async def b():
            await get_manager()  # ssot: ignore[SSOT401] -- fixed by the v2 factory
    """)
    result = scan_project(tmp_path, {"require-reasons": True})
    assert triples(result) == {("SSOT401", "app/caller.py", 4), ("SSOT901", "app/caller.py", 4)}
    assert _messages(result) == [("app/caller.py", 4, "suppression of SSOT401 has no reason and require-reasons "
                                  "is on: the finding is still reported")]  # fmt: skip
    assert _suppressed(result) == {("SSOT401", "app/caller.py", 7, "fixed by the v2 factory")}


def test_a_file_that_does_not_parse_can_be_file_ignored(tmp_path: Path) -> None:
    _project(tmp_path, "X = 1\n", {"legacy/tool.py": "# ssot: file-ignore[SSOT900] -- Python 2 tool\nprint 'hi'\n"})
    result = scan_project(tmp_path)
    assert triples(result) == set()
    assert _suppressed(result) == {("SSOT900", "legacy/tool.py", 2, "Python 2 tool")}


def test_suppression_text_inside_a_string_is_not_a_comment(tmp_path: Path) -> None:
    _project(tmp_path, """
        from app.factory import get_manager

        async def a():
            await get_manager(); note = "# ssot: ignore[SSOT401]"
    """)
    result = scan_project(tmp_path)
    assert triples(result) == {("SSOT401", "app/caller.py", 4)}
    assert result.suppressed == ()


def test_unused_suppression_findings_can_themselves_be_silenced(tmp_path: Path) -> None:
    _project(tmp_path, '''
        # ssot: file-ignore[SSOT901] -- generated file: stale comments are regenerated, not edited
        X = 1  # ssot: ignore[SSOT401]
    ''', {"app/other.py": "# ssot: file-ignore[SSOT901]\nY = 1\n"})
    result = scan_project(tmp_path)
    assert triples(result) == {("SSOT901", "app/other.py", 1)}
    assert _messages(result) == [("app/other.py", 1, "unused suppression: no SSOT901 finding in this file")]
    assert _suppressed(result) == {("SSOT901", "app/caller.py", 2, "generated file: stale comments are regenerated, "
                                    "not edited")}  # fmt: skip
