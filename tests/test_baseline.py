"""Baselines: fingerprints with multiplicity, new/fixed/stale, a stable file, and a ratchet that only shrinks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssot_audit.baseline import (
    BaselineError,
    compare,
    dumps_baseline,
    entries_from_findings,
    loads_baseline,
    read_baseline,
    shrink_entries,
)
from ssot_audit.model import (
    AuditResult,
    BaselineComparison,
    BaselineEntry,
    Confidence,
    Finding,
    Location,
    ScanStats,
    Severity,
    SuppressedFinding,
)
from ssot_audit.serialization import finding_to_dict, result_from_dict, result_to_dict


def finding(code: str, path: str, line: int, fingerprint: str, symbol: str = "") -> Finding:
    return Finding(code, "rule-name", "message", "fix", Severity.ERROR, Confidence.HIGH,
                   Location(path, line, 1, symbol=symbol or f"{path[:-3]}.f"), fingerprint)  # fmt: skip


A1 = finding("SSOT401", "app/a.py", 10, "fp-a")
A2 = finding("SSOT401", "app/a.py", 30, "fp-a")  # same fingerprint: same kind of problem, same symbol
B = finding("SSOT201", "app/b.py", 3, "fp-b")
KNOWN = {"SSOT201", "SSOT401"}


def test_entries_count_identical_fingerprints_and_are_sorted() -> None:
    assert entries_from_findings([B, A2, A1]) == (
        BaselineEntry("SSOT401", "app/a.py", "app/a.f", "fp-a", 2, "rule-name"),
        BaselineEntry("SSOT201", "app/b.py", "app/b.f", "fp-b", 1, "rule-name"),
    )


def test_file_text_is_stable_and_has_no_line_numbers() -> None:
    text = dumps_baseline(entries_from_findings([B, A1, A2]))
    assert text == dumps_baseline(entries_from_findings([A2, A1, B]))
    assert json.loads(text) == {"schema": "ssot-audit-baseline", "version": 1, "entries": [
        {"code": "SSOT401", "name": "rule-name", "path": "app/a.py", "symbol": "app/a.f", "fingerprint": "fp-a", "count": 2},
        {"code": "SSOT201", "name": "rule-name", "path": "app/b.py", "symbol": "app/b.f", "fingerprint": "fp-b", "count": 1},
    ]}  # fmt: skip
    assert "\"line\"" not in text
    assert loads_baseline(text) == entries_from_findings([A1, A2, B])


def test_one_old_entry_does_not_absorb_two_identical_new_findings() -> None:
    entries = entries_from_findings([A1])
    new, comparison = compare([A1, A2, B], entries, scanned_paths={"app/a.py", "app/b.py"}, known_codes=KNOWN,
                              ran_codes=KNOWN, label="base.json")  # fmt: skip
    assert new == (A2, B)  # report order: the later duplicate is the new one
    assert comparison == BaselineComparison("base.json", 1, (), (), unchanged_findings=(A1,))


def test_fixed_stale_and_unchecked_entries() -> None:
    entries = (
        BaselineEntry("SSOT401", "app/a.py", "app/a.f", "fp-a", 3),  # 1 still there, 2 fixed
        BaselineEntry("SSOT201", "app/gone.py", "app/gone", "fp-gone", 1),  # file no longer scanned: stale
        BaselineEntry("SSOT777", "app/a.py", "app/a.f", "fp-old-rule", 1),  # rule no longer exists: stale
        BaselineEntry("SSOT201", "app/b.py", "app/b.f", "fp-b2", 1),  # rule not run this time: not checked
    )
    new, comparison = compare([A1], entries, scanned_paths={"app/a.py", "app/b.py"}, known_codes=KNOWN,
                              ran_codes={"SSOT401"})  # fmt: skip
    assert new == ()
    assert comparison.unchanged == 1
    assert comparison.fixed == (BaselineEntry("SSOT401", "app/a.py", "app/a.f", "fp-a", 2),)
    assert comparison.stale == (BaselineEntry("SSOT777", "app/a.py", "app/a.f", "fp-old-rule", 1),
                                BaselineEntry("SSOT201", "app/gone.py", "app/gone", "fp-gone", 1))  # sorted by path
    assert (comparison.fixed_count, comparison.stale_count) == (2, 2)


def test_shrinking_never_adds_and_keeps_unchecked_rules() -> None:
    entries = (
        BaselineEntry("SSOT401", "app/a.py", "app/a.f", "fp-a", 3),
        BaselineEntry("SSOT201", "app/b.py", "app/b.f", "fp-b2", 1),
        BaselineEntry("SSOT201", "app/gone.py", "app/gone", "fp-gone", 1),
    )
    brand_new = finding("SSOT401", "app/c.py", 1, "fp-new")
    assert shrink_entries(entries, [A1, brand_new], unchecked_codes=()) == (
        BaselineEntry("SSOT401", "app/a.py", "app/a.f", "fp-a", 1),
    )
    assert shrink_entries(entries, [A1, brand_new], unchecked_codes={"SSOT201"}) == (
        BaselineEntry("SSOT401", "app/a.py", "app/a.f", "fp-a", 1),
        BaselineEntry("SSOT201", "app/b.py", "app/b.f", "fp-b2", 1),
        BaselineEntry("SSOT201", "app/gone.py", "app/gone", "fp-gone", 1),
    )


def test_duplicate_entries_in_a_hand_edited_file_are_merged() -> None:
    row = {"code": "SSOT401", "name": "n", "path": "a.py", "symbol": "a", "fingerprint": "fp", "count": 1}
    text = json.dumps({"schema": "ssot-audit-baseline", "version": 1, "entries": [row, {**row, "count": 2}]})
    assert loads_baseline(text) == (BaselineEntry("SSOT401", "a.py", "a", "fp", 3, "n"),)


@pytest.mark.parametrize(("text", "message"), [
    ("[", "not JSON: Expecting value: line 1 column 2 (char 1)"),
    ('{"findings": []}', 'not an ssot-audit baseline (expected "schema": "ssot-audit-baseline")'),
    ('{"schema": "ssot-audit-baseline", "version": 9, "entries": []}', "baseline version 9; this ssot-audit reads 1"),
    ('{"schema": "ssot-audit-baseline", "version": 1, "entries": [{"code": "X"}]}',
     "entry 1 must have string fields code, name, path, symbol, fingerprint"),
    ('{"schema": "ssot-audit-baseline", "version": 1, "entries": [{"code": "X", "name": "n", "path": "p", '
     '"symbol": "s", "fingerprint": "f", "count": 0}]}', "entry 1 (f): 'count' must be a positive integer, got 0"),
])  # fmt: skip
def test_bad_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(BaselineError) as info:
        read_baseline(path)
    assert str(info.value) == f"{path}: {message}"


def test_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(BaselineError) as info:
        read_baseline(missing)
    assert str(info.value) == f"baseline {missing} does not exist (record one with --write-baseline {missing})"
    with pytest.raises(BaselineError, match=r"^cannot read baseline .*: Is a directory$"):
        read_baseline(tmp_path)


def test_result_with_baseline_and_suppressions_round_trips_through_json() -> None:
    comparison = BaselineComparison("b.json", 1, (BaselineEntry("SSOT401", "a.py", "a.f", "fp", 2, "n"),),
                                    (BaselineEntry("SSOT201", "gone.py", "gone", "fp2", 1, "m"),), (A2,))  # fmt: skip
    result = AuditResult("0.1.0", "repo", ScanStats(3, 30, 3, 0), (A1,), rules=("SSOT401",),
                         suppressed=(SuppressedFinding(B, Location("app/b.py", 3, 9), "legacy"),), baseline=comparison)  # fmt: skip
    data = result_to_dict(result)
    assert data["baseline"] == {"path": "b.json", "unchanged": 1, "fixed": [
        {"code": "SSOT401", "name": "n", "path": "a.py", "symbol": "a.f", "fingerprint": "fp", "count": 2}],
        "stale": [{"code": "SSOT201", "name": "m", "path": "gone.py", "symbol": "gone", "fingerprint": "fp2", "count": 1}],
        "unchanged_findings": [finding_to_dict(A2)]}  # fmt: skip
    assert data["suppressed"][0]["reason"] == "legacy"
    assert result_from_dict(json.loads(json.dumps(data))) == result


def test_plain_result_json_has_no_gate_keys() -> None:
    data = result_to_dict(AuditResult("0.1.0", "repo", ScanStats(0, 0, 0, 0), ()))
    assert "baseline" not in data and "suppressed" not in data and "rule_info" not in data


def test_entries_given_twice_to_compare_add_up() -> None:
    twice = (BaselineEntry("SSOT401", "app/a.py", "app/a.f", "fp-a", 1),) * 2
    new, comparison = compare([A1, A2, A2], twice, scanned_paths={"app/a.py"}, known_codes=KNOWN, ran_codes=KNOWN)
    assert (len(new), comparison.unchanged, comparison.fixed) == (1, 2, ())
