"""Import graph: the neighbourhood of a module or concept (depth slider), drawn with graphviz; cycles in red."""

from __future__ import annotations

import streamlit as st

import data
import derive
import views

MAX_NODES = 250  # graphviz in the browser gets slow and unreadable past this

cur = views.current()
result = data.result(cur)
edges = result.import_edges
st.title("Import graph")
if not edges:
    st.info("This scan recorded no import edges.")
    st.stop()

modules = sorted({m for e in edges for m in e})
concepts = [c.name for c in result.concepts]
# deep links: ?module=app.services.presence or ?concept=websocket-manager, and &depth=N
linked_module = st.query_params.get("module")
linked_concept = st.query_params.get("concept")
modes = ["concept", "module"] if concepts else ["module"]
left, mid, right = st.columns([1, 3, 2])
mode = left.radio("Focus on", modes, index=modes.index("module") if linked_module in modules else 0, key="g_mode")
if mode == "concept":
    name = mid.selectbox("Concept", concepts, index=concepts.index(linked_concept) if linked_concept in concepts else 0,
                         key="g_concept")  # fmt: skip
    focus = derive.concept_modules(result, name)
else:
    module = mid.selectbox("Module", modules, index=modules.index(linked_module) if linked_module in modules else 0,
                           key="g_module")  # fmt: skip
    focus = {module}
linked_depth = st.query_params.get("depth", "1")
depth = right.slider("Depth", 0, 4, int(linked_depth) if linked_depth in ("0", "1", "2", "3", "4") else 1, key="g_depth")

cycles = derive.strongly_connected(edges)
nodes = derive.neighbourhood(edges, focus, depth)
if len(nodes) > MAX_NODES:
    st.warning(f"{len(nodes)} modules within depth {depth}: showing the depth that fits ({MAX_NODES} modules max).")
    while depth > 0 and len(nodes) > MAX_NODES:
        depth -= 1
        nodes = derive.neighbourhood(edges, focus, depth)
inner = sum(1 for u, v in edges if u in nodes and v in nodes)
cyc = [c for c in cycles if c & nodes]
st.caption(f"{len(nodes)} modules, {inner} imports; {len(cyc)} import cycles touch this view (red)")
st.graphviz_chart(derive.graph_dot(edges, nodes, focus, cycles), width="stretch")
if cyc:
    with st.expander("Cycles"):
        for comp in cyc:
            st.write(" ⇄ ".join(sorted(comp)))
