"""Findings: a filterable, sortable table and a detail panel (highlighted snippet, related locations)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import data
import derive
import views

MAX_PICK = 500  # the detail picker lists this many of the filtered findings

cur = views.current()
result = data.result(cur)
rows = data.finding_rows(cur)
st.title("Findings")

codes = sorted({r["code"] for r in rows})
concepts = sorted({r["concept"] for r in rows if r["concept"]})
c1, c2, c3, c4 = st.columns([2, 2, 2, 2])
pick_codes = c1.multiselect("Rule", codes, key="f_codes")
pick_sev = c2.multiselect("Severity", ["error", "warning", "note"], key="f_severity")
glob = c3.text_input("Path glob", key="f_glob", placeholder="app/services/*")
concept = c4.selectbox("Concept", ["(any)", *concepts], key="f_concept")
c5, c6 = st.columns([2, 6])
new_only = c5.checkbox("New since previous scan only", key="f_new", disabled=cur.previous_id is None)
sort = c6.radio("Sort by", list(derive.SORT_KEYS), horizontal=True, key="f_sort")

flt = derive.FindingFilter(tuple(pick_codes), tuple(pick_sev), glob.strip(),
                           "" if concept == "(any)" else concept, new_only)  # fmt: skip
shown = derive.filter_rows(rows, flt, sort)
st.caption(f"{len(shown)} of {len(rows)} findings")
table = pd.DataFrame(shown, columns=["code", "severity", "path", "line", "concept", "new", "message", "idx"])
st.dataframe(table.drop(columns=["idx"]), hide_index=True, width="stretch", height=380,
             column_config={"new": st.column_config.CheckboxColumn("new"),
                            "message": st.column_config.TextColumn("message", width="large")})  # fmt: skip

if shown:
    st.subheader("Detail")
    choices = [r["idx"] for r in shown[:MAX_PICK]]
    labels = {r["idx"]: f"{r['code']} {r['path']}:{r['line']} {r['symbol']}" for r in shown[:MAX_PICK]}
    idx = st.selectbox("Finding", choices, format_func=labels.__getitem__, key="f_pick")
    if len(shown) > MAX_PICK:
        st.caption(f"the picker lists the first {MAX_PICK}; narrow the filters to reach the others")
    views.finding_detail(cur, result.findings[idx])
