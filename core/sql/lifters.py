"""One lifter per streaming clause; each consumes tokens from ``i`` and returns the index after them."""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType

from core.model.catalog import TableKind
from core.sql.clauses import CreateHeader, RowBuffer
from core.sql.ddl import read_create_clauses
from core.sql.properties import read_properties
from core.sql.scanner_base import ScannerBase
from core.sql.tokens import is_name, matching_paren, read_dotted_name, slice_text, split_args, up
from core.sql.windows import WINDOW_KINDS, decode_tvf, decode_window, table_tokens

__all__ = ["Lifters"]

_CLAUSE_WORDS = {"EMIT", "WINDOW", "HAVING", "ORDER BY", "LIMIT", "GROUP BY", "WHERE", "INTO", "WITH"}
_AFTER_WINDOW_AS_NAME = {TokenType.L_PAREN, TokenType.DOT, TokenType.COMMA, TokenType.R_PAREN}
# Where an expression is expected, WINDOW can only be a column (Spark's window struct): GROUP BY window.
_BEFORE_WINDOW_AS_NAME = {
    TokenType.SELECT,
    TokenType.COMMA,
    TokenType.ORDER_BY,
    TokenType.GROUP_BY,
    TokenType.PARTITION_BY,
    TokenType.L_PAREN,
    TokenType.DISTINCT,
    TokenType.WHERE,
    TokenType.ON,
    TokenType.AND,
    TokenType.OR,
    TokenType.EQ,
    TokenType.NEQ,
    TokenType.DOT,
    TokenType.ALIAS,  # SELECT a AS window
}
# A materialized view (RisingWave, Databricks) is a view others read: kind create_view. A sink created
# AS SELECT writes its rows out, like INSERT INTO: kind insert.
_CREATE_KINDS = {
    "STREAM": "create_stream",
    "TABLE": "create_table",
    "VIEW": "create_view",
    "SINK": "insert",
}
_CREATE_MODIFIERS = {"OR", "REPLACE", "REFRESH", "TEMPORARY", "TEMP", "STREAMING", "LIVE", "SOURCE"}
_NOT_COLUMNS = {"CONSTRAINT", "PRIMARY", "WATERMARK", "PRIMARY KEY", "FOREIGN", "UNIQUE", "CHECK"}


