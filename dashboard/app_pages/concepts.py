"""Concepts: each cluster with its canonical class, members, method matrix, import paths, misuses."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import data
import derive
import views

cur = views.current()
result = data.result(cur)
rows = data.finding_rows(cur)
st.title("Concepts")
if not result.concepts:
    st.info("This scan found no concept (no configured concept and no discovered cluster).")
    st.stop()

names = [c.name for c in result.concepts]
counts = {n: sum(1 for r in rows if r["concept"] == n) for n in names}
name = st.selectbox("Concept", names, format_func=lambda n: f"{n} ({counts[n]} findings)", key="c_concept")
concept = next(c for c in result.concepts if c.name == name)

st.markdown(f"**Canonical:** `{concept.canonical}`  \n_{concept.canonical_reason}_ · {concept.origin}"
            + (" · per-user" if concept.per_user else ""))  # fmt: skip
if concept.factories:
    st.markdown("**Factories:** " + ", ".join(f"`{f}`" for f in concept.factories))
a, b, c = st.columns(3)
a.metric("Implementations", sum(1 for m in concept.members if m.role in ("canonical", "duplicate")))
b.metric("Members (all roles)", len(concept.members))
c.metric("Findings", counts[name])

st.subheader("Members")
st.dataframe(pd.DataFrame([{"class": m.qualname, "role": m.role, "path": f"{m.location.path}:{m.location.line}",
                            "importers": m.importers, "public methods": len(m.public_methods)}
                           for m in concept.members]), hide_index=True, width="stretch")  # fmt: skip

st.subheader("Method matrix")
methods = sorted({m for member in concept.members for m in member.public_methods})
matrix = pd.DataFrame(
    [{"class": m.qualname.rsplit(".", 1)[-1], **{meth: ("async" if meth in m.async_methods else "def")
      if meth in m.public_methods else "" for meth in methods}} for m in concept.members]).set_index("class")  # fmt: skip
st.dataframe(matrix, width="stretch")
st.caption("`async` / `def`: the member defines the method; empty: it does not (what moving methods must cover).")

by_code = {code: [r for r in rows if r["concept"] == name and r["code"] in code_set]
           for code, code_set in (("paths", ("SSOT201",)), ("inst", ("SSOT301", "SSOT302")),
                                  ("await", derive.AWAIT_RULES))}  # fmt: skip

st.subheader("Import paths")
paths = []
for r in by_code["paths"]:
    facts = result.findings[r["idx"]].facts
    for path, n in sorted(facts.get("paths", {}).items()):
        paths.append({"symbol": facts.get("symbol", ""), "import path": path, "imports": n,
                      "canonical": path == facts.get("canonical_path")})  # fmt: skip
if paths:
    table = pd.DataFrame(paths).drop_duplicates(["symbol", "import path"])
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(f"{table['import path'].nunique()} import paths for {table['symbol'].nunique()} symbols")
else:
    st.caption("every import of this concept uses its canonical path")

for key, title in (("inst", "Direct instantiations and shared instances"), ("await", "Await misuses")):
    st.subheader(title)
    if by_code[key]:
        st.dataframe(pd.DataFrame(by_code[key], columns=["code", "path", "line", "symbol", "message"]),
                     hide_index=True, width="stretch")  # fmt: skip
    else:
        st.caption("none")
