"""Reports made from the last report's pieces (``reporters.json_splice``, ``reporters.text_view``) are byte for
byte the full renders, whatever changed between the two results; a damaged layout is a full render."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from ssot_audit.model import AuditResult, Severity
from ssot_audit.model.escape import inert_output, visible_fields
from ssot_audit.reporters import REPORTERS, json_splice, text, text_view
from ssot_audit.reporters.reuse import same
from tests.helpers import incremental_project, scan_project, write_project

SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"


def _full_json(result: AuditResult) -> bytes:
    return inert_output(REPORTERS["json"](result)).encode("utf-8")


def _full_text(result: AuditResult) -> str:
    return inert_output(text.render(visible_fields(result)))


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[AuditResult]:
    """sample_repo and the generated project, the latter with a hostile name in a finding."""
    root = write_project(tmp_path_factory.mktemp("gen"), incremental_project())
    return [scan_project(SAMPLE), scan_project(root)]


def _edited(result: AuditResult, rng: random.Random) -> AuditResult:
    """``result`` with findings removed, reordered, added (copies moved to other lines, new objects equal to old
    ones), unsafe text in one, a severity changed, and tables changed or rebuilt equal."""
    findings = list(result.findings)
    for _ in range(rng.randrange(3)):
        if findings:
            del findings[rng.randrange(len(findings))]
    if len(findings) > 2:
        i = rng.randrange(len(findings) - 1)
        findings[i], findings[i + 1] = findings[i + 1], findings[i]
    for _ in range(rng.randrange(3)):
        f = rng.choice(result.findings)
        findings.insert(rng.randrange(len(findings) + 1), replace(f, location=replace(f.location, line=f.location.line + 7)))
    findings = [replace(f) if rng.random() < 0.3 else f for f in findings]  # equal, not the same object
    if findings and rng.random() < 0.5:
        i = rng.randrange(len(findings))
        findings[i] = replace(findings[i], message=findings[i].message + " \x1b[2J\u202e")
    if findings and rng.random() < 0.5:
        i = rng.randrange(len(findings))
        findings[i] = replace(findings[i], severity=Severity.NOTE if findings[i].severity != Severity.NOTE else Severity.ERROR)
    modules = tuple(list(result.modules)) if rng.random() < 0.5 else result.modules[1:]
    concepts = result.concepts[::-1] if rng.random() < 0.3 else result.concepts
    return replace(result, findings=tuple(findings), modules=modules, concepts=concepts,
                   excerpts=result.excerpts[: rng.randrange(len(result.excerpts) + 1)])  # fmt: skip


@pytest.mark.parametrize("seed", range(12))
def test_spliced_json_and_text_are_the_full_renders(results: list[AuditResult], seed: int) -> None:
    rng = random.Random(seed)
    last = results[seed % 2]
    old, layout = json_splice.render(last)
    assert old == _full_json(last)
    _, kept = text_view.visible_result(last)
    for _ in range(3):  # a chain of edits, each render from the one before
        new = _edited(last, rng)
        spliced, layout = json_splice.render(new, last, old, layout)
        assert spliced == _full_json(new)
        shown, kept_now = text_view.visible_result(new, last, kept)
        assert inert_output(text.render(shown)) == _full_text(new)
        last, old, kept = new, spliced, kept_now


def test_unchanged_pieces_are_copied_not_encoded(results: list[AuditResult], monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the changed finding is encoded again (the splice is not a full render in disguise)."""
    last = results[0]
    old, layout = json_splice.render(last)
    new = replace(last, findings=(replace(last.findings[0], message="changed"), *last.findings[1:]))
    encoded: list[object] = []
    real = json_splice._encoded
    monkeypatch.setattr(json_splice, "_encoded", lambda value, indent: encoded.append(value) or real(value, indent))
    spliced, _ = json_splice.render(new, last, old, layout)
    assert spliced == _full_json(new)
    assert [v for v in encoded if isinstance(v, dict) and "fingerprint" in v] == [
        json_splice._record_data("findings", new.findings[0])]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "wrong size", "wrong spans", "none"])
def test_a_damaged_layout_is_a_full_render(results: list[AuditResult], damage: str) -> None:
    last = results[1]
    old, layout = json_splice.render(last)
    layouts = {"truncated": layout[: len(layout) // 2], "garbage": "[1, 2]", "none": None,
               "wrong size": layout.replace(f'"size": {len(old)}', f'"size": {len(old) + 1}'),
               "wrong spans": layout.replace('"items": {', '"items": {"findings": [0, 1], "x": ')}  # fmt: skip
    new = replace(last, findings=last.findings[1:])
    assert json_splice._checked(old, layouts[damage]) is None
    assert json_splice.render(new, last, old, layouts[damage])[0] == _full_json(new)


def test_same_is_exact_about_types() -> None:
    assert same((1, "a", {"k": [True]}), (1, "a", {"k": [True]}))
    assert not same(1, True) and not same(1, 1.0) and not same(0.0, -0.0)
    assert not same(Severity.ERROR, "error") and not same((1,), [1]) and not same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not same({1: "x"}, {True: "x"})
    from ssot_audit.model import Location

    assert same(Location("a", 1), Location("a", 1)) and not same(Location("a", 1), Location("a", True))  # type: ignore[arg-type]
    assert not same(Location("a", 1, end_line=2), Location("a", 1, end_line=2.0))  # type: ignore[arg-type]


def test_the_text_report_reads_no_emptied_field(results: list[AuditResult]) -> None:
    """``text_view.UNREAD`` fields are emptied before the text report: it must not read them."""
    for result in results:
        emptied = replace(result, **{field: () for field in text_view.UNREAD})
        assert result.modules and text.render(emptied) == text.render(result)


def test_the_models_reprs_show_every_field() -> None:
    """``same`` compares containers by ``repr``: every model dataclass must show all its fields (no ``repr=False``,
    no hand-written ``__repr__``), or two results differing in a hidden field would share a report piece."""
    import dataclasses

    import ssot_audit.model as model

    classes = [c for c in vars(model).values() if isinstance(c, type) and dataclasses.is_dataclass(c)]
    assert len(classes) > 10
    for cls in classes:
        assert all(f.repr for f in dataclasses.fields(cls)), cls
        generated = vars(cls).get("__repr__")
        assert generated is not None and generated.__wrapped__.__code__.co_filename == "<string>", cls  # dataclasses'

    assert not same({"a": [1, 2.0, True]}, {"a": [1, 2, True]}) and not same([(0.0,)], [(-0.0,)])
    assert not same({"s": Severity.ERROR}, {"s": "error"}) and same({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]})


def test_text_view_keeps_exactly_the_records_with_unsafe_text(results: list[AuditResult]) -> None:
    """A safe record is known by identity (``visible_fields`` returns what it need not change, dicts included):
    kept are only the records whose visible form differs, so the next scan walks only those again."""
    import json

    for result in results:
        hostile = replace(result, findings=(*result.findings, replace(result.findings[0], message="x\x1b[2Jy")))
        _, kept = text_view.visible_result(hostile)
        unsafe = [i for i, f in enumerate(hostile.findings) if visible_fields(f) != f]
        assert unsafe and json.loads(kept)["findings"] == unsafe == [len(hostile.findings) - 1]
