"""Decoding window specs: Velostream/ksqlDB ``WINDOW kind(...)`` and Flink/RisingWave window TVFs."""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType

from core.errors import SqlSyntaxError
from core.sql.clauses import WindowSpec
from core.sql.durations import DURATION_EXAMPLE, try_parse_duration
from core.sql.text import SourceText
from core.sql.tokens import is_name, read_dotted_name, slice_text, up
from core.sql.window_limits import check_window

__all__ = ["WINDOW_KINDS", "TVF_KINDS", "decode_window", "decode_tvf", "table_tokens"]

WINDOW_KINDS = {"TUMBLING": "tumbling", "SLIDING": "hopping", "HOPPING": "hopping", "SESSION": "session"}
TVF_KINDS = {"TUMBLE": "tumbling", "HOP": "hopping", "CUMULATE": "hopping", "SESSION": "session"}

_USAGE = {
    "TUMBLING": "TUMBLING needs one duration, e.g. TUMBLING(1m) or TUMBLING(event_time, 1m)",
    "SLIDING": "SLIDING needs a size and an advance, e.g. SLIDING(10m, 1m)",
    "HOPPING": "HOPPING needs a size and an advance, e.g. HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS)",
    "SESSION": "SESSION needs a gap, e.g. SESSION(5m) or SESSION(event_time, 5m, user_id)",
    "TUMBLE": "TUMBLE needs a table, a time column and a size, e.g. TUMBLE(TABLE t, DESCRIPTOR(ts), "
    "INTERVAL '1' MINUTE)",
    "HOP": "HOP needs a table, a time column, a slide and a size, e.g. HOP(TABLE t, DESCRIPTOR(ts), "
    "INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)",
    "CUMULATE": "CUMULATE needs a table, a time column, a step and a max size, e.g. CUMULATE(TABLE t, "
    "DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR)",
}

# ksqlDB spells some arguments with a leading keyword; the retention/grace ones don't shape the window.
_ROLE_PREFIXES = (("ADVANCE BY", "advance"), ("SIZE", "size"), ("RETENTION", None), ("GRACE PERIOD", None))


def _arg_text(source: SourceText, arg: list[Token]) -> str:
    return slice_text(source, arg[0], arg[-1])


def _column(arg: list[Token]) -> str | None:
    """The column an argument names (qualifier dropped), or None when it is not a plain name."""
    parts, end = read_dotted_name(arg, 0)
    return parts[-1].text if parts and end == len(arg) else None


def _role(source: SourceText, arg: list[Token]) -> tuple[str | None, str, bool]:
    """(role, text without the role keyword, ignored) for ksqlDB's ``SIZE 30 SECONDS`` style args."""
    text = _arg_text(source, arg)
    words = " ".join(text.split()).upper()
    for prefix, role in _ROLE_PREFIXES:
        if words.startswith(prefix + " "):
            return role, " ".join(text.split())[len(prefix) + 1 :], role is None
    return None, text, False


def decode_window(kind_tok: Token, args: list[list[Token]], source: SourceText) -> WindowSpec:
    """A ``WINDOW TUMBLING|SLIDING|HOPPING|SESSION (...)`` spec; errors say the expected shape."""
    name = up(kind_tok)
    usage = _USAGE[name]
    durations: list[int] = []
    named: dict[str, int] = {}
    columns: list[str] = []
    for arg in args:
        if not arg:
            raise source.error(usage, kind_tok.start)
        role, text, ignored = _role(source, arg)
        if ignored:
            continue
        ms = try_parse_duration(text)
        if ms is not None:
            if role:
                named[role] = ms
            else:
                durations.append(ms)
            continue
        column = _column(arg)
        if column is None or role:
            raise source.error(f"cannot read {text!r} as a duration, {DURATION_EXAMPLE}", arg[0].start)
        columns.append(column)
    return _shape(name, kind_tok, durations, named, columns, source, usage)


