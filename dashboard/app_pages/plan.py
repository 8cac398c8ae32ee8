"""Plan: the consolidation steps and how far each has got since the first recorded scan."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import data
import views

cur = views.current()
result = data.result(cur)
first = data.result(cur, cur.first_id) if cur.first_id is not None else result
from_planner, rows = data.plan_rows(cur)
st.title("Consolidation plan")
st.caption("The plan of the first recorded scan of this project, and each step's progress in the selected scan: a step "
           "is done when the findings it resolves are gone. Steps that resolve no finding by themselves (moving "
           "methods, aliasing a duplicate) cannot be tracked this way and stay open.")  # fmt: skip
if not from_planner:
    st.info("No planner in this version of ssot-audit: progress is shown per concept and per rule instead.")

tracked = [r for r in rows if r["findings"]] if from_planner else rows
done = sum(1 for r in rows if r["done"])
a, b, c, d = st.columns(4)
a.metric("Steps", len(rows))
b.metric("Done", done)
c.metric("Tracked by findings", len(tracked))
d.metric("Findings now", len(result.findings), len(result.findings) - len(first.findings), delta_color="inverse")

f1, f2 = st.columns([1, 3])
only_open = f1.checkbox("Open steps only", key="p_open")
kinds = sorted({r["kind"] for r in rows}) if from_planner else []
pick = f2.multiselect("Kind", kinds, key="p_kind") if kinds else []
shown = [r for r in rows if not (only_open and r["done"]) and (not pick or r["kind"] in pick)]
progress = st.column_config.ProgressColumn("progress", min_value=0.0, max_value=1.0, format="percent")
st.caption(f"{len(shown)} of {len(rows)} steps")
st.dataframe(pd.DataFrame(shown), hide_index=True, width="stretch", column_config={"progress": progress})
