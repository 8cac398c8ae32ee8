"""Plan: the consolidation steps and how far each has got since the first recorded scan."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import data
import derive
import views
from ssot_audit import api

cur = views.current()
result = data.result(cur)
first = data.result(cur, cur.first_id) if cur.first_id is not None and cur.first_id != cur.scan_id else result
st.title("Consolidation plan")
st.caption("Progress compares this scan with the first recorded scan of the project: a step is done when the "
           "findings it resolves are gone.")  # fmt: skip

planner = getattr(api, "plan", None)
progress = st.column_config.ProgressColumn("progress", min_value=0.0, max_value=1.0, format="percent")
if planner is not None:
    steps = planner(first).find_steps()
    rows = derive.step_rows(steps, result)
else:  # the planner is not available in this version: progress per concept and per rule
    rows = derive.group_rows(first, result)
done = sum(1 for r in rows if r["done"])
a, b, c = st.columns(3)
a.metric("Steps", len(rows))
b.metric("Done", done)
c.metric("Findings now", len(result.findings), len(result.findings) - len(first.findings), delta_color="inverse")
only_open = st.checkbox("Open steps only", key="p_open")
shown = [r for r in rows if not (only_open and r["done"])]
st.dataframe(pd.DataFrame(shown), hide_index=True, width="stretch", column_config={"progress": progress})
