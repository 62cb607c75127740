"""Alignment: when a source is already partitioned by a statement's keys, and where that is known from."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.analysis.alignment import alignment_of, is_aligned, parse_source_key, source_metadata
from core.analysis.decision import SourceMeta
from core.analysis.profile import QueryProfile
from core.errors import InvalidConfigError


def stmt(index: int = 0, **kw: object) -> QueryProfile:
    kw.setdefault("sources", ("trades",))
    return QueryProfile(index=index, kind=kw.pop("kind", "select"), **kw)  # type: ignore[arg-type]


# --- is_aligned ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("keys", "meta", "expected"),
    [
        (("symbol",), SourceMeta("t", ("symbol",)), True),
        (("symbol", "venue"), SourceMeta("t", ("SYMBOL",)), True),  # K inside a larger G, any case
        (("t.symbol", "venue"), SourceMeta("t", ("symbol",)), True),  # qualifier ignored
        (('"Symbol"',), SourceMeta("t", ("symbol",)), True),
        (("symbol",), SourceMeta("t", ("symbol", "venue")), False),  # K not contained in G
        (("account",), SourceMeta("t", ("symbol",)), False),
        (("UPPER(symbol)",), SourceMeta("t", ("symbol",)), False),  # an expression is not the column
        (("symbol",), SourceMeta("t", ("symbol",), producer="sticky"), False),
        (("symbol",), SourceMeta("t", ("symbol",), producer="round_robin"), False),
        (("symbol",), SourceMeta("t", ("symbol",), producer="crc32"), True),
        (("symbol",), SourceMeta("t", ()), None),
        (("symbol",), None, None),
    ],
)
def test_is_aligned(keys: tuple[str, ...], meta: SourceMeta | None, expected: bool | None) -> None:
    assert is_aligned(keys, meta) is expected


@given(st.sets(st.sampled_from("abcdef"), min_size=1), st.sets(st.sampled_from("abcdef")))
def test_aligned_exactly_when_every_source_key_is_a_grouping_key(k: set[str], g: set[str]) -> None:
    meta = SourceMeta("t", tuple(sorted(k)))
    assert is_aligned(sorted(g), meta) is (k <= g)
    assert is_aligned([c.upper() for c in sorted(g)], meta) is (k <= g)


def test_alignment_over_several_sources() -> None:
    metas = {"a": SourceMeta("a", ("k",)), "b": SourceMeta("b", ("j",))}
    assert alignment_of(["a"], metas, ["k"]) is True
    assert alignment_of(["a", "b"], metas, ["k"]) is False
    assert alignment_of(["a", "c"], metas, ["k"]) is None
    assert alignment_of([], metas, ["k"]) is None


# --- caller keys --------------------------------------------------------------------------------

def test_parse_source_key_forms() -> None:
    assert parse_source_key("symbol") == SourceMeta(None, ("symbol",), origin="caller")
    both = SourceMeta("trades", ("symbol", "venue"), origin="caller")
    assert parse_source_key("trades=symbol,venue") == both
    assert parse_source_key(" market.trades-v2 = symbol ").name == "market.trades-v2"


@pytest.mark.parametrize("bad", ["", "trades=", "=symbol", "a,,b", "trades=sym bol", "tr ades=x", "1col"])
def test_malformed_source_keys_say_the_expected_form(bad: str) -> None:
    with pytest.raises(InvalidConfigError, match=r"\[SOURCE=\]COL\[,COL\]"):
        parse_source_key(bad)


# --- where metadata comes from ------------------------------------------------------------------

def test_upstream_primary_key_keys_the_downstream_source() -> None:
    up = stmt(0, kind="create_stream", name="by_symbol", sources=("raw",), primary_key=("symbol",),
              group_by=("venue",))
    down = stmt(1, sources=("by_symbol",), group_by=("symbol",))
    metas = source_metadata([up, down])
    assert metas[0] == {}
    assert metas[1]["by_symbol"].key_columns == ("symbol",)
    assert metas[1]["by_symbol"].origin == "lineage"


def test_upstream_group_by_keys_the_output_when_there_is_no_primary_key() -> None:
    up = stmt(0, kind="create_table", name="Totals", sources=("raw",), group_by=("account", "window_start"))
    down = stmt(1, sources=("totals",))
    assert source_metadata([up, down])[1]["totals"].key_columns == ("account",)


def test_a_plain_select_writes_no_stream_unless_it_has_a_sink() -> None:
    named = stmt(0, name="job", group_by=("k",))
    into = stmt(1, sink="out", group_by=("k",))
    metas = source_metadata([named, stmt(2, sources=("job", "out"))])
    assert "job" not in metas[1]
    metas = source_metadata([named, into, stmt(2, sources=("job", "out"))])
    assert set(metas[2]) == {"out"}


def test_precedence_caller_over_annotation_over_inferred() -> None:
    up = stmt(0, kind="create_stream", name="s", sources=("raw",), primary_key=("a",))
    annotated = stmt(1, sources=("s",), annotations={"partitioned_by": "s.b"})
    assert source_metadata([up, annotated])[1]["s"].key_columns == ("b",)
    caller = [SourceMeta("s", ("c",))]
    assert source_metadata([up, annotated], caller)[1]["s"].key_columns == ("c",)
    assert source_metadata([up, stmt(1, sources=("s",))])[1]["s"].key_columns == ("a",)


def test_unnamed_caller_key_describes_external_sources_not_streams_written_in_the_file() -> None:
    up = stmt(0, kind="create_stream", name="s", sources=("raw",), primary_key=("a",))
    down = stmt(1, sources=("s", "other"))
    metas = source_metadata([up, down], [SourceMeta(None, ("x",))])
    assert metas[0]["raw"].key_columns == ("x",)
    assert metas[1]["s"].key_columns == ("a",)
    assert metas[1]["other"].key_columns == ("x",)


def test_annotations_qualified_unqualified_and_partitions() -> None:
    p = stmt(sources=("orders", "shipments"),
             annotations={"partitioned_by": "orders.order_id, region, shipments.order_id",
                          "source_partitions": "12"})
    metas = source_metadata([p])[0]
    assert metas["orders"].key_columns == ("order_id", "region")
    assert metas["shipments"].key_columns == ("order_id",)
    assert metas["orders"].partitions == 12 and metas["orders"].origin == "annotation"
    metas = source_metadata([stmt(annotations={"partitioned_by": "symbol"})])[0]
    assert metas["trades"].key_columns == ("symbol",)


def test_a_qualified_annotation_holds_for_later_statements() -> None:
    first = stmt(0, annotations={"partitioned_by": "trades.symbol"})
    assert source_metadata([first, stmt(1)])[1]["trades"].key_columns == ("symbol",)


def test_caller_partitions_apply_everywhere() -> None:
    metas = source_metadata([stmt()], [], partitions=8)[0]
    assert metas["trades"].partitions == 8 and metas["trades"].key_columns == ()


@pytest.mark.parametrize(("key", "value"), [("partitioned_by", "trades.sym bol"), ("source_partitions", "0"),
                                            ("source_partitions", "many")])
def test_bad_annotations_name_their_line(key: str, value: str) -> None:
    p = stmt(annotations={key: value}, annotation_lines={key: 7})
    with pytest.raises(InvalidConfigError, match="line 7"):
        source_metadata([p])
