"""From a declaration as read (:class:`DdlTable`) to the catalog entry (:class:`TableDef`).

The partitioner rules are documented in ``core/sql/ddl.py``'s module docstring.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot.tokens import Token

from core.model.catalog import TableDef
from core.sql.ddl import DdlTable, check_partitions
from core.sql.text import SourceText
from core.sql.tokens import up

__all__ = ["table_def", "merge_like"]


def _props(table: DdlTable) -> dict[str, str]:
    return {k.strip().lower(): v for k, v in table.properties.items()}


def _split_fields(text: str) -> tuple[str, ...]:
    return tuple(f.strip().strip('`"') for f in text.replace(",", ";").split(";") if f.strip())


def merge_like(table: DdlTable, base: DdlTable | None) -> DdlTable:
    """Flink ``CREATE TABLE t (...) WITH (...) LIKE base``: base's columns, keys and options first."""
    if base is None:
        return table
    props = {**base.properties, **table.properties}
    return replace(
        table,
        columns=[*base.columns, *table.columns],
        primary_key=table.primary_key or list(base.primary_key),
        key_columns=table.key_columns or list(base.key_columns),
        watermark=table.watermark or base.watermark,
        properties=props,
    )


def table_def(table: DdlTable, toks: list[Token], source: SourceText) -> TableDef:
    """The catalog entry: key, partitions, partitioner, time column, connector, topic, key format."""
    props = _props(table)
    notes: list[str] = []
    connector = props.get("connector")
    if connector is None and "kafka_topic" in props:
        connector = "kafka"  # ksqlDB declarations always sit on a Kafka topic
    if connector is None and table.using:
        connector = table.using
    connector = connector.lower() if connector else None
    topic = props.get("topic") or props.get("kafka_topic") or props.get("subscribe")
    kafka = connector in {"kafka", "upsert-kafka"}
    key: tuple[str, ...] = ()
    if "key.fields" in props:
        key = _split_fields(props["key.fields"])
    elif connector == "upsert-kafka" or (table.format == "UPSERT" and not table.include_key):
        key = tuple(table.primary_key)
    elif table.key_columns:
        key = tuple(table.key_columns)
    elif table.kind == "sink" and "primary_key" in props:
        key = _split_fields(props["primary_key"])  # RisingWave sinks key their messages so
    elif table.include_key:
        key = (table.include_key,)
    elif table.dialect in {"ksqldb", "ksql"} and table.primary_key:
        key = tuple(table.primary_key)  # a ksqlDB TABLE's PRIMARY KEY is its message key
    partitions = None
    if "partitions" in props:
        where = next((t for t in toks if up(t) == "PARTITIONS"), toks[0])
        partitions = check_partitions(props["partitions"], where, source)
    partitioner = _partitioner(table, props, connector, kafka, bool(key), notes)
    time_column = table.watermark or props.get("timestamp")
    key_format = props.get("key.format") or props.get("key_format")
    if key_format is None and table.dialect in {"ksqldb", "ksql"} and key and kafka:
        key_format = "KAFKA"  # ksqlDB's default key format
    kind = table.kind
    return TableDef(
        name=table.name,
        kind=kind,
        columns=tuple(table.columns),
        key=key,
        primary_key=tuple(table.primary_key),
        partitions=partitions,
        partitioner=partitioner,
        time_column=time_column.strip("'\"`") if time_column else None,
        connector=connector,
        topic=topic,
        key_format=key_format,
        line=table.line,
        source="ddl",
        notes=tuple(notes),
    )


def _partitioner(
    table: DdlTable, props: dict[str, str], connector: str | None, kafka: bool, keyed: bool, notes: list[str]
) -> str | None:
    if not kafka:
        return None
    if table.dialect == "risingwave":
        if table.kind == "sink":
            return "crc32" if keyed else "round_robin"  # librdkafka's consistent_random
        if keyed:
            notes.append("partitioner murmur2 assumed: the topic's producer is not declared here")
            return "murmur2"
        return None
    if table.dialect in {"spark", "databricks"}:
        notes.append("Spark's Kafka sink partitions by its 'key' column with the producer's partitioner")
        return None
    written = props.get("sink.partitioner", "").strip().lower()
    if written in {"round-robin", "round_robin"}:
        return "round_robin"
    if written == "fixed":
        notes.append("'sink.partitioner' = 'fixed': each Flink sink subtask writes to one partition")
        return None
    if written and written != "default":
        notes.append(f"'sink.partitioner' = '{written}' is a custom partitioner: its choice is unknown")
        return None
    return "murmur2" if keyed else "sticky"
