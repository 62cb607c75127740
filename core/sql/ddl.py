"""Reading table/stream/source/sink declarations (DDL without a query) into catalog entries.

Families read (each for columns + types, message key, primary key, partitions, partitioner, time
column, connector, topic, key format):

* Flink ``CREATE [TEMPORARY] TABLE t (cols [, PRIMARY KEY (k) NOT ENFORCED] [, WATERMARK FOR ts AS ...])
  [PARTITIONED BY (...)] WITH ('connector' = ..., 'topic' = ..., 'key.fields' = 'a;b', ...) [LIKE src]``;
* ksqlDB ``CREATE [OR REPLACE] [SOURCE] STREAM|TABLE s (k VARCHAR KEY | id INT PRIMARY KEY, ...)
  WITH (KAFKA_TOPIC = ..., PARTITIONS = n, KEY_FORMAT = ..., TIMESTAMP = 'ts')``;
* RisingWave ``CREATE SOURCE|TABLE s (cols, PRIMARY KEY (...)) [INCLUDE key AS k] WITH (connector =
  'kafka', topic = ...) FORMAT ... ENCODE ... [(...)]`` and ``CREATE SINK s FROM mv WITH (...)``;
* Spark ``CREATE TABLE t (cols) USING delta|kafka [PARTITIONED BY ...] [OPTIONS (...)] ...``.

Partitioner (the producer's choice of Kafka partition for a record; DESIGN.md's producer names):

* a keyed Kafka table of Flink (``key.fields``, or ``upsert-kafka`` keyed by its primary key) is
  ``murmur2``: Flink's Kafka sink hands keyed records to the Java producer's default partitioner;
  unkeyed it is ``sticky`` (the Java producer's default for null keys since Kafka 2.4);
  ``'sink.partitioner' = 'round-robin'`` is ``round_robin``; ``'fixed'`` (each Flink subtask writes to
  one partition) and a custom class are not a key hash: partitioner None with a note;
* ksqlDB runs Java producers: ``murmur2`` when a KEY/PRIMARY KEY column exists, else ``sticky``;
* RisingWave sinks write with librdkafka, whose default partitioner hashes keys with CRC32
  (``consistent_random``): ``crc32`` when keyed, ``round_robin`` (random, evenly spread) when not.
  RisingWave sources and tables read topics written by someone else: ``murmur2`` when keyed (the
  usual Java producer; a note says it is assumed), None when not;
* anything that is not Kafka (datagen, filesystem, delta, ...) has no partitioner and no partitions.

Anything in a declaration that is not understood is a :class:`core.errors.SqlSyntaxError` at its
position, in words a SQL user knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot.tokens import Token, TokenType

from core.errors import SqlSyntaxError
from core.limits import MAX_PARTITIONS
from core.model.catalog import Column, TableKind
from core.sql.properties import read_properties
from core.sql.text import SourceText
from core.sql.tokens import is_name, matching_paren, read_dotted_name, slice_text, split_args, up

__all__ = ["DdlTable", "read_ddl", "DDL_OBJECTS"]

# The word after CREATE [OR REPLACE] [TEMPORARY] [SOURCE] naming what is declared.
DDL_OBJECTS: dict[str, TableKind] = {"TABLE": "table", "STREAM": "stream", "SOURCE": "source", "SINK": "sink"}
_MODIFIERS = {"OR", "REPLACE", "TEMPORARY", "TEMP", "EXTERNAL", "STREAMING", "LIVE", "REFRESH"}
# Words that end a column's type and start one of its modifiers.
_COLUMN_MODIFIERS = {
    "KEY",
    "PRIMARY",
    "NOT",
    "NULL",
    "METADATA",
    "COMMENT",
    "DEFAULT",
    "HEADERS",
    "GENERATED",
    "CONSTRAINT",
    "VIRTUAL",
    "UNIQUE",
    "REFERENCES",
    "CHECK",
    "COLLATE",
}
_CLAUSES = (
    "WITH (...), PARTITIONED BY (...), LIKE, USING, OPTIONS (...), TBLPROPERTIES (...), COMMENT '...', "
    "INCLUDE ..., FORMAT ... ENCODE ..., FROM, or AS SELECT ..."
)


@dataclass
class DdlTable:
    """A declaration as read, before facts are derived (kept so ``LIKE`` can copy from it)."""

    name: str
    kind: TableKind
    dialect: str
    line: int
    columns: list[Column] = field(default_factory=list)
    key_columns: list[str] = field(default_factory=list)  # ksqlDB ``KEY`` columns
    primary_key: list[str] = field(default_factory=list)
    watermark: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    using: str | None = None
    include_key: str | None = None
    format: str | None = None
    from_table: str | None = None
    like: str | None = None


def _upper_type(source: SourceText, toks: list[Token]) -> str | None:
    return " ".join(slice_text(source, toks[0], toks[-1]).split()).upper() if toks else None


class _Reader:
    def __init__(self, toks: list[Token], source: SourceText, dialect: str) -> None:
        self.toks, self.source, self.dialect = toks, source, dialect.strip().lower()

    def peek(self, i: int) -> Token | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def error(self, message: str, i: int) -> SqlSyntaxError:
        tok = self.peek(i)
        if tok is None:
            last = self.toks[-1]
            return self.source.error(message, last.end + 1)
        return self.source.error(message, tok.start, len(tok.text))

    def paren(self, i: int, what: str) -> int:
        if not (self.peek(i) and self.toks[i].token_type == TokenType.L_PAREN):
            raise self.error(f"{what} needs a list in parentheses here", i)
        return matching_paren(self.toks, i, self.source)

    def names_in(self, open_i: int, close_i: int, what: str) -> list[str]:
        out = []
        for arg in split_args(self.toks, open_i, close_i):
            parts, end = read_dotted_name(arg, 0)
            if not parts or end != len(arg):
                at = arg[0].start if arg else self.toks[open_i].start
                raise self.source.error(f"{what} lists column names, e.g. {what} (id)", at)
            out.append(parts[-1].text)
        return out


def read_ddl(toks: list[Token], source: SourceText, dialect: str) -> DdlTable:
    """One declaration ``CREATE ... TABLE|STREAM|SOURCE|SINK name ...`` without a query."""
    r = _Reader(toks, source, dialect)
    j = 1
    while up(r.peek(j)) in _MODIFIERS:
        j += 1
    kind_word = up(r.peek(j))
    if kind_word == "SOURCE" and up(r.peek(j + 1)) in {"STREAM", "TABLE"}:  # ksqlDB read-only source
        j += 1
        kind_word = up(r.peek(j))
    if kind_word not in DDL_OBJECTS:
        raise r.error("expected TABLE, STREAM, SOURCE or SINK after CREATE", j)
    j += 1
    if up(r.peek(j)) == "IF" and up(r.peek(j + 1)) == "NOT" and up(r.peek(j + 2)) == "EXISTS":
        j += 3
    parts, j = read_dotted_name(toks, j)
    if not parts:
        raise r.error(f"CREATE {kind_word} needs a name, e.g. CREATE {kind_word} orders (...)", j)
    table = DdlTable(
        ".".join(t.text for t in parts), DDL_OBJECTS[kind_word], r.dialect, source.line_of(toks[0].start)
    )
    if r.peek(j) is not None and toks[j].token_type == TokenType.L_PAREN:
        close = matching_paren(toks, j, source)
        for arg in split_args(toks, j, close):
            _read_column_entry(r, arg, table, toks[j])
        j = close + 1
    while j < len(toks):
        j = _read_clause(r, j, table)
    return table


def _read_clause(r: _Reader, j: int, table: DdlTable) -> int:
    word, nxt = up(r.peek(j)), up(r.peek(j + 1))
    toks = r.toks
    if word == "WITH" or word in {"OPTIONS", "TBLPROPERTIES"}:
        close = r.paren(j + 1, word)
        props = (
            _spark_options(r, j + 1, close)
            if word != "WITH"
            else read_properties(toks, j + 1, close, r.source)
        )
        if word != "TBLPROPERTIES":
            table.properties.update(props)
        return close + 1
    if word in {"PARTITIONED", "CLUSTERED", "CLUSTER", "DISTRIBUTED", "PARTITION"} and nxt == "BY":
        return _skip_by_clause(r, j + 2)
    if word in {"PARTITIONED BY", "CLUSTER BY", "PARTITION BY"}:
        return _skip_by_clause(r, j + 1)
    if word == "COMMENT" or word == "LOCATION":
        if r.peek(j + 1) is None or toks[j + 1].token_type != TokenType.STRING:
            raise r.error(f"{word} needs a quoted string, e.g. {word} 'text'", j + 1)
        return j + 2
    if word == "USING":
        if not is_name(r.peek(j + 1)):
            raise r.error("USING needs a format, e.g. USING delta", j + 1)
        table.using = toks[j + 1].text.lower()
        return j + 2
    if word == "LIKE":
        parts, k = read_dotted_name(toks, j + 1)
        if not parts:
            raise r.error("LIKE needs the table to copy, e.g. LIKE orders", j + 1)
        table.like = ".".join(t.text for t in parts)
        if r.peek(k) is not None and toks[k].token_type == TokenType.L_PAREN:
            k = matching_paren(toks, k, r.source) + 1  # (INCLUDING ALL / EXCLUDING OPTIONS)
        return k
    if word == "INCLUDE":
        return _read_include(r, j, table)
    if word == "FORMAT":
        if not is_name(r.peek(j + 1)):
            raise r.error("FORMAT needs a format, e.g. FORMAT PLAIN ENCODE JSON", j + 1)
        table.format = toks[j + 1].text.upper()
        k = j + 2
        if up(r.peek(k)) == "ENCODE":
            if not is_name(r.peek(k + 1)):
                raise r.error("ENCODE needs an encoding, e.g. ENCODE JSON", k + 1)
            k += 2
            if r.peek(k) is not None and toks[k].token_type == TokenType.L_PAREN:
                k = matching_paren(toks, k, r.source) + 1
        return k
    if word == "FROM" and table.kind == "sink":
        parts, k = read_dotted_name(toks, j + 1)
        if not parts:
            raise r.error("CREATE SINK ... FROM needs the table or view it writes, e.g. FROM mv", j + 1)
        table.from_table = ".".join(t.text for t in parts)
        return k
    if word in {"STORED", "ROW"}:
        raise r.error(f"'{toks[j].text}' (Hive storage clauses) is not read; use USING <format>", j)
    raise r.error(
        f"unexpected '{toks[j].text}' in CREATE {table.kind.upper()} {table.name}; expected {_CLAUSES}", j
    )


def _spark_options(r: _Reader, open_i: int, close: int) -> dict[str, str]:
    """Spark ``OPTIONS (k 'v', k2 = 'v2')`` / ``TBLPROPERTIES (...)``: the '=' is optional there."""
    out: dict[str, str] = {}
    for arg in split_args(r.toks, open_i, close):
        eq = next((k for k, t in enumerate(arg) if t.token_type == TokenType.EQ), len(arg) - 1)
        if not arg or eq <= 0 or (eq == len(arg) - 1 and arg[eq].token_type == TokenType.EQ):
            at = arg[0].start if arg else r.toks[open_i].start
            raise r.source.error(
                "expected key 'value' pairs inside OPTIONS (...), e.g. OPTIONS (path '/data')", at
            )
        value = arg[eq + 1 :] if arg[eq].token_type == TokenType.EQ else arg[eq:]
        key = "".join(t.text for t in arg[:eq])
        out[key] = value[0].text if len(value) == 1 else slice_text(r.source, value[0], value[-1])
    return out


def _skip_by_clause(r: _Reader, k: int) -> int:
    """``PARTITIONED BY (a, b)``, ``CLUSTER BY (a)`` / ``CLUSTER BY a, b``,
    ``DISTRIBUTED BY HASH(a) INTO 4 BUCKETS``."""
    toks = r.toks
    if r.peek(k) is None:
        raise r.error("BY needs columns, e.g. PARTITIONED BY (day)", k)
    if up(r.peek(k)) in {"HASH", "RANGE"} and r.peek(k + 1) is not None:
        k += 1
    if toks[k].token_type == TokenType.L_PAREN:
        k = matching_paren(toks, k, r.source) + 1
    else:
        _, k = read_dotted_name(toks, k)
        while r.peek(k) is not None and toks[k].token_type == TokenType.COMMA and is_name(r.peek(k + 1)):
            _, k = read_dotted_name(toks, k + 1)
    if up(r.peek(k)) == "INTO" and up(r.peek(k + 2)) == "BUCKETS":
        k += 3
    return k


def _read_include(r: _Reader, j: int, table: DdlTable) -> int:
    """RisingWave ``INCLUDE key|partition|offset|timestamp|header ... [AS name]``."""
    k = j + 1
    what = up(r.peek(k))
    if not what:
        raise r.error("INCLUDE needs what to include, e.g. INCLUDE key AS order_key", k)
    k += 1
    while r.peek(k) is not None and r.toks[k].token_type == TokenType.STRING:  # INCLUDE header 'h'
        k += 1
    alias = None
    if up(r.peek(k)) == "AS":
        if not is_name(r.peek(k + 1)):
            raise r.error("INCLUDE ... AS needs a column name", k + 1)
        alias = r.toks[k + 1].text
        k += 2
    if what == "KEY":
        table.include_key = alias or "_rw_key"
        table.columns.append(Column(table.include_key, "BYTEA"))
    return k


def _read_column_entry(r: _Reader, arg: list[Token], table: DdlTable, open_tok: Token) -> None:
    if not arg:
        raise r.source.error("an empty entry in the column list: remove the extra ','", open_tok.start)
    first = up(arg[0])
    if first == "CONSTRAINT":
        rest = [up(t) for t in arg[2:4]]
        if rest[:1] == ["EXPECT"] or rest[:1] == ["CHECK"]:
            return  # Databricks expectations and checks filter rows; they do not shape the table
        arg = arg[2:]
        first = up(arg[0]) if arg else ""
    if first in {"PRIMARY", "PRIMARY KEY"} or arg[0].token_type == TokenType.PRIMARY_KEY:
        k = 1 if arg[0].token_type == TokenType.PRIMARY_KEY or first == "PRIMARY KEY" else 2
        open_i = next((n for n, t in enumerate(arg) if t.token_type == TokenType.L_PAREN), -1)
        if open_i != k:
            raise r.source.error(
                "PRIMARY KEY needs its columns, e.g. PRIMARY KEY (id) NOT ENFORCED", arg[0].start
            )
        close = matching_paren(arg, open_i, r.source)
        table.primary_key.extend(_names(r, arg, open_i, close, "PRIMARY KEY"))
        return
    if first == "WATERMARK":
        if up(arg[1] if len(arg) > 1 else None) != "FOR" or len(arg) < 3 or not is_name(arg[2]):
            raise r.source.error(
                "WATERMARK needs a column, e.g. WATERMARK FOR ts AS ts - INTERVAL '5' SECOND", arg[0].start
            )
        table.watermark = arg[2].text
        return
    constraint_key = first == "KEY" and any(t.token_type == TokenType.L_PAREN for t in arg[1:3])
    if first in {"UNIQUE", "FOREIGN", "CHECK", "INDEX", "PERIOD"} or constraint_key:
        return  # other table constraints do not shape partitioning
    if not is_name(arg[0]):
        raise r.source.error(
            f"expected a column name here, not '{arg[0].text}'", arg[0].start, len(arg[0].text)
        )
    name = arg[0].text
    if len(arg) > 1 and up(arg[1]) == "AS":  # computed column: c AS expr
        table.columns.append(Column(name, None))
        return
    type_end = 1
    depth = 0
    while type_end < len(arg):
        tok = arg[type_end]
        kind = tok.token_type
        if depth == 0 and up(tok) in _COLUMN_MODIFIERS | {"PRIMARY KEY"}:
            break
        if kind == TokenType.PRIMARY_KEY and depth == 0:
            break
        depth += (kind in {TokenType.L_PAREN, TokenType.LT}) - (kind in {TokenType.R_PAREN, TokenType.GT})
        type_end += 1
    table.columns.append(Column(name, _upper_type(r.source, arg[1:type_end])))
    mods = [up(t) for t in arg[type_end:]]
    if "PRIMARY" in mods or "PRIMARY KEY" in mods or any(t.token_type == TokenType.PRIMARY_KEY for t in arg):
        table.primary_key.append(name)
    elif "KEY" in mods:
        table.key_columns.append(name)


def _names(r: _Reader, arg: list[Token], open_i: int, close: int, what: str) -> list[str]:
    out = []
    for item in split_args(arg, open_i, close):
        parts, end = read_dotted_name(item, 0)
        if not parts or end != len(item):
            at = item[0].start if item else arg[open_i].start
            raise r.source.error(f"{what} lists column names, e.g. {what} (id)", at)
        out.append(parts[-1].text)
    return out


def check_partitions(value: str, where: Token, source: SourceText) -> int:
    text = value.strip().strip("'\"")
    if not text.isdigit() or not 1 <= int(text) <= MAX_PARTITIONS:
        raise source.error(
            f"PARTITIONS must be a whole number from 1 to {MAX_PARTITIONS}, got {value!r}", where.start
        )
    return int(text)


def read_create_clauses(
    toks: list[Token], j: int, source: SourceText, dialect: str, name: str, kind: TableKind
) -> tuple[dict[str, str], int]:
    """The clauses of ``CREATE ... name [(cols)]`` before its ``AS`` (WITH, PARTITIONED BY, COMMENT,
    TBLPROPERTIES, USING, ...): the WITH/OPTIONS properties and the index of ``AS``."""
    r = _Reader(toks, source, dialect)
    table = DdlTable(name, kind, r.dialect, source.line_of(toks[0].start))
    while j < len(toks) and up(toks[j]) != "AS":
        j = _read_clause(r, j, table)
    return table.properties, j
