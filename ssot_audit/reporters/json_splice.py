"""The JSON report of a result made from the last report's pieces where their values are the same.

After a one-file edit at 4 million lines the result is the last one with a few findings replaced or moved, and its
tables (modules, import edges, concepts) the same; encoding the 22 MB report again cost 0.5 CPU-s. The report is
``json_reporter.render``'s text: a top-level object whose values are written at one indent, the lists of records
(findings, concepts, excerpts, ...) one record at the next. The layout kept with a report says where each value and
each record lies in its UTF-8 bytes; the next render copies those whose value is ``reuse.same`` as the one they
were written from (the last result) and encodes the rest. The encoder is a pure function of the value, so the
spliced report is byte for byte a full render; a missing or inconsistent layout means a full render.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from json.encoder import encode_basestring
from typing import Any

from ssot_audit.model import AuditResult, ScanStats
from ssot_audit.model.escape import json_safe
from ssot_audit.reporters.json_reporter import dumps
from ssot_audit.reporters.reuse import matches, same
from ssot_audit.serialization import result_to_dict, summary_to_dict

# result field -> what finds a record of the last result again (its records are then compared with ``same``)
RECORDS: dict[str, Callable[[Any], object]] = {
    "findings": lambda f: (f.fingerprint, f.location.line, f.location.column),
    "concepts": lambda c: c.name,
    "excerpts": lambda e: (e.path, e.start),
    "symbol_imports": lambda r: (r.path, r.line, r.column),
    "suppressed": lambda s: (s.finding.fingerprint, s.finding.location.line),
}
WHOLE = ("import_edges", "modules", "rule_info")  # rows of strings and the rules table: compared whole
_EMPTY = AuditResult(tool_version="", root="", stats=ScanStats(0, 0, 0, 0), findings=())
_INDENT = b"\n  "
_ITEM_INDENT = b"\n    "

Layout = dict[str, Any]  # {"size": bytes, "pieces": {key: [start, end]}, "items": {key: [start, end, ...]}}


def render(result: AuditResult, last: AuditResult | None = None, old: bytes | None = None,
           layout_text: str | None = None) -> tuple[bytes, str]:  # fmt: skip
    """The inert JSON report of ``result`` (``json_reporter.render`` made ``json_safe``) as UTF-8 bytes, and its
    layout (to keep with it). ``old`` and ``layout_text``: the report of ``last`` and its layout, or None."""
    layout = _checked(old, layout_text)
    if last is None or old is None or layout is None:
        last, old, layout = None, b"", {"pieces": {}, "items": {}}
    values = _values(result, last is None)
    parts: list[bytes] = []
    pieces: dict[str, list[int]] = {}
    items: dict[str, list[int]] = {}
    offset = 1  # after "{"
    for key in sorted(values):
        head = (encode_basestring(key) + ": ").encode("utf-8")
        offset += len(_INDENT) + len(head)
        if key in RECORDS:
            body, spans = _records(key, getattr(result, key), values[key], last, old, layout, offset)
            items[key] = spans
        else:
            span = layout["pieces"].get(key)
            reuse = last is not None and key in WHOLE and span is not None and same(getattr(result, key), getattr(last, key))
            body = old[span[0]:span[1]] if reuse else _encoded(_value(result, key, values), "  ")
        pieces[key] = [offset, offset + len(body)]
        parts.append(head + body)
        offset += len(body) + 1  # the comma or the newline that follows
    text = b"{" + _INDENT + (b"," + _INDENT).join(parts) + b"\n}\n"
    return text, json.dumps({"size": len(text), "pieces": pieces, "items": items})


def _values(result: AuditResult, whole: bool) -> dict[str, Any]:
    """Each top-level value of ``result_to_dict(result)``; with ``whole`` false, None for the records and tables,
    converted only where they are written (``_value``)."""
    if whole:
        return result_to_dict(result)
    emptied: dict[str, Any] = {field: () for field in (*RECORDS, *WHOLE)}
    data = result_to_dict(replace(result, **emptied))
    data["summary"] = summary_to_dict(result.findings)
    for field in (*RECORDS, *WHOLE):
        if field in data or getattr(result, field):  # present as ``result_to_dict`` has it (some only when set)
            data[field] = None
    return data


def _value(result: AuditResult, key: str, data: dict[str, Any]) -> Any:
    """The JSON data of ``key``: converted now when ``_values`` left it None."""
    value = data[key]
    return result_to_dict(replace(_EMPTY, **{key: getattr(result, key)}))[key] if value is None else value


def _encoded(value: Any, indent: str) -> bytes:
    return json_safe(dumps(value, indent)).encode("utf-8")


def _record_data(field: str, item: Any) -> Any:
    """One record as ``result_to_dict`` writes it: the data of a result holding it alone."""
    alone: dict[str, Any] = {field: (item,)}
    return result_to_dict(replace(_EMPTY, **alone))[field][0]


def _records(key: str, new: tuple[Any, ...], data: list[Any] | None, last: AuditResult | None, old: bytes,
             layout: Layout, offset: int) -> tuple[bytes, list[int]]:  # fmt: skip
    """A list of records written one by one, each copied from ``old`` when ``last`` has the same record there."""
    if not new:
        return b"[]", []
    spans = layout["items"].get(key)
    previous = getattr(last, key) if last is not None else None
    if previous is not None and spans is not None and len(spans) == 2 * len(previous):
        found = matches(new, previous, RECORDS[key])
    else:
        found = [None] * len(new)
    bodies = []
    for i, (item, index) in enumerate(zip(new, found)):
        if index is not None:
            bodies.append(old[spans[2 * index]:spans[2 * index + 1]])
        else:
            bodies.append(_encoded(data[i] if data is not None else _record_data(key, item), "    "))
    out: list[int] = []
    at = offset + 1  # after "["
    for body in bodies:
        at += len(_ITEM_INDENT)
        out += (at, at + len(body))
        at += len(body) + 1
    return b"[" + _ITEM_INDENT + (b"," + _ITEM_INDENT).join(bodies) + b"\n  ]", out


def _checked(old: bytes | None, layout_text: str | None) -> Layout | None:
    """The layout of ``old`` when it is whole and describes ``old`` (its size, spans inside it), else None."""
    if old is None or layout_text is None:
        return None
    try:
        layout = json.loads(layout_text)
        spans = [*layout["pieces"].values(), *layout["items"].values()]
        ok = layout["size"] == len(old) and all(
            len(span) % 2 == 0 and all(type(n) is int for n in span)
            and all(0 <= s <= e <= len(old) for s, e in zip(span[::2], span[1::2])) for span in spans)  # fmt: skip
        return layout if ok else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def incremental(result: AuditResult, last: AuditResult | None, old: bytes | None,
                kept: str | None) -> tuple[bytes, str]:  # fmt: skip
    """``render`` as ``api.render``'s incremental reporter."""
    return render(result, last, old, kept)
