"""One colour per strategy, the same in every chart, badge, table and tree leaf."""

from __future__ import annotations

from core.strategies import STRATEGY_NAMES

__all__ = [
    "STRATEGY_COLORS",
    "STREAMLIT_NAMED",
    "strategy_color",
    "tint",
    "PATH_FILL",
    "PATH_PEN",
    "OK_GREEN",
    "BAD_RED",
]

# Colour-blind-safe (Okabe–Ito) hues, distinct on a projector.
STRATEGY_COLORS: dict[str, str] = {
    "always_hash": "#0072B2",  # blue
    "smart_repartition": "#009E73",  # green
    "round_robin": "#E69F00",  # orange
    "sticky_partition": "#CC79A7",  # purple-pink
    "fan_in": "#D55E00",  # vermilion
}
assert set(STRATEGY_COLORS) == set(STRATEGY_NAMES)

# The nearest of Streamlit's named Markdown colours, for text badges (``:green-background[...]``).
STREAMLIT_NAMED: dict[str, str] = {
    "always_hash": "blue",
    "smart_repartition": "green",
    "round_robin": "orange",
    "sticky_partition": "violet",
    "fan_in": "red",
}

PATH_FILL = "#FFE08A"
PATH_PEN = "#8A5A00"
OK_GREEN = "#1B7F3B"
BAD_RED = "#B3261E"
_FALLBACK = "#6B7280"


def strategy_color(name: str) -> str:
    return STRATEGY_COLORS.get(name, _FALLBACK)


def tint(hex_color: str, amount: float = 0.75) -> str:
    """Mix a colour with white (``amount`` 0 = unchanged, 1 = white) for soft fills."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(c + (255 - c) * amount) for c in (r, g, b))
    return "#" + "".join(f"{c:02X}" for c in mixed)