class Lifters(ScannerBase):
    """One method per streaming clause; the dispatch loop lives in ``prepass``."""

    # -- CREATE STREAM|TABLE name [(cols)] [WITH (...)] AS ---------------------------------------
    def lift_create(self, i: int) -> int | None:
        j = i + 1
        while up(self._peek(j)) in _CREATE_MODIFIERS:
            j += 1
        if up(self._peek(j)) == "MATERIALIZED":
            j += 1
        kind_word = up(self._peek(j))
        if kind_word not in _CREATE_KINDS:
            return None
        j += 1
        if up(self._peek(j)) == "IF" and up(self._peek(j + 1)) == "NOT":
            j += 3
        parts, j = read_dotted_name(self.toks, j)
        if not parts:
            example = f"CREATE {kind_word} out AS SELECT ..."
            raise self._error(f"CREATE {kind_word} needs a name, e.g. {example}", j)
        name = ".".join(t.text for t in parts)
        columns: tuple[str, ...] = ()
        if self._is(self._peek(j), TokenType.L_PAREN):
            close = matching_paren(self.toks, j, self.source)
            # Spark pipelines declare expectations and keys beside the columns; only names are columns.
            columns = tuple(
                a[0].text
                for a in split_args(self.toks, j, close)
                if a and is_name(a[0]) and up(a[0]) not in _NOT_COLUMNS
                and a[0].token_type != TokenType.PRIMARY_KEY
            )
            j = close + 1
        kind: TableKind = "sink" if kind_word == "SINK" else "table"
        props, j = read_create_clauses(self.toks, j, self.source, self.dialect, name, kind)
        example = f"CREATE {kind_word} {name} AS SELECT * FROM source"
        if up(self._peek(j)) != "AS":
            raise self._error(f"CREATE {kind_word} {name} needs AS SELECT ..., e.g. {example}", j)
        if self._peek(j + 1) is None:
            raise self._error(f"CREATE {kind_word} {name} needs a query after AS, e.g. {example}", j + 1)
        self.clauses.create = CreateHeader(_CREATE_KINDS[kind_word], name, columns, props)
        self.clauses.properties.update(props)
        return self._lift(i, j + 1)

    # -- MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts ...): keys kept, the pattern lifted ------------
    def lift_match_recognize(self, i: int) -> int:
        """sqlglot cannot read MATCH_RECOGNIZE in every dialect; its PARTITION BY / ORDER BY are what
        partitioning needs (the pattern runs per partition key, in order)."""
        close = matching_paren(self.toks, i + 1, self.source)
        body = self.toks[i + 2 : close]
        partition = self._clause_items(body, "PARTITION")
        order = [o.split()[0] for o in self._clause_items(body, "ORDER")]
        self.clauses.match_recognize.append((tuple(partition), tuple(order)))
        end = close + 1
        if up(self._peek(end)) == "AS" and is_name(self._peek(end + 1)):
            end += 2
        elif is_name(self._peek(end)) and up(self._peek(end)) not in _CLAUSE_WORDS | {"GROUP", "ORDER"}:
            end += 1
        return self._lift(i, end)

    def _clause_items(self, body: list[Token], word: str) -> list[str]:
        """Comma-separated items after ``word BY`` at the top level of ``body``, up to the next clause."""
        stops = {"ORDER", "MEASURES", "ONE", "ALL", "AFTER", "PATTERN", "DEFINE", "WITHIN", "SUBSET"}
        start = next((k for k, t in enumerate(body) if up(t) in {word, f"{word} BY"}), -1)
        if start < 0:
            return []
        k = start + (1 if up(body[start]) == f"{word} BY" else 2)
        items: list[list[Token]] = [[]]
        depth = 0
        while k < len(body):
            tok = body[k]
            if depth == 0 and (up(tok) in stops or up(tok) == "ORDER BY") and items[-1]:
                break
            depth += (tok.token_type == TokenType.L_PAREN) - (tok.token_type == TokenType.R_PAREN)
            if depth == 0 and tok.token_type == TokenType.COMMA:
                items.append([])
            else:
                items[-1].append(tok)
            k += 1
        out = []
        for item in items:
            if item:
                parts, end = read_dotted_name(item, 0)
                plain = parts and end == len(item)
                out.append(parts[-1].text if plain else slice_text(self.source, item[0], item[-1]))
        return out

    # -- RisingWave OVER (PARTITION BY k ORDER BY ts SESSION WITH GAP INTERVAL '5' MINUTE) -----------
    def lift_session_gap(self, i: int) -> int:
        ms, j = self._read_duration(i + 3, "SESSION WITH GAP needs a duration")
        self.clauses.session_gaps.append(ms)
        return self._lift(i, j)

    # -- Spark pipelines: FROM STREAM(src) | STREAM src | STREAM(read_files(...)) ----------------
    def lift_stream_source(self, i: int) -> int:
        """``STREAM(src)`` reads ``src`` as a stream: the source is ``src``, never "STREAM"."""
        if self._is(self._peek(i + 1), TokenType.L_PAREN):
            close = matching_paren(self.toks, i + 1, self.source)
            self.drop_at.add(close)
            return self._lift(i, i + 2)
        return self._lift(i, i + 1)

    # -- WINDOW TUMBLING|SLIDING|HOPPING|SESSION (...) -------------------------------------------
    def lift_window(self, i: int) -> int | None:
        kind_tok, after = self._peek(i + 1), self._peek(i + 2)
        is_spec = up(kind_tok) in WINDOW_KINDS and self._is(after, TokenType.L_PAREN)
        expects_value = bool(self.kept) and self.kept[-1].token_type in _BEFORE_WINDOW_AS_NAME
        if not is_spec and (
            expects_value or (kind_tok is not None and kind_tok.token_type in _AFTER_WINDOW_AS_NAME)
        ):
            # Spark's window(ts, '10 minutes') function and its output column window.start
            return self.retype_as_name(i)
        if kind_tok is not None and is_name(kind_tok) and up(after) == "AS":
            return None  # standard named window: WINDOW w AS (...)
        if kind_tok is None or not is_name(kind_tok) or not self._is(after, TokenType.L_PAREN):
            raise self._error("WINDOW needs a window, e.g. WINDOW TUMBLING(1m)", i + 1)
        if up(kind_tok) not in WINDOW_KINDS:
            raise self.source.error(
                f"unknown window type '{kind_tok.text}', expected {self.window_words}",
                kind_tok.start,
                len(kind_tok.text),
            )
        close = matching_paren(self.toks, i + 2, self.source)
        if self.clauses.window is not None:
            raise self._error("a statement can have only one WINDOW clause", i)
        self.clauses.window = decode_window(kind_tok, split_args(self.toks, i + 2, close), self.source)
        return self._lift(i, close + 1)

    # -- EMIT CHANGES | FINAL | ON WINDOW CLOSE; inside OVER: EMIT EVERY RECORD | ON BUFFER FULL --
    def lift_emit(self, i: int) -> int | None:
        words = [up(self._peek(i + k)) for k in (1, 2, 3)]
        if self.depth > 0 and words[:2] == ["EVERY", "RECORD"]:
            return self._lift(i, i + 3)
        if self.depth > 0 and words == ["ON", "BUFFER", "FULL"]:
            return self._lift(i, i + 4)
        if words[0] in {"CHANGES", "FINAL"}:
            self.clauses.emit = words[0].lower()
            return self._lift(i, i + 2)
        if words == ["ON", "WINDOW", "CLOSE"]:
            self.clauses.emit = "final"
            return self._lift(i, i + 4)
        if words[:2] == ["ON", "UPDATE"]:
            self.clauses.emit = "changes"
            return self._lift(i, i + 3)
        raise self._error("EMIT needs CHANGES or FINAL, e.g. EMIT CHANGES", i + 1)

    # -- ROWS WINDOW BUFFER n ROWS ---------------------------------------------------------------
    def lift_buffer(self, i: int) -> int:
        usage = "ROWS WINDOW BUFFER needs a row count, e.g. ROWS WINDOW BUFFER 100 ROWS"
        j = self._expect(i + 2, "BUFFER", usage)
        count = self._peek(j)
        if not self._is(count, TokenType.NUMBER) or not count or not count.text.isdigit():
            raise self._error(usage, j)
        j = self._expect(j + 1, "ROWS", usage)
        self.clauses.buffers.append(RowBuffer(self.over_function, int(count.text)))
        return self._lift(i, j)

    # -- EXPIRE AFTER NEVER | EXPIRE AFTER <duration> [INACTIVITY] -------------------------------
    def lift_expire(self, i: int) -> int:
        j = i + 2
        if up(self._peek(j)) == "NEVER":
            return self._lift(i, j + 1)
        _, j = self._read_duration(j, "EXPIRE AFTER needs NEVER or a duration")
        if up(self._peek(j)) == "INACTIVITY":
            j += 1
        return self._lift(i, j)

    # -- expr [AS alias] PRIMARY KEY -------------------------------------------------------------
    def lift_primary_key(self, i: int) -> int:
        width = 1 if self.toks[i].token_type == TokenType.PRIMARY_KEY else 2
        if not self.kept or self.depth != 0:
            raise self._error("PRIMARY KEY must follow a select-list item, e.g. SELECT id PRIMARY KEY", i)
        last = self.kept[-1]
        self.clauses.primary_key.append(last.text if is_name(last) else self._item_text())
        return self._lift(i, i + width)

    def _item_text(self) -> str:
        """Text of the select-list item that ends at the last kept token."""
        depth, j = 0, len(self.kept) - 1
        while j > 0:
            kind = self.kept[j - 1].token_type
            depth += (kind == TokenType.R_PAREN) - (kind == TokenType.L_PAREN)
            if depth == 0 and (kind == TokenType.COMMA or up(self.kept[j - 1]) in {"SELECT", "DISTINCT"}):
                break
            j -= 1
        return slice_text(self.source, self.kept[j], self.kept[-1])

    # -- JOIN ... ON cond WITHIN <duration> ------------------------------------------------------
    def lift_within(self, i: int) -> int:
        ms, j = self._read_duration(i + 1, "WITHIN needs a duration")
        for name in self._last_join_names():
            self.clauses.within_ms[name] = ms
        return self._lift(i, j)

    def _last_join_names(self) -> list[str]:
        """Name and alias of the source after the last kept JOIN (lower-case)."""
        at = self.last_join
        parts, k = read_dotted_name(self.kept, at + 1)
        names = [".".join(t.text for t in parts).lower()] if parts else []
        if k < len(self.kept) and up(self.kept[k]) == "AS":
            k += 1
        if k < len(self.kept) and is_name(self.kept[k]) and up(self.kept[k]) not in {"ON", "USING"}:
            names.append(self.kept[k].text.lower())
        return names

    # -- WITH (k = v, ...): statement-level, or source-level after FROM src [alias] --------------
    def lift_properties(self, i: int) -> int:
        close = matching_paren(self.toks, i + 1, self.source)
        props = read_properties(self.toks, i + 1, close, self.source)
        source = self._source_before() if self._is_source_level(i, close) else None
        for key, value in props.items():
            qualified = key if source is None or key.startswith(source + ".") else f"{source}.{key}"
            self.clauses.properties[qualified] = value
        return self._lift(i, close + 1)

    def _is_source_level(self, i: int, close: int) -> bool:
        """Right after ``FROM src [alias]`` and either followed by more query or with bare keys.

        A trailing ``WITH ('k' = 'v')`` after a lifted EMIT/INTO, or at the very end with quoted keys,
        is the statement-level list even when a source name precedes it.
        """
        if not self.kept or i == 0 or self.toks[i - 1] is not self.kept[-1]:
            return False
        if close + 1 < len(self.toks):
            return True
        keys = [a[0] for a in split_args(self.toks, i + 1, close) if a]
        return all(k.token_type != TokenType.STRING for k in keys)

    def _source_before(self) -> str | None:
        """The table name when the kept tokens end with ``FROM|JOIN name [[AS] alias]``."""
        j = len(self.kept) - 1
        tail: list[Token] = []
        while j >= 0 and len(tail) < 8 and (is_name(self.kept[j]) or self._is(self.kept[j], TokenType.DOT)):
            if self.kept[j].token_type in {TokenType.FROM, TokenType.JOIN}:
                break
            tail.insert(0, self.kept[j])
            j -= 1
        if j < 0 or self.kept[j].token_type not in {TokenType.FROM, TokenType.JOIN} or not tail:
            return None
        parts, _ = read_dotted_name(tail, 0)
        return ".".join(t.text for t in parts) or None

    # -- SELECT ... INTO target ------------------------------------------------------------------
    def lift_into(self, i: int) -> int:
        parts, j = read_dotted_name(self.toks, i + 1)
        if not parts:
            raise self._error("INTO needs a target name, e.g. INTO output_stream", i + 1)
        self.clauses.into = ".".join(t.text for t in parts)
        return self._lift(i, j)

    # -- ksqlDB query-level PARTITION BY cols ----------------------------------------------------
    def lift_partition_by(self, i: int) -> int:
        j = i + (1 if up(self.toks[i]) == "PARTITION BY" else 2)
        items: list[list[Token]] = [[]]
        depth = 0
        while j < len(self.toks):
            tok = self.toks[j]
            if depth == 0 and (up(tok) in _CLAUSE_WORDS or tok.token_type == TokenType.SEMICOLON):
                break
            depth += (tok.token_type == TokenType.L_PAREN) - (tok.token_type == TokenType.R_PAREN)
            if depth == 0 and tok.token_type == TokenType.COMMA:
                items.append([])
            else:
                items[-1].append(tok)
            j += 1
        if not all(items):
            raise self._error("PARTITION BY needs a column after each ',', e.g. PARTITION BY user_id", j)
        for item in items:
            parts, end = read_dotted_name(item, 0)
            plain = parts and end == len(item)
            text = parts[-1].text if plain else slice_text(self.source, item[0], item[-1])
            self.clauses.partition_by.append(text)
        return self._lift(i, j)

    # -- Flink / RisingWave window TVFs in FROM: keep only the table name ------------------------
    def lift_tvf(self, i: int) -> int:
        wrapped = up(self.toks[i]) == "TABLE"
        func_i = i + 2 if wrapped else i
        func_tok = self.toks[func_i]
        if not self._is(self._peek(func_i + 1), TokenType.L_PAREN):
            raise self._error(
                f"{func_tok.text} needs its arguments in parentheses, e.g. TABLE({func_tok.text}(TABLE t, "
                "DESCRIPTOR(ts), INTERVAL '1' MINUTE))",
                func_i,
            )
        close = matching_paren(self.toks, func_i + 1, self.source)
        args = split_args(self.toks, func_i + 1, close)
        spec = decode_tvf(func_tok, args, self.source)
        end = close
        if wrapped:
            end = close + 1
            if not self._is(self._peek(end), TokenType.R_PAREN):
                raise self._error(f"TABLE({func_tok.text}(...)) is missing its closing ')'", end)
        name_toks = table_tokens(args[0])
        first, last = self.toks.index(name_toks[0], i), self.toks.index(name_toks[-1], i)
        self._lift(i, first)
        self.kept.extend(self.toks[first : last + 1])
        self._lift(last + 1, end + 1)
        if self.clauses.window is None:
            self.clauses.window = spec
        if spec.source:
            self.clauses.tvf_sources.append(spec.source)
        return end + 1
