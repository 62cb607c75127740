from __future__ import annotations

import pytest

from core.sql.durations import is_duration_unit, parse_duration, try_parse_duration


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("1m", 60_000),
        ("30s", 30_000),
        ("500ms", 500),
        ("2h", 7_200_000),
        ("1d", 86_400_000),
        ("1w", 604_800_000),
        ("10ns", 0),
        ("5us", 0),
        ("5000us", 5),
        ("10", 10_000),
        ("INTERVAL '5' MINUTE", 300_000),
        ("interval '2' hour", 7_200_000),
        ("INTERVAL '1 minute'", 60_000),
        ("'10 minutes'", 600_000),
        ("30 SECONDS", 30_000),
        ("1 MINUTE", 60_000),
        ("7 DAYS", 604_800_000),
        ("1.5s", 1_500),
        ("  5 m ", 300_000),
    ],
)
def test_durations_normalise_to_ms(text: str, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["", "abc", "5 parsecs", "m5", "INTERVAL", "1m30s"])
def test_non_durations(text: str) -> None:
    assert try_parse_duration(text) is None
    with pytest.raises(ValueError, match="as a duration"):
        parse_duration(text)


def test_units() -> None:
    assert is_duration_unit("ms") and is_duration_unit("MINUTES") and is_duration_unit("h")
    assert not is_duration_unit("user_id")
