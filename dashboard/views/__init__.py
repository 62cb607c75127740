"""One module per page; each exposes ``render()`` for ``st.Page``."""
