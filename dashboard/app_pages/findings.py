"""Findings: free-text search and filters over a sortable table, and a detail panel (snippet, related locations)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import data
import derive
import views

cur = views.current()
result = data.result(cur)
rows = data.finding_rows(cur)
st.title("Findings")

codes = sorted({r["code"] for r in rows})
concepts = [c.key for c in data.ranking(cur).concepts if c.findings]  # most impact first
text = st.text_input("Search", key="f_text", placeholder="rule code or name, path, symbol, message… (all words must match)")
c1, c2, c3, c4 = st.columns([2, 2, 2, 2])
pick_codes = c1.multiselect("Rule", codes, key="f_codes")
pick_sev = c2.multiselect("Severity", ["error", "warning", "note"], key="f_severity")
glob = c3.text_input("Path glob", key="f_glob", placeholder="app/services/*")
concept = c4.selectbox("Concept", ["(any)", *concepts], key="f_concept")
c5, c6 = st.columns([2, 6])
new_only = c5.checkbox("New since previous scan only", key="f_new", disabled=cur.previous_id is None)
sort = c6.radio("Sort by", list(derive.SORT_KEYS), horizontal=True, key="f_sort")

flt = derive.FindingFilter(tuple(pick_codes), tuple(pick_sev), glob.strip(),
                           "" if concept == "(any)" else concept, new_only, text.strip())  # fmt: skip
shown = derive.filter_rows(rows, flt, sort)
st.caption(f"{len(shown)} of {len(rows)} findings")
table = pd.DataFrame(shown, columns=["code", "severity", "path", "line", "concept", "new", "message", "idx"])
st.dataframe(table.drop(columns=["idx"]), hide_index=True, width="stretch", height=380,
             column_config={"new": st.column_config.CheckboxColumn("new"),
                            "message": st.column_config.TextColumn("message", width="large",
                                                                   help="the whole message is in the detail below")})  # fmt: skip

if shown:
    st.subheader("Detail")
    labels = {r["idx"]: f"{r['code']} {r['path']}:{r['line']} {r['symbol']}" for r in shown}
    idx = st.selectbox(f"Finding (any of the {len(shown)} above, in table order)", list(labels),
                       format_func=labels.__getitem__, key="f_pick")  # fmt: skip
    views.finding_detail(cur, result.findings[idx])
