"""Concepts: each cluster, most impact first, with its canonical class, members, method matrix (methods the canonical
class lacks highlighted), import paths and misuses."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import data
import derive
import views
from ssot_audit.model import impact

cur = views.current()
result = data.result(cur)
rows = data.finding_rows(cur)
st.title("Concepts")
if not result.concepts:
    st.info("This scan found no concept (no configured concept and no discovered cluster).")
    st.stop()

ranked = {i.key: i for i in data.ranking(cur).concepts}
names = list(ranked)
name = st.selectbox("Concept (most impact first)", names, key="c_concept",
                    format_func=lambda n: f"{n}: {ranked[n].describe()}")  # fmt: skip
concept = next(c for c in result.concepts if c.name == name)
rank_of = ranked[name]

st.markdown(f"**Canonical:** `{concept.canonical}`  \n_{derive.md(concept.canonical_reason)}_ · {concept.origin}"
            + (" · per-user" if concept.per_user else ""))  # fmt: skip
if concept.factories:
    st.markdown("**Factories:** " + ", ".join(f"`{f}`" for f in concept.factories))
a, b, c, d = st.columns(4)
a.metric("Implementations", rank_of.implementations)
b.metric("Importers", rank_of.importers)
c.metric("Findings", rank_of.findings, help=f"{rank_of.test_findings} in tests")
d.metric("Runtime errors in production", rank_of.runtime_errors)

st.subheader("Members")
st.dataframe(pd.DataFrame([{"class": m.qualname, "role": m.role, "path": f"{m.location.path}:{m.location.line}",
                            "importers": m.importers, "public methods": len(m.public_methods)}
                           for m in concept.members]), hide_index=True, width="stretch")  # fmt: skip

st.subheader("Method matrix")
missing = impact.missing_in_canonical(concept)
methods = sorted({m for member in concept.members for m in member.public_methods})
shorts = [m.qualname.rsplit(".", 1)[-1] for m in concept.members]
labels = [m.qualname if shorts.count(short) > 1 else short for m, short in zip(concept.members, shorts, strict=True)]
matrix = pd.DataFrame(  # rows by class name, the qualified name where two members share one (Styler needs unique)
    [{"class": label, **{meth: ("async" if meth in m.async_methods else "def")
      if meth in m.public_methods else ("MISSING" if m.qualname == concept.canonical and meth in missing else "")
      for meth in methods}} for m, label in zip(concept.members, labels, strict=True)]).set_index("class")  # fmt: skip


def _shade(value: str) -> str:
    """Cell style: the canonical class's missing methods red, defined methods green."""
    if value == "MISSING":
        return "background-color: #fee2e2; color: #b91c1c; font-weight: 600"
    return "background-color: #ecfdf5" if value else ""


st.dataframe(matrix.style.map(_shade), width="stretch")
if missing:
    st.error(f"The canonical class lacks {len(missing)} method{'s' * (len(missing) != 1)} another implementation has: "
             + ", ".join(f"`{m}`" for m in missing))  # fmt: skip
st.caption("`async` / `def`: the member defines the method; empty: it does not; MISSING: the canonical class lacks "
           "a method another implementation has (what consolidating must move).")  # fmt: skip

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
