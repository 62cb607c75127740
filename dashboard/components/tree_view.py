"""The decision tree drawn legibly on any screen: at a fixed, readable scale inside a scrolling box.

Streamlit shrinks a graphviz chart to its column's width, so a wide tree (the ``extended`` preset is
~2,000 px at natural size) reads at 2–7 px on a phone. Here the SVG keeps its natural size times a
zoom the reader picks, and the box scrolls both ways (pinch-zoom works on top of it).
"""

from __future__ import annotations

import streamlit as st

__all__ = ["tree_chart", "ZOOMS", "DEFAULT_ZOOM"]

# Relative to the SVG's natural size (graphviz's points: 16 pt labels = 21 px); the smallest keeps
# labels at 12.8 px.
ZOOMS: dict[str, float] = {"small": 0.6, "medium": 0.8, "large": 1.0}
DEFAULT_ZOOM = "small"


def _css(box: str, zoom: float) -> str:
    return (
        "<style>"
        f".st-key-{box} {{overflow: auto; max-height: 80vh; border: 1px solid #E5E7EB; border-radius: 8px;"
        " padding: 0.5rem; -webkit-overflow-scrolling: touch;}"
        f".st-key-{box} [data-testid='stGraphVizChart'] {{width: max-content !important;"
        " max-width: none !important;}"
        f".st-key-{box} [data-testid='stGraphVizChart'] svg {{max-width: none !important;"
        f" height: auto !important; zoom: {zoom};}}"
        # Streamlit's own graphviz style shrinks every label to 0.6 rem; give back the sizes graphviz
        # laid the boxes out for (tree_dot: 16 for nodes, 14 for edges).
        f".st-key-{box} svg g.node text {{font-size: 16px !important;}}"
        f".st-key-{box} svg g.edge text {{font-size: 14px !important;}}"
        "</style>"
    )


def tree_chart(dot: str, *, key: str = "tree") -> None:
    """``dot`` at a readable scale in a scrollable box, with a size control above it."""
    choice = st.segmented_control(
        "Tree size",
        list(ZOOMS),
        default=DEFAULT_ZOOM,
        key=f"{key}_zoom",
        help="The tree keeps readable text at every size; scroll (or pinch) inside the box to move around.",
    )
    zoom = ZOOMS.get(str(choice), ZOOMS[DEFAULT_ZOOM])
    box = f"{key}_box"
    st.html(_css(box, zoom))
    with st.container(key=box):
        st.graphviz_chart(dot, width="content")
    # A top-down tree starts at its root, drawn centred: scroll the box there once the SVG is drawn.
    st.html(_CENTRE.replace("BOX", box), unsafe_allow_javascript=True)


_CENTRE = """<script>
(() => { let tries = 0; const centre = () => {
  const box = document.querySelector('.st-key-BOX');
  const svg = box && box.querySelector('[data-testid="stGraphVizChart"] svg');
  if (svg && svg.getBoundingClientRect().width > 50) {
    box.scrollLeft = (box.scrollWidth - box.clientWidth) / 2; return; }
  if (tries++ < 150) setTimeout(centre, 100); }; centre(); })();
</script>"""
