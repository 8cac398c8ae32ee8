"""Overview: headline counts, where to start (concepts, groups and rules by impact), trends, new / fixed since the last."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import data
import derive
import views
from ssot_audit.model import impact

cur = views.current()
result = data.result(cur)
previous = data.previous(cur)
st.title(f"SSOT overview: {derive.md(result.root or cur.root)}")

errors = sum(1 for f in result.findings if f.severity.value == "error")
implementations = sum(impact.implementations(c) for c in result.concepts)
prev_total = len(previous.findings) if previous else None
cols = st.columns(5)
cols[0].metric("Findings", len(result.findings), None if prev_total is None else len(result.findings) - prev_total,
               delta_color="inverse")  # fmt: skip
cols[1].metric("Errors", errors)
cols[2].metric("Concepts", len(result.concepts))
cols[3].metric("Implementations", implementations,
               help="canonical classes and their duplicates across all concepts (the goal: one per concept)")
cols[4].metric("Import edges", len(result.import_edges))

st.subheader("Where to start")
ranking = data.ranking(cur)
st.caption(f"Concepts and groups of findings, {impact.RANKING_RULE}.")
top = ranking.top(10)
if top:
    st.dataframe(pd.DataFrame([{"#": i + 1, "kind": t.kind, "what": t.key if t.kind == "concept" else t.title,
                                "rule": "" if t.kind == "concept" else t.key.split(":", 1)[0],
                                "evidence": t.describe(), "findings": t.findings} for i, t in enumerate(top)]),
                 hide_index=True, width="stretch", key="o_top")  # fmt: skip
else:
    st.caption("No findings: nothing to start with.")
rules = impact.rank_rules(result)
if rules:
    st.markdown("**Rules by impact**")
    st.dataframe(pd.DataFrame([{"rule": r.key, "name": r.title, "findings": r.findings,
                                "runtime errors in production": r.runtime_errors,
                                "in production": r.production_findings, "in tests": r.test_findings}
                               for r in rules]), hide_index=True, width="stretch", key="o_rules")  # fmt: skip

history = data.scans(cur)
st.subheader("Trend")
if len(history) < 2:
    st.info("Record more scans (`ssot-audit scan PATH --record`, or backfill with `ssot-audit history PATH --last N`) "
            "to see a trend.")  # fmt: skip
else:
    labels = [s.short_label for s in history]
    by_rule = pd.DataFrame([s.by_rule for s in history], index=labels).fillna(0).astype(int)
    by_concept = pd.DataFrame([s.by_concept for s in history], index=labels).fillna(0).astype(int)
    st.markdown("**Findings per rule**")
    views.trend_chart(by_rule, height=340)
    st.markdown("**Findings per concept**")
    if by_concept.empty:
        st.caption("no concept findings recorded")
    else:
        views.trend_chart(by_concept, height=240)
    with st.expander("Counts per scan"):
        st.dataframe(by_rule.assign(total=[s.total for s in history]).set_axis([s.label for s in history]),
                     width="stretch")  # fmt: skip

st.subheader("Since the previous scan")
if previous is None:
    st.caption("No previous scan of this project to compare with.")
else:
    new, fixed = derive.diff_findings(result, previous)
    a, b = st.columns(2)
    a.metric("New", len(new))
    b.metric("Fixed", len(fixed))
    for title, items in (("New findings", new), ("Fixed findings", fixed)):
        if items:
            st.markdown(f"**{title}**")
            st.dataframe(pd.DataFrame([{"code": f.code, "severity": f.severity.value, "path": f.location.path,
                                        "line": f.location.line, "message": f.message} for f in items]),
                         hide_index=True, width="stretch")  # fmt: skip
