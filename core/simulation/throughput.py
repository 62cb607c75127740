"""The throughput model: per-worker capacity, the stage's modeled throughput and per-worker backlog.

A worker spends ``cost_us`` on every record, plus ``hash_cost_us`` when its record had to be
hashed and ``shuffle_cost_us`` when it crossed to another worker. Costs are averaged over the
strategy's records, so capacity is ``C = 1e6 / (cost + hash·hashed_share + shuffle·shuffle_fraction)``
records/s. A keyed stage finishes when its busiest worker does, hence ``W·C·mean/max``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["worker_capacity", "modeled_throughput", "backlog"]


def worker_capacity(cost_us: float, hash_cost_us: float, shuffle_cost_us: float,
                    hashed_share: float, shuffle_fraction: float) -> float:
    """Records/s one worker sustains, e.g. 200,000 for the engine's documented 5 µs a record.

    >>> worker_capacity(5.0, 0.2, 1.0, 0.0, 0.0)
    200000.0
    """
    per_record_us = cost_us + hash_cost_us * hashed_share + shuffle_cost_us * shuffle_fraction
    return 1e6 / per_record_us


def modeled_throughput(loads: np.ndarray | list[int], capacity: float, input_rate: float | None) -> float:
    """``min(input rate, W·C·mean/max)``: the stage runs at the pace of its busiest worker.

    >>> modeled_throughput([10, 20, 30, 40], 200_000.0, None)
    500000.0
    """
    x = np.asarray(loads, dtype=np.float64)
    peak = float(x.max())
    # No records anywhere: nothing limits the stage but the input.
    ceiling = x.size * capacity * (float(x.mean()) / peak) if peak > 0 else x.size * capacity
    return ceiling if input_rate is None else min(float(input_rate), ceiling)


def backlog(bucket_loads: np.ndarray, capacity: float, bucket_seconds: float) -> np.ndarray:
    """Records waiting at each worker at the end of each time bucket (shape ``buckets × W``).

    Each bucket a worker receives its share and drains up to ``C·bucket_seconds`` records; what it
    cannot drain carries over, so a worker that gets more than C per second falls behind steadily.
    """
    arrivals = np.asarray(bucket_loads, dtype=np.float64)
    drain = capacity * bucket_seconds
    lag = np.zeros(arrivals.shape[1] if arrivals.ndim == 2 else 0, dtype=np.float64)
    out = np.empty_like(arrivals)
    # The carry-over is a running max(0, ...) recurrence: a loop over buckets (tens), not records.
    for b in range(arrivals.shape[0]):
        lag = np.maximum(lag + arrivals[b] - drain, 0.0)
        out[b] = lag
    return out
