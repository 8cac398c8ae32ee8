"""Import graph: the neighbourhood of a module or concept (depth slider), grouped like the HTML report's pictures
(``planner.graph_view``: test modules one box per test package, importers by package when there are many), drawn
with graphviz: roles coloured, a legend, packages boxed, cycles in red."""

from __future__ import annotations

import streamlit as st

import data
import derive
import views
from ssot_audit.planner.graph_view import concept_roles, group_modules

MAX_BOXES = 45  # a bigger neighbourhood is grouped, never cut: the depth asked for is the depth shown

cur = views.current()
result = data.result(cur)
edges = result.import_edges
st.title("Import graph")
if not edges:
    st.info("This scan recorded no import edges.")
    st.stop()

modules = sorted({m for e in edges for m in e})
concepts = [c.key for c in data.ranking(cur).concepts]  # most impact first
# deep links: ?module=app.services.presence or ?concept=websocket-manager, and &depth=N
linked_module = st.query_params.get("module")
linked_concept = st.query_params.get("concept")
modes = ["concept", "module"] if concepts else ["module"]
left, mid, right = st.columns([1, 3, 2])
mode = left.radio("Focus on", modes, index=modes.index("module") if linked_module in modules else 0, key="g_mode")
roles: dict[str, str] = {}
if mode == "concept":
    name = mid.selectbox("Concept (most impact first)", concepts,
                         index=concepts.index(linked_concept) if linked_concept in concepts else 0, key="g_concept")  # fmt: skip
    focus = derive.concept_modules(result, name)
    concept = next(c for c in result.concepts if c.name == name)
    roles, _ = concept_roles(result, (m.qualname for m in concept.members), concept.factories, concept.canonical)
else:
    module = mid.selectbox("Module", modules, index=modules.index(linked_module) if linked_module in modules else 0,
                           key="g_module")  # fmt: skip
    focus = {module}
linked_depth = st.query_params.get("depth", "1")
depth = right.slider("Depth", 0, 4, int(linked_depth) if linked_depth in ("0", "1", "2", "3", "4") else 1, key="g_depth")

cycles = derive.strongly_connected(edges)
nodes = derive.neighbourhood(edges, focus, depth)
inner = [(u, v) for u, v in edges if u in nodes and v in nodes]
picture_roles = {m: roles.get(m, "focus" if m in focus else "imports") for m in nodes}
view = group_modules(picture_roles, inner, max_nodes=MAX_BOXES)
cyc = [c for c in cycles if c & nodes]
grouped = f", drawn as {len(view.nodes)} boxes (grouped by package)" if len(view.nodes) < len(nodes) else ""
st.caption(f"{len(nodes)} modules within depth {depth}{grouped}, {len(inner)} imports; "
           f"{len(cyc)} import cycles touch this view (red)")  # fmt: skip
st.html(derive.legend_html(view))
st.graphviz_chart(derive.graph_dot(view, derive.cycle_edges(view, inner, cycles)), width="stretch")
if cyc:
    with st.expander("Cycles"):
        for comp in cyc:
            st.markdown(derive.md(" ⇄ ".join(sorted(comp))))
