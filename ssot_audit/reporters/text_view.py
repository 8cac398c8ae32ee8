"""What the text report reads of a result, made visible (``model.escape.visible_fields``) reusing the last answer.

The coloured text report adds its own escape sequences, so every string it shows from the scanned tree is made
visible first. Walking the whole result for that took 0.3 CPU-s at 4 million lines after every edit. Two cuts, both
exact: only the fields the report reads are walked (``READS``; the others are emptied, so it cannot show them
raw), and a record (finding, concept, excerpt) that is ``reuse.same`` as a record of the last result that was
already safe (visible as it is) is safe too: only the others are walked. What is kept with a report: the indices
of the last result's records that were not safe.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ssot_audit.model import AuditResult
from ssot_audit.model.escape import inert_output, visible_fields
from ssot_audit.reporters.json_splice import RECORDS
from ssot_audit.reporters.reuse import matches

READ_RECORDS = ("findings", "concepts", "excerpts")  # the lists of records ``reporters.text`` reads
UNREAD = ("import_edges", "modules", "symbol_imports", "suppressed", "rule_info")  # emptied: the text never shows them


def visible_result(result: AuditResult, last: AuditResult | None = None,
                   kept: str | None = None) -> tuple[AuditResult, str]:  # fmt: skip
    """``result`` with what the text report reads made visible (the rest emptied), and what to keep for the next
    call: the indices of records that were not safe. ``last`` and ``kept``: the last call's result and keeping."""
    unsafe = _unsafe_of(kept, last)
    shown: dict[str, Any] = {}
    keep: dict[str, list[int]] = {}
    for field in READ_RECORDS:
        new = getattr(result, field)
        safe_before: list[int | None] = [None] * len(new)
        if last is not None and unsafe is not None:
            known = set(unsafe.get(field, ()))
            safe_before = [i if i is not None and i not in known else None
                           for i in matches(new, getattr(last, field), RECORDS[field])]  # fmt: skip
        items = [item if index is not None else visible_fields(item) for item, index in zip(new, safe_before)]
        keep[field] = [i for i, (item, seen) in enumerate(zip(new, items)) if item is not seen]
        shown[field] = new if not keep[field] else tuple(items)
    emptied: dict[str, Any] = {field: () for field in (*READ_RECORDS, *UNREAD)}
    rest = visible_fields(replace(result, **emptied))
    return replace(rest, **shown), json.dumps(keep)


def _unsafe_of(kept: str | None, last: AuditResult | None) -> dict[str, list[int]] | None:
    """The indices kept by the last call, when they are whole and fit ``last``; None otherwise (walk everything)."""
    if kept is None or last is None:
        return None
    try:
        unsafe = json.loads(kept)
        ok = set(unsafe) == set(READ_RECORDS) and all(
            type(i) is int and 0 <= i < len(getattr(last, field)) for field in READ_RECORDS for i in unsafe[field])  # fmt: skip
        return unsafe if ok else None
    except (ValueError, TypeError, AttributeError):
        return None


def incremental(render: Callable[[AuditResult], str]) -> Callable[..., tuple[str, str]]:
    """``render`` (the text reporter, given a visible result) as ``api.render``'s incremental reporter."""

    def rendered(result: AuditResult, last: AuditResult | None, old: bytes | None, kept: str | None) -> tuple[str, str]:
        del old  # the text is written anew (0.05 s): only what was safe is reused
        shown, keep = visible_result(result, last, kept)
        return inert_output(render(shown)), keep

    return rendered