def _shape(
    name: str,
    kind_tok: Token,
    durations: list[int],
    named: dict[str, int],
    columns: list[str],
    source: SourceText,
    usage: str,
) -> WindowSpec:
    kind = WINDOW_KINDS[name]
    durations = [named[r] for r in ("size", "advance") if r in named] + durations
    written = kind_tok.text
    max_columns = 2 if kind == "session" else 1
    wanted = 2 if kind == "hopping" else 1
    if len(durations) != wanted or len(columns) > max_columns:
        raise source.error(usage, kind_tok.start, len(kind_tok.text))
    time_col = columns[0] if columns else None
    if kind == "session":
        key = columns[1] if len(columns) > 1 else None
        spec = WindowSpec(kind, gap_ms=durations[0], time_column=time_col, key_column=key, written=written)
    else:
        advance = durations[1] if kind == "hopping" else None
        spec = WindowSpec(
            kind, size_ms=durations[0], advance_ms=advance, time_column=time_col, written=written
        )
    return check_window(spec, source, kind_tok.start, len(kind_tok.text))


def table_tokens(arg: list[Token]) -> list[Token]:
    """The table name inside a TVF's first argument: ``TABLE t``, ``t``, ``DATA => TABLE t``."""
    i = 0
    if len(arg) > 2 and arg[1].token_type == TokenType.FARROW:
        i = 2
    if i < len(arg) and up(arg[i]) == "TABLE" and i + 1 < len(arg) and is_name(arg[i + 1]):
        i += 1
    parts, end = read_dotted_name(arg, i)
    if not parts:
        return []
    return arg[i:end]


def _time_column(arg: list[Token]) -> str | None:
    names = [t.text for t in arg if is_name(t) and up(t) not in {"DESCRIPTOR", "TIMECOL"}]
    return names[-1] if names else None


def _tvf_duration(source: SourceText, arg: list[Token]) -> int | None:
    if len(arg) > 2 and arg[1].token_type == TokenType.FARROW:  # named argument: SIZE => INTERVAL ...
        arg = arg[2:]
    return try_parse_duration(_arg_text(source, arg)) if arg else None


def decode_tvf(func_tok: Token, args: list[list[Token]], source: SourceText) -> WindowSpec:
    """Flink ``TUMBLE|HOP|CUMULATE|SESSION(TABLE t, DESCRIPTOR(ts), ...)``, RisingWave ``TUMBLE(t, ts, d)``"""
    name = up(func_tok)
    usage = _USAGE.get(
        name,
        "SESSION needs a table, a time column and a gap, e.g. SESSION(TABLE t, "
        "DESCRIPTOR(ts), INTERVAL '5' MINUTE)",
    )
    if len(args) < 3 or not table_tokens(args[0]):
        raise source.error(usage, func_tok.start, len(func_tok.text))
    durations = [_tvf_duration(source, a) for a in args[2:]]
    if any(d is None for d in durations):
        bad = next(a for a, d in zip(args[2:], durations, strict=True) if d is None)
        if not bad:  # TUMBLE(t, ts, ): the argument is missing altogether
            raise source.error(f"a duration is missing here; {usage}", func_tok.start, len(func_tok.text))
        raise source.error(
            f"cannot read {_arg_text(source, bad)!r} as a duration, {DURATION_EXAMPLE}", bad[0].start
        )
    values = [d for d in durations if d is not None]
    table = ".".join(t.text for t in table_tokens(args[0]) if t.token_type != TokenType.DOT)
    time_col = _time_column(args[1])
    wanted = 1 if name in {"TUMBLE", "SESSION"} else 2
    if len(values) != wanted:
        raise _arity(source, func_tok, usage)
    if name == "TUMBLE":
        spec = WindowSpec("tumbling", size_ms=values[0], time_column=time_col, source=table, written=name)
    elif name == "SESSION":
        spec = WindowSpec("session", gap_ms=values[0], time_column=time_col, source=table, written=name)
    else:
        # HOP takes the slide first; CUMULATE's step plays the advance and its max size the size.
        spec = WindowSpec(
            "hopping", size_ms=values[1], advance_ms=values[0], time_column=time_col, source=table,
            written=name,
        )
    return check_window(spec, source, func_tok.start, len(func_tok.text))


def _arity(source: SourceText, tok: Token, usage: str) -> SqlSyntaxError:
    return source.error(usage, tok.start, len(tok.text))
