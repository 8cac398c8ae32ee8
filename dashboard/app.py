"""The ssot-audit dashboard: ``streamlit run dashboard/app.py -- --history FILE [--findings FILE]``.

Started by ``ssot-audit dashboard``. The pages live in ``app_pages/`` under ``st.navigation`` (not ``pages/``:
Streamlit would also treat that directory as a legacy multipage app and, on a first request for a page URL, run
the page script alone, without this file's set-up). Each page starts with ``views.current()``, which draws the
sidebar's project and scan pickers (inside the page script, so that AppTest sees them on every rerun); all loading
goes through ``data`` (cached).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
from PIL import Image, ImageDraw  # ships with streamlit

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # pages and tests import the dashboard's modules by name
    sys.path.insert(0, str(HERE))

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
    st.Page("app_pages/findings.py", title="Findings", icon=":material/list:"),
    st.Page("app_pages/concepts.py", title="Concepts", icon=":material/hub:"),
    st.Page("app_pages/graph.py", title="Import graph", icon=":material/account_tree:"),
    st.Page("app_pages/plan.py", title="Plan", icon=":material/checklist:"),
]


def favicon() -> Image.Image:
    """The tab icon, drawn here: a material or emoji icon would make every page fetch it from a public host."""
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((2, 6, 20, 24), outline=(29, 78, 216, 255), width=3)  # two overlapping rings: "one source"
    draw.ellipse((12, 6, 30, 24), outline=(21, 128, 61, 255), width=3)
    return image


def main() -> None:
    """Run the chosen page (each page draws the shared scan picker through ``views.current()``)."""
    st.set_page_config(page_title="ssot-audit", page_icon=favicon(), layout="wide")
    st.navigation(PAGES).run()


main()
