"""Maximum-weight assignment of new workers to old ones (the Hungarian method, numpy inner loop).

Used by rescaling: if each new worker may start where one old worker ran, the state that must move
is the total minus the best assignment's overlap. O(n³) for n = max(W, W'), hence the size cap.
"""

from __future__ import annotations

import numpy as np

__all__ = ["max_weight_assignment", "MAX_ASSIGNMENT"]

MAX_ASSIGNMENT = 256  # n³ numpy steps stay under a second up to here


def max_weight_assignment(weights: np.ndarray) -> np.ndarray:
    """``col[i]`` for each row ``i`` of a rectangular weight matrix, maximizing the total (-1: none)."""
    w = np.asarray(weights, dtype=np.float64)
    rows, cols = w.shape
    n = max(rows, cols)
    cost = np.zeros((n, n))
    cost[:rows, :cols] = w.max(initial=0.0) - w  # minimize cost = maximize weight; padding costs the same
    if rows != cols:
        cost[rows:, :] = 0.0
        cost[:, cols:] = 0.0
    inf = np.inf
    u, v = np.zeros(n + 1), np.zeros(n + 1)
    owner = np.zeros(n + 1, dtype=np.int64)  # owner[j]: row (1-based) holding column j; 0 = free
    way = np.zeros(n + 1, dtype=np.int64)
    for i in range(1, n + 1):
        owner[0], j0 = i, 0
        minv = np.full(n + 1, inf)
        used = np.zeros(n + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = owner[j0]
            free = ~used[1:]
            cur = cost[i0 - 1] - u[i0] - v[1:]
            better = free & (cur < minv[1:])
            minv[1:][better] = cur[better]
            way[1:][better] = j0
            cand = np.where(free, minv[1:], inf)
            j1 = int(np.argmin(cand)) + 1
            delta = cand[j1 - 1]
            u[owner[used]] += delta
            v[used] -= delta
            minv[1:][free] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    out = np.full(rows, -1, dtype=np.int64)
    for j in range(1, cols + 1):
        if 0 < owner[j] <= rows:
            out[owner[j] - 1] = j - 1
    return out
