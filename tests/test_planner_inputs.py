"""What the scan keeps for the plan and the report: excerpts (capped), import records, the module table; and
findings files from before these fields still load (they just render without code)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_audit import capture
from ssot_audit.analysis.state import content_hash
from ssot_audit.model import Confidence, Finding, ImportRef, Location, Related, Severity, SourceExcerpt
from ssot_audit.reporters import html
from ssot_audit.serialization import result_from_dict, result_to_dict

from tests.helpers import scan_project, write_project
from tests.test_html_report import findings_data


def _finding(path: str, line: int, end: int | None = None, related: tuple[Related, ...] = ()) -> Finding:
    return Finding("SSOT401", "await-on-sync-callable", "m", "f", Severity.ERROR, Confidence.HIGH,
                   Location(path, line, 1, end), "fp", related)  # fmt: skip


def test_excerpts_keep_context_merge_per_file_cut_long_lines_and_stop_at_the_budget(tmp_path: Path) -> None:
    lines = [f"line{n}" for n in range(1, 41)]
    lines[9] = "x" * 500
    (tmp_path / "a.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("one\ntwo\n", encoding="utf-8")
    findings = [_finding("a.py", 10), _finding("a.py", 13, related=(Related(Location("b.py", 1), "r"),)),
                _finding("a.py", 30, end=60)]  # fmt: skip
    got = capture.source_excerpts(tmp_path, findings)
    assert [(e.path, e.start, e.end) for e in got] == [("a.py", 8, 15), ("a.py", 28, 40), ("b.py", 1, 2)]
    assert got[0].lines[2] == "x" * capture.MAX_LINE_CHARS
    capped = capture.source_excerpts(tmp_path, findings, budget=5)
    assert [(e.path, e.start, e.end) for e in capped] == [("a.py", 8, 12)]


METHODS = "\n    def send(self): ...\n    def register_peer(self): ...\n    def drain_outbox(self): ...\n"


def test_import_records_cover_concept_classes_and_every_copy_of_a_factory(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/core.py": f"class Manager:{METHODS}\n\ndef get_manager():\n    return Manager()\n",
        "app/old.py": f"class OldManager:{METHODS}\n\ndef get_manager():\n    return OldManager()\n",
        "app/use.py": "from app.old import OldManager, get_manager\nfrom app.core import Manager\nimport json\n",
    })  # fmt: skip
    table = {"concepts": {"m": {"canonical": "app.core.Manager", "factories": ["app.core.get_manager"],
                                "name-patterns": ["*Manager"]}}}  # fmt: skip
    result = scan_project(tmp_path, table)
    assert [(r.path, r.line, r.source, r.name, r.target) for r in result.symbol_imports] == [
        ("app/use.py", 1, "app.old", "OldManager", "app.old.OldManager"),
        ("app/use.py", 1, "app.old", "get_manager", "app.old.get_manager"),
        ("app/use.py", 2, "app.core", "Manager", "app.core.Manager"),
    ]
    assert result.modules == (("app", "app/__init__.py"), ("app.core", "app/core.py"), ("app.old", "app/old.py"),
                              ("app.use", "app/use.py"))  # fmt: skip
    assert result_from_dict(result_to_dict(result)) == result


def test_a_findings_file_without_the_new_fields_still_renders(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/x.py": "def f():\n    return 1\n\nasync def g():\n    await f()\n"})
    result = scan_project(tmp_path)
    data = result_to_dict(result)
    for key in ("modules", "symbol_imports", "excerpts"):
        del data[key]
    old = result_from_dict(data)
    assert (old.modules, old.symbol_imports, old.excerpts) == ((), (), ())
    (row,) = findings_data(html.render(old))["findings"]
    assert "h" not in row  # no excerpt, no snippet
    (row,) = findings_data(html.render(result))["findings"]
    assert 'class="code"' in row["h"]


def test_import_ref_and_excerpt_round_trip_field_by_field() -> None:
    ref = ImportRef("a.b", "a/b.py", 3, 9, "a.c", "X", "Y", "a.d.X", "f")
    excerpt = SourceExcerpt("a/b.py", 2, ("one", "two"))
    assert excerpt.end == 3
    from ssot_audit.model import AuditResult, ScanStats

    result = AuditResult("0", "r", ScanStats(1, 1, 1, 0), (), symbol_imports=(ref,), excerpts=(excerpt,),
                         modules=(("a.b", "a/b.py"),))  # fmt: skip
    data = result_to_dict(result)
    assert data["symbol_imports"] == [{"importer": "a.b", "path": "a/b.py", "line": 3, "column": 9, "source": "a.c",
                                       "name": "X", "bound": "Y", "target": "a.d.X", "scope": "f"}]  # fmt: skip
    assert data["excerpts"] == [{"path": "a/b.py", "start": 2, "lines": ["one", "two"]}]
    assert result_from_dict(data) == result


def test_excerpts_of_files_unchanged_since_the_last_scan_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.py").write_text("".join(f"a{n}\n" for n in range(1, 21)), encoding="utf-8")
    (tmp_path / "b.py").write_text("".join(f"b{n}\n" for n in range(1, 21)), encoding="utf-8")
    findings = [_finding("a.py", 5), _finding("b.py", 10)]

    def hashes() -> dict[str, str]:
        return {p: content_hash((tmp_path / p).read_bytes()) for p in ("a.py", "b.py")}

    kept: dict[str, object] = {}
    first = capture.source_excerpts(tmp_path, findings, hashes=hashes(), kept=kept)
    read: list[str] = []
    real = capture.read_scanned

    def noted(path: str, boundary: str | None) -> bytes:
        read.append(Path(path).name)
        return real(path, boundary)

    monkeypatch.setattr(capture, "read_scanned", noted)
    assert capture.source_excerpts(tmp_path, findings, hashes=hashes(), kept=kept) == first and read == []
    # a finding further down wants lines that were not kept: the file is read again
    assert capture.source_excerpts(tmp_path, [*findings, _finding("a.py", 15)], hashes=hashes(), kept=kept)[1].start == 13
    assert read == ["a.py"]
    (tmp_path / "b.py").write_text("".join(f"new{n}\n" for n in range(1, 21)), encoding="utf-8")
    read.clear()
    again = capture.source_excerpts(tmp_path, findings, hashes=hashes(), kept=kept)
    assert read == ["b.py"] and again[1].lines[2] == "new10"
    assert again == capture.source_excerpts(tmp_path, findings)  # what a scan without the cache shows
    # bytes that changed after the scan hashed them are shown as read, but not kept under the scan's hash
    stale = {"a.py": hashes()["a.py"], "b.py": "hash of what the scan saw"}
    kept.clear()
    capture.source_excerpts(tmp_path, findings, hashes=stale, kept=kept)
    assert set(kept["excerpts"]) == {"a.py"}  # type: ignore[arg-type]
