"""columns_for(): which columns a query needs and how they are generated."""

from __future__ import annotations

import pytest

from core.errors import InvalidConfigError
from core.model.profile import Aggregate, AnalyticWindow, Join, QueryProfile, TimeWindow
from core.workload.columns import columns_for, plain_name, referenced_columns
from core.workload.schema import ColumnSpec, WorkloadSchema


def _profile(**kwargs: object) -> QueryProfile:
    return QueryProfile(index=0, kind="select", **kwargs)  # type: ignore[arg-type]


def test_keys_values_and_event_time() -> None:
    profile = _profile(
        group_by=("symbol", "window_start"),
        aggregates=(Aggregate("SUM", "price", "SUM(price)"), Aggregate("COUNT", None, "COUNT(*)")),
        window=TimeWindow("tumbling", 60_000, time_column="event_ts"),
    )
    schema = columns_for(profile, ("trader",), keys=50, distribution="zipf:1.2")
    assert schema.categorical == ("trader", "symbol")
    assert schema.numeric == ("price",)
    assert schema.time_column == "event_ts"
    symbol = schema.column("symbol")
    assert symbol.cardinality == 50 and str(symbol.distribution) == "zipf:1.2"
    assert symbol.vocab[0] == "symbol_0"


def test_every_routing_role_becomes_a_key() -> None:
    profile = _profile(
        group_by=("SUBSTR(region, 1, 2)",),
        order_by=("score DESC",),
        joins=(Join("a", "b", (("a_id", "b_id"),)),),
        analytic=(AnalyticWindow("ROW_NUMBER", ("trader",), ("event_ts",)),),
        distinct_columns=("venue",),
        partition_by=("account",),
        window=TimeWindow("hopping", 10, 5, time_column="event_ts"),
    )
    schema = columns_for(profile)
    assert set(schema.categorical) == {"region", "score", "a_id", "b_id", "trader", "venue", "account"}
    assert "event_ts" not in schema.categorical  # ordering by the event time uses the event time


def test_distinct_aggregate_argument_is_categorical_and_keys_win_over_values() -> None:
    profile = _profile(
        group_by=("qty",),
        aggregates=(
            Aggregate("COUNT", "user_id", "COUNT(DISTINCT user_id)", distinct=True),
            Aggregate("SUM", "qty", "SUM(qty)"),
            Aggregate("SUM", "price * amount", "SUM(price * amount)"),
        ),
    )
    schema = columns_for(profile)
    assert schema.categorical == ("qty", "user_id")
    assert schema.numeric == ("price", "amount")


def test_spellings_differing_in_case_share_a_column_and_quotes_are_dropped() -> None:
    schema = columns_for(_profile(group_by=('"Symbol"', "t.symbol")), ("SYMBOL",))
    assert schema.categorical == ("SYMBOL",)
    assert schema.alias_map == {"Symbol": "SYMBOL", "symbol": "SYMBOL"}
    assert schema.column("symbol").name == "SYMBOL"


def test_window_bound_and_pseudo_time_columns_are_never_generated() -> None:
    schema = columns_for(_profile(group_by=("window_start", "_WINDOW_END", "k"), order_by=("ROWTIME",)))
    assert schema.categorical == ("k",)


def test_overrides_replace_generators_and_add_columns() -> None:
    schema = columns_for(
        _profile(group_by=("k",)),
        overrides={"k": ColumnSpec.categorical("x", 3, "hot:0.5"), "extra": ColumnSpec.numeric("extra")},
    )
    assert schema.column("k").cardinality == 3 and schema.column("k").name == "k"
    assert schema.numeric == ("extra",)


def test_bad_options_raise_invalid_config() -> None:
    with pytest.raises(InvalidConfigError, match="valid forms"):
        columns_for(_profile(group_by=("k",)), distribution="pareto")
    with pytest.raises(InvalidConfigError, match="key count"):
        columns_for(_profile(group_by=("k",)), keys=0)
    with pytest.raises(InvalidConfigError, match="defined twice"):
        WorkloadSchema(columns=(ColumnSpec.categorical("a"), ColumnSpec.numeric("a")))


@pytest.mark.parametrize(
    ("text", "name"),
    [("symbol", "symbol"), ('"My Col"', "My Col"), ("t.symbol", "symbol"), ("price DESC NULLS LAST", "price"),
     ("UPPER(x)", None), ("a + b", None)],
)
def test_plain_name(text: str, name: str | None) -> None:
    assert plain_name(text) == name


@pytest.mark.parametrize(
    ("expression", "columns"),
    [
        ("SUBSTR(symbol, 1, 3)", ("symbol",)),
        ("CASE WHEN t.amount > 100 THEN 'big' ELSE region END", ("amount", "region")),
        ("CAST(ts AS DATE)", ("ts",)),
        ("x::int + \"Odd Name\"", ("x", "Odd Name")),
        ("'literal, not a column'", ()),
    ],
)
def test_referenced_columns(expression: str, columns: tuple[str, ...]) -> None:
    assert referenced_columns(expression) == columns


def test_a_bare_string_source_key_is_one_column() -> None:
    assert columns_for(_profile(), "symbol").categorical == ("symbol",)
