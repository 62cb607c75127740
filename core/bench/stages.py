"""Bench section: a two-stage join + aggregate replay's cost per record vs a one-stage replay.

Both run the full ``simulate`` inline (five strategies + reference, then the stage replay) on the
same synthetic topics and sizes. "Per record" counts the records the replay reads from its
sources: the join statement reads two topics of ``records`` each, the one-stage statement one.
The ratio is also given per record of the first source only (what the strategy table counts).
"""

from __future__ import annotations

import time
from typing import Any

from core.simulation.config import SimulationConfig

__all__ = ["ONE_STAGE_SQL", "TWO_STAGE_SQL", "stages_section", "STAGES_LIMIT"]

ONE_STAGE_SQL = "SELECT customer_id, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY customer_id"
TWO_STAGE_SQL = ("SELECT c.region, SUM(o.amount) AS revenue FROM orders AS o "
                 "JOIN customers AS c ON o.customer_id = c.id GROUP BY c.region")
STAGES_LIMIT = 3.0  # issue 10: a two-stage join + aggregate replay within 3x the one-stage cost per record


def _run(sql: str, config: SimulationConfig) -> dict[str, Any]:
    from core.simulation.api import simulate

    started = time.perf_counter()
    result = simulate(sql, config=config)
    wall = time.perf_counter() - started
    read = sum(result.source_records.values()) or result.records
    return {"wall_s": wall, "records_read": read, "us_per_record": wall / read * 1e6,
            "us_per_first_source_record": wall / result.records * 1e6,
            "stages": [{"to": s.to, "kind": s.kind, "keys": list(s.keys), "records_in": s.records_in}
                       for s in result.stages]}


def stages_section(records: int, workers: int, keys: int, partitions: int, seed: int
                   ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from core.bench.runner import _target

    config = SimulationConfig(records=records, workers=workers, keys=keys, partitions=partitions, processes=0,
                              seed=seed, distribution="zipf:1.1", engine="partition-lab")
    _run(TWO_STAGE_SQL, SimulationConfig(records=1000, processes=0))  # warm-up: imports, first analysis
    one, two = _run(ONE_STAGE_SQL, config), _run(TWO_STAGE_SQL, config)
    ratio = two["us_per_record"] / one["us_per_record"]
    section = {"records": records, "one_stage": one, "two_stage": two, "ratio_per_record": ratio,
               "ratio_per_first_source_record": two["us_per_first_source_record"]
               / one["us_per_first_source_record"],
               "one_stage_sql": ONE_STAGE_SQL, "two_stage_sql": TWO_STAGE_SQL}
    target = _target("two-stage join + aggregate vs one-stage", f"cost per record <= {STAGES_LIMIT:g}x",
                     ratio, STAGES_LIMIT, higher_is_better=False)
    return section, [target]
