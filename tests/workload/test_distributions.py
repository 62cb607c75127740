"""Key and value distributions: parsing, exact probabilities and sampled shares."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import InvalidConfigError
from core.workload.distributions import (
    KeyDistribution,
    ValueDistribution,
    parse_distribution,
    parse_value_distribution,
)

# Hottest key's share with 10^4 keys (docs/engines notes).
ZIPF_TOP_SHARE = {1.0: 0.102, 1.2: 0.208, 1.5: 0.386, 2.0: 0.608}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("uniform", KeyDistribution("uniform")),
        (" Zipf:1.2 ", KeyDistribution("zipf", 1.2)),
        ("hot:0.3", KeyDistribution("hot", 0.3)),
    ],
)
def test_parse_distribution_valid(text: str, expected: KeyDistribution) -> None:
    assert parse_distribution(text) == expected


@pytest.mark.parametrize(
    "text", ["zipf", "zipf:0", "zipf:-1", "zipf:abc", "zipf:inf", "hot:0", "hot:1", "hot:1.5", "pareto:1", "",
             "uniform:3", "hot"],
)
def test_parse_distribution_invalid_lists_valid_forms(text: str) -> None:
    with pytest.raises(InvalidConfigError) as err:
        parse_distribution(text)
    message = str(err.value)
    assert repr(text) in message or "zipf" in message or "hot" in message
    if text.split(":")[0].strip() not in ("zipf", "hot"):
        assert "uniform" in message and "zipf:S" in message and "hot:F" in message


@pytest.mark.parametrize(("exponent", "share"), sorted(ZIPF_TOP_SHARE.items()))
def test_zipf_top_key_share_exact_and_sampled(exponent: float, share: float) -> None:
    dist = parse_distribution(f"zipf:{exponent}")
    probs = dist.probabilities(10_000)
    assert probs.sum() == pytest.approx(1.0)
    assert probs[0] == pytest.approx(share, abs=0.001)
    assert np.all(np.diff(probs) <= 0)  # key_0 hottest, decreasing by rank
    codes = dist.sample(np.random.default_rng(7), 10_000, 400_000)
    assert codes.dtype == np.int32 and codes.min() >= 0 and codes.max() < 10_000
    assert np.mean(codes == 0) == pytest.approx(share, abs=0.004)


@pytest.mark.parametrize("share", [0.05, 0.3, 0.9])
def test_hot_key_share_and_uniform_rest(share: float) -> None:
    dist = parse_distribution(f"hot:{share}")
    codes = dist.sample(np.random.default_rng(3), 100, 500_000)
    assert np.mean(codes == 0) == pytest.approx(share, abs=0.004)
    rest = np.bincount(codes[codes != 0], minlength=100)[1:]
    assert rest.min() > 0
    assert rest.max() / rest.mean() < 1.15


def test_uniform_sampling_is_flat_and_single_key_works() -> None:
    codes = parse_distribution("uniform").sample(np.random.default_rng(1), 50, 200_000)
    counts = np.bincount(codes, minlength=50)
    assert counts.max() / counts.mean() < 1.1
    assert set(parse_distribution("zipf:2").sample(np.random.default_rng(1), 1, 10).tolist()) == {0}


def test_str_round_trips() -> None:
    for text in ("uniform", "zipf:1.2", "hot:0.3"):
        assert str(parse_distribution(text)) == text


@pytest.mark.parametrize(
    ("text", "kind", "a", "b"),
    [("lognormal", "lognormal", 3.0, 1.0), ("uniform:0,500", "uniform", 0.0, 500.0),
     ("int:1, 10", "int", 1, 10),
     ("normal:5,2", "normal", 5.0, 2.0)],
)
def test_parse_value_distribution(text: str, kind: str, a: float, b: float) -> None:
    assert parse_value_distribution(text) == ValueDistribution(kind, a, b)


@pytest.mark.parametrize("text", ["gamma", "uniform:1", "uniform:5,1", "lognormal:1,-1", "int:a,b"])
def test_parse_value_distribution_invalid(text: str) -> None:
    with pytest.raises(InvalidConfigError):
        parse_value_distribution(text)


def test_value_samples_respect_bounds() -> None:
    rng = np.random.default_rng(0)
    ints = parse_value_distribution("int:1,3").sample(rng, 10_000)
    assert ints.dtype == np.int64 and set(ints.tolist()) == {1, 2, 3}
    floats = parse_value_distribution("uniform:10,20").sample(rng, 10_000)
    assert floats.min() >= 10 and floats.max() < 20
    assert parse_value_distribution("lognormal").sample(rng, 1000).min() > 0


@pytest.mark.parametrize(
    ("text", "keys"), [("zipf:0.7", 50), ("zipf:1.5", 7), ("hot:0.4", 9), ("zipf:1.2", 300_000)]
)
def test_sampled_frequencies_match_probabilities_for_every_key(text: str, keys: int) -> None:
    dist = parse_distribution(text)
    n = 1_000_000
    counts = np.bincount(dist.sample(np.random.default_rng(11), keys, n), minlength=keys)
    probs = dist.probabilities(keys)
    head = slice(0, min(keys, 50))  # the per-key check where counts are large enough to compare
    sigma = np.sqrt(n * probs[head] * (1 - probs[head]))
    assert np.all(np.abs(counts[head] - n * probs[head]) <= 5 * sigma + 1)
    assert counts.sum() == n and len(counts) == keys
