"""Partition Lab's Streamlit dashboard: thin views over ``core``'s public API.

``app.py`` only builds the navigation; ``views/`` hold page layout, ``components/`` own their widget
keys, ``charts/`` and ``tree_dot.py`` are pure builders that tests inspect without a browser.
"""

from __future__ import annotations
