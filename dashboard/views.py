"""Widgets shared by pages: the current scan, a highlighted source snippet, a finding's detail panel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

import data
import derive
from ssot_audit.history import HistoryError
from ssot_audit.model import Finding, Location

CONTEXT = 4  # lines shown above and below a location


def current() -> data.Current:
    """Draw the sidebar's project and scan pickers; return what the page shows (stops the page when nothing)."""
    sources = data.sources()
    if not sources.history and not sources.findings:
        st.error("No data: start with `ssot-audit dashboard --history FILE` or `--findings FILE`.")
        st.stop()
    try:
        cur = _choose_scan(sources)
    except HistoryError as exc:
        st.error(derive.md(exc))
        st.stop()
    if cur is None:
        st.stop()
    return cur


def _kept_selectbox(label: str, options: list[Any], default: int, key: str,
                    format_func: Callable[[Any], str] = str) -> Any:  # fmt: skip
    """A sidebar selectbox whose choice survives page switches (Streamlit drops a widget's state with the page)."""
    keep = f"{key}_keep"
    index = options.index(st.session_state[keep]) if st.session_state.get(keep) in options else default
    value = st.sidebar.selectbox(label, options, index=index, format_func=format_func, key=key)
    st.session_state[keep] = value
    return value


def _choose_scan(sources: data.Sources) -> data.Current | None:
    """Sidebar: project and scan pickers. None (with a message) when there is nothing to show."""
    summaries = data.load_scans(sources.history, data.stamp(sources.history)) if sources.history else []
    roots = sorted({s.root for s in summaries})
    root = _kept_selectbox("Project", roots, 0, "ssot_root") if len(roots) > 1 else (roots[0] if roots else "")
    mine = [s for s in summaries if s.root == root]
    options: list[int] = [s.id for s in mine] + ([data.FILE_SCAN_ID] if sources.findings else [])
    if not options:
        st.info("No scans yet: record one with `ssot-audit scan PATH --record`, or pass `--findings FILE`.")
        return None
    labels = {s.id: s.label for s in mine} | {data.FILE_SCAN_ID: f"file: {Path(sources.findings or '').name}"}
    default = options.index(data.FILE_SCAN_ID) if sources.findings else len(options) - 1
    scan_id = _kept_selectbox("Scan", options, default, "ssot_scan", labels.__getitem__)
    ids = [s.id for s in mine]
    position = ids.index(scan_id) if scan_id in ids else len(ids)
    previous_id = ids[position - 1] if position > 0 else None
    st.sidebar.caption(f"{len(mine)} recorded scans" + (f"; compared with {derive.md(labels[previous_id])}" if previous_id else ""))
    return data.Current(sources, root, scan_id, previous_id, ids[0] if ids else None)


def snippet(cur: data.Current, location: Location) -> None:
    """The source around ``location``, syntax-highlighted, the location's lines marked.

    From the excerpt the scan recorded when there is one (a findings file carries them), else from git at the
    scan's commit or the working tree, never outside the scanned root.
    """
    end = location.end_line or location.line
    recorded = data.excerpt(cur, location.path, location.line)
    if recorded is not None:
        first = max(recorded.start, location.line - CONTEXT)
        last = min(recorded.end, end + CONTEXT)
        lines = list(recorded.lines[first - recorded.start : last - recorded.start + 1])
        where = f"{location.path} (as scanned)"
    else:
        root = data.root_path(cur)
        text = data.source_text(root, location.path, data.commit_of(cur)) if root else None
        if text is None:
            st.caption(derive.md(f"{location.path}:{location.line} (source not available)"))
            return
        source, where = text
        all_lines = source.splitlines()
        first, last = max(1, location.line - CONTEXT), min(len(all_lines), end + CONTEXT)
        if first > last:
            st.caption(derive.md(f"{where}: line {location.line} is past the end of the file"))
            return
        lines = all_lines[first - 1 : last]
    formatter = HtmlFormatter(noclasses=True, linenos="inline", linenostart=first, style="friendly",
                              hl_lines=list(range(location.line - first + 1, end - first + 2)))  # fmt: skip
    body = highlight("\n".join(lines) + "\n", PythonLexer(), formatter)  # pygments escapes the source
    st.caption(derive.md(f"{where}:{location.line}"))
    st.html(f'<div style="font-size:13px;overflow-x:auto">{body}</div>')


def finding_detail(cur: data.Current, finding: Finding) -> None:
    """Message, remedy, highlighted snippet, related locations (each with its snippet), facts."""
    st.markdown(f"**{derive.md(finding.code)} {derive.md(finding.name)}** · {finding.severity.value} · "
                f"confidence {finding.confidence.value} · {derive.md(finding.location.path)}:{finding.location.line}")
    st.markdown(derive.md(finding.message))
    if finding.fix_hint:
        st.success("Fix: " + derive.md(finding.fix_hint))
    snippet(cur, finding.location)
    if finding.related:
        st.markdown(f"**Related locations ({len(finding.related)})**")
        for rel in finding.related:
            with st.expander(derive.md(f"{rel.location.path}:{rel.location.line} — {rel.message}")):
                snippet(cur, rel.location)
    if finding.facts:
        with st.expander("Facts"):
            st.json(finding.facts)


def trend_chart(table: pd.DataFrame, *, height: int) -> None:
    """Lines over scans (the table's index, kept in its order, which a plain line chart would sort)."""
    order = list(table.index)
    long = table.rename_axis("scan").reset_index().melt("scan", var_name="series", value_name="findings")
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(x=alt.X("scan:N", sort=order, axis=alt.Axis(labelAngle=0)), y=alt.Y("findings:Q"),
                color=alt.Color("series:N", scale=alt.Scale(scheme="tableau20"),
                              legend=alt.Legend(orient="right", title=None, symbolLimit=0)),
                tooltip=["scan", "series", "findings"])  # fmt: skip
        .properties(height=height)
    )
    # theme=None: Streamlit's theme has 10 colours, so an 11th rule would share one with the first
    st.altair_chart(chart, width="stretch", theme=None)
