"""Per-engine plan rules, as data: where each engine re-distributes records between operators.

The rules differ in few, well-documented places (DESIGN.md *From SQL to a plan*, notes/flink.md,
notes/spark.md, notes/engines.md):

- whether a Kafka source counts as distributed by its message key (Flink and Spark never trust it;
  Kafka Streams and Partition Lab's own engine do; Velostream's engine is never told the key);
- whether an input hashed on a *subset* of the required keys satisfies the operator (Partition Lab:
  yes, DESIGN *Alignment*) or only the exact key set does (Flink's and Spark's stateful operators,
  ksqlDB's "GROUP BY exactly the message key");
- whether ``ORDER BY`` is global (Flink, Spark: one place) or per partition (Velostream: forward);
- extra key columns the engine adds: Spark hashes a windowed aggregation on the window too, Flink
  and Spark hash a ROLLUP/CUBE aggregate on the grouping-set id as well.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PlanRules", "RULES", "ENGINES", "engine_for_dialect", "rules_for"]


@dataclass(frozen=True)
class PlanRules:
    engine: str
    trusts_source_key: bool  # a source keyed by K counts as hash(K)
    subset_satisfies: bool  # hash(K) satisfies hash(G) when K ⊆ G (else only K == G)
    global_order_by: bool  # ORDER BY without LIMIT needs one place
    window_in_hash_key: bool  # a windowed aggregate hashes on the window as well
    grouping_id_key: str | None  # extra hash key of an aggregate over expanded grouping sets
    skips_aligned_shuffle: bool  # a hash exchange right after a source is smart_repartition
    description: str = ""


RULES: dict[str, PlanRules] = {
    r.engine: r
    for r in (
        PlanRules("flink", trusts_source_key=False, subset_satisfies=False, global_order_by=True,
                  window_in_hash_key=False, grouping_id_key="$e", skips_aligned_shuffle=False,
                  description="hashes before the first keyed operator; never trusts Kafka partitioning"),
        PlanRules("spark", trusts_source_key=False, subset_satisfies=False, global_order_by=True,
                  window_in_hash_key=True, grouping_id_key="spark_grouping_id", skips_aligned_shuffle=False,
                  description="hashpartitioning(keys) before every stateful operator; windows are keys"),
        PlanRules("kafka-streams", trusts_source_key=True, subset_satisfies=False, global_order_by=False,
                  window_in_hash_key=False, grouping_id_key=None, skips_aligned_shuffle=False,
                  description="a repartition topic only where the key changes before an aggregation "
                              "or join; none when GROUP BY is exactly the message key"),
        PlanRules("velostream", trusts_source_key=False, subset_satisfies=True, global_order_by=False,
                  window_in_hash_key=False, grouping_id_key=None, skips_aligned_shuffle=False,
                  description="routes on the keys where required; the engine is never told the "
                              "source key, so it never skips a shuffle"),
        PlanRules("partition-lab", trusts_source_key=True, subset_satisfies=True, global_order_by=False,
                  window_in_hash_key=False, grouping_id_key=None, skips_aligned_shuffle=True,
                  description="hash where required, skipped where the source is already aligned"),
    )
}
ENGINES: tuple[str, ...] = tuple(RULES)

_BY_DIALECT = {"velostream": "velostream", "flink": "flink", "spark": "spark", "databricks": "spark",
               "ksqldb": "kafka-streams"}


def engine_for_dialect(dialect: str) -> str:
    """The engine a dialect runs on (DESIGN *Engines*); other dialects plan as Partition Lab.

    >>> engine_for_dialect("ksqldb"), engine_for_dialect("risingwave")
    ('kafka-streams', 'partition-lab')
    """
    return _BY_DIALECT.get(dialect.strip().lower(), "partition-lab")


def rules_for(engine: str) -> PlanRules:
    from core.errors import InvalidConfigError

    try:
        return RULES[engine.strip().lower()]
    except KeyError:
        raise InvalidConfigError(
            f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}") from None
