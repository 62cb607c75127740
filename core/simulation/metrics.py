"""Skew metrics over worker loads: pure functions, one number each (DESIGN.md, *Skew metrics*).

Every function takes the records per worker (``loads``, W >= 1 non-negative numbers). With no
records at all every load is equal, so the balanced answer is returned (max/mean 1, Jain 1, ...).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "max_mean",
    "imbalance",
    "imbalance_ratio",
    "cv",
    "gini",
    "jain",
    "flink_skew_pct",
    "max_median",
    "skew_metrics",
    "shuffle_fraction",
]

Loads = Sequence[int] | Sequence[float] | np.ndarray


def _array(loads: Loads) -> np.ndarray:
    x = np.asarray(loads, dtype=np.float64).reshape(-1)
    if x.size == 0:
        raise ValueError("loads need at least one worker")
    return x


def max_mean(loads: Loads) -> float:
    """Busiest worker over the mean; a keyed stage runs at mean/max of perfect balance.

    >>> max_mean([10, 20, 30, 40])
    1.6
    """
    x = _array(loads)
    mean = x.mean()
    return float(x.max() / mean) if mean > 0 else 1.0


def imbalance(loads: Loads) -> float:
    """I = max − mean (Nasir et al., Partial Key Grouping), in records.

    >>> imbalance([10, 20, 30, 40])
    15.0
    """
    x = _array(loads)
    return float(x.max() - x.mean())


def imbalance_ratio(loads: Loads) -> float:
    """I/m: imbalance over the total record count m.

    >>> imbalance_ratio([10, 20, 30, 40])
    0.15
    """
    x = _array(loads)
    total = x.sum()
    return float((x.max() - x.mean()) / total) if total > 0 else 0.0


def cv(loads: Loads) -> float:
    """Coefficient of variation σ/μ with the population σ.

    >>> round(cv([10, 20, 30, 40]), 6)
    0.447214
    """
    x = _array(loads)
    mean = x.mean()
    return float(x.std() / mean) if mean > 0 else 0.0


def gini(loads: Loads) -> float:
    """ΣΣ|xi − xj| / (2W²μ): 0 for perfect balance, (W−1)/W when one worker holds everything.

    >>> gini([10, 20, 30, 40])
    0.25
    """
    x = np.sort(_array(loads))
    w = x.size
    mean = x.mean()
    if mean <= 0:
        return 0.0
    # Sorted form of the double sum: Σ_i (2i − W + 1)·x_(i) = ½ ΣΣ|xi − xj|, O(W log W).
    ranks = 2 * np.arange(w, dtype=np.float64) - w + 1
    return float(2 * np.dot(ranks, x) / (2 * w * w * mean))


def jain(loads: Loads) -> float:
    """Jain's fairness m² / (W·Σx²): 1 for perfect balance, 1/W for fan-in.

    >>> round(jain([10, 20, 30, 40]), 6)
    0.833333
    """
    x = _array(loads)
    squares = float(np.dot(x, x))
    return float(x.sum() ** 2 / (x.size * squares)) if squares > 0 else 1.0


def flink_skew_pct(loads: Loads) -> float:
    """Flink's dashboard skew: min(mean |x − μ| / μ · 100, 100).

    >>> flink_skew_pct([10, 20, 30, 40])
    40.0
    """
    x = _array(loads)
    mean = x.mean()
    return float(min(np.abs(x - mean).mean() / mean * 100.0, 100.0)) if mean > 0 else 0.0


def max_median(loads: Loads) -> float:
    """max/median (Spark AQE's skew test); ``inf`` when the median worker is idle.

    >>> max_median([10, 20, 30, 40])
    1.6
    """
    x = _array(loads)
    median = float(np.median(x))
    if median > 0:
        return float(x.max() / median)
    return 1.0 if x.max() == 0 else float("inf")


def skew_metrics(loads: Loads) -> dict[str, float]:
    """Every skew metric by its JSON name."""
    return {
        "max_mean": max_mean(loads),
        "imbalance": imbalance(loads),
        "imbalance_ratio": imbalance_ratio(loads),
        "cv": cv(loads),
        "gini": gini(loads),
        "jain": jain(loads),
        "flink_skew_pct": flink_skew_pct(loads),
        "max_median": max_median(loads),
    }


def shuffle_fraction(shuffled: int, records: int) -> float:
    """Share of records whose worker differs from ``source_partition % W``."""
    return shuffled / records if records > 0 else 0.0
