"""Key and value distributions for synthetic topics, parsed from short strings.

Categorical keys: ``uniform``, ``zipf:S`` (probability of key ``i`` proportional to
``1 / (i + 1) ** S``, so ``key_0`` is the hottest) and ``hot:F`` (``key_0`` carries share ``F``, the
other keys share the rest evenly). Sampling is inverse-CDF with ``searchsorted`` over a precomputed
CDF: one uniform draw per record, no per-record Python, and exact probabilities for any ``K``.
Up to 2**18 keys zipf uses an alias table instead and hot keys a direct formula (both O(1) a draw).

Numeric values (aggregate arguments): ``lognormal[:MU,SIGMA]``, ``uniform[:LO,HI]``,
``normal[:MEAN,STD]``, ``int[:LO,HI]`` (integers, inclusive bounds).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.errors import InvalidConfigError

__all__ = [
    "KeyDistribution",
    "ValueDistribution",
    "parse_distribution",
    "parse_value_distribution",
    "KEY_DISTRIBUTION_FORMS",
    "VALUE_DISTRIBUTION_FORMS",
]

# Above this many keys, building an alias table in Python costs more than it saves.
_ALIAS_MAX_KEYS = 1 << 18
KEY_DISTRIBUTION_FORMS = ("uniform", "zipf:S (S > 0, e.g. zipf:1.2)", "hot:F (0 < F < 1, e.g. hot:0.3)")
VALUE_DISTRIBUTION_FORMS = (
    "lognormal[:MU,SIGMA]",
    "uniform[:LO,HI]",
    "normal[:MEAN,STD]",
    "int[:LO,HI]",
)


@dataclass(frozen=True)
class KeyDistribution:
    """How often each of ``K`` keys occurs; ``param`` is S for zipf, F for hot, unused for uniform."""

    kind: str = "uniform"
    param: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in ("uniform", "zipf", "hot"):
            raise InvalidConfigError(
                f"unknown key distribution {self.kind!r}; valid forms: {', '.join(KEY_DISTRIBUTION_FORMS)}"
            )
        if self.kind == "zipf" and not (self.param > 0 and np.isfinite(self.param)):
            raise InvalidConfigError(
                f"zipf exponent must be a number > 0, got {self.param!r} (e.g. zipf:1.2)"
            )
        if self.kind == "hot" and not 0 < self.param < 1:
            raise InvalidConfigError(
                f"hot share must be strictly between 0 and 1, got {self.param!r} (e.g. hot:0.3)"
            )

    def __str__(self) -> str:
        return self.kind if self.kind == "uniform" else f"{self.kind}:{self.param:g}"

    def probabilities(self, keys: int) -> np.ndarray:
        """Probability of each key index ``0..K-1`` (sums to 1)."""
        return _probabilities(self.kind, self.param, keys).copy()

    def sample(self, rng: np.random.Generator, keys: int, size: int) -> np.ndarray:
        """``size`` key codes (int32) drawn independently."""
        if self.kind == "uniform" or keys == 1:
            return rng.integers(0, keys, size=size, dtype=np.int32)
        if self.kind == "hot":
            # Exact and O(1): below F is the hot key, the rest of [0, 1) spreads evenly over the others.
            u = rng.random(size)
            rest = 1 + ((u - self.param) / (1.0 - self.param) * (keys - 1)).astype(np.int64)
            return np.where(u < self.param, 0, np.minimum(rest, keys - 1)).astype(np.int32)
        if keys <= _ALIAS_MAX_KEYS:
            prob, alias = _alias_table(self.kind, self.param, keys)
            x = rng.random(size) * keys
            slot = np.minimum(x.astype(np.int64), keys - 1)
            # The fractional part is the second uniform draw (>= 35 bits left at this K).
            return np.where(x - slot < prob[slot], slot, alias[slot]).astype(np.int32)
        cdf = _cdf(self.kind, self.param, keys)
        codes = np.searchsorted(cdf, rng.random(size), side="right")
        # Float rounding can leave the last CDF entry a hair below 1.0.
        np.minimum(codes, keys - 1, out=codes)
        return codes.astype(np.int32, copy=False)


@lru_cache(maxsize=64)
def _probabilities(kind: str, param: float, keys: int) -> np.ndarray:
    if keys < 1:
        raise InvalidConfigError(f"a key column needs at least 1 distinct key, got {keys}")
    if kind == "zipf":
        weights = 1.0 / np.power(np.arange(1, keys + 1, dtype=np.float64), param)
        probs = weights / weights.sum()
    elif kind == "hot" and keys > 1:
        probs = np.full(keys, (1.0 - param) / (keys - 1))
        probs[0] = param
    else:
        probs = np.full(keys, 1.0 / keys)
    probs.setflags(write=False)
    return probs


@lru_cache(maxsize=16)
def _alias_table(kind: str, param: float, keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Walker/Vose alias table: O(1) per draw, about twice as fast as a binary search over the CDF.
    Built in Python, hence only up to ``_ALIAS_MAX_KEYS`` keys."""
    scaled = (_probabilities(kind, param, keys) * keys).tolist()
    prob = [1.0] * keys
    alias = list(range(keys))
    small = [i for i, q in enumerate(scaled) if q < 1.0]
    large = [i for i, q in enumerate(scaled) if q >= 1.0]
    while small and large:
        s, big = small.pop(), large[-1]
        prob[s], alias[s] = scaled[s], big
        scaled[big] += scaled[s] - 1.0
        if scaled[big] < 1.0:
            small.append(large.pop())
    # Whatever is left over is 1.0 up to float rounding: keeps prob 1 (never aliased).
    table = np.array(prob), np.array(alias, dtype=np.int64)
    for array in table:
        array.setflags(write=False)
    return table


@lru_cache(maxsize=64)
def _cdf(kind: str, param: float, keys: int) -> np.ndarray:
    cdf = np.cumsum(_probabilities(kind, param, keys))
    cdf.setflags(write=False)
    return cdf


def _parse_number(text: str, what: str, form: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidConfigError(f"{what}: {text!r} is not a number (expected {form})") from None
    if not np.isfinite(value):
        raise InvalidConfigError(f"{what}: {text!r} is not a finite number (expected {form})")
    return value


def parse_distribution(text: str | KeyDistribution) -> KeyDistribution:
    """Parse ``uniform``, ``zipf:S`` or ``hot:F`` (case-insensitive).

    >>> parse_distribution("zipf:1.2")
    KeyDistribution(kind='zipf', param=1.2)
    """
    if isinstance(text, KeyDistribution):
        return text
    if not isinstance(text, str):
        raise InvalidConfigError(f"key distribution must be a string, got {type(text).__name__}")
    kind, _, arg = text.strip().lower().partition(":")
    kind, arg = kind.strip(), arg.strip()
    if kind == "uniform" and not arg:
        return KeyDistribution("uniform")
    if kind in ("zipf", "hot") and arg:
        form = "zipf:S" if kind == "zipf" else "hot:F"
        return KeyDistribution(kind, _parse_number(arg, f"key distribution {text!r}", form))
    raise InvalidConfigError(
        f"unknown key distribution {text!r}; valid forms: {', '.join(KEY_DISTRIBUTION_FORMS)}"
    )


_VALUE_DEFAULTS: dict[str, tuple[float, float]] = {
    "lognormal": (3.0, 1.0),
    "uniform": (0.0, 1000.0),
    "normal": (100.0, 15.0),
    "int": (1.0, 100.0),
}


@dataclass(frozen=True)
class ValueDistribution:
    """A numeric column's distribution with two parameters (see the module docstring)."""

    kind: str = "lognormal"
    a: float = 3.0
    b: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in _VALUE_DEFAULTS:
            raise InvalidConfigError(
                f"unknown value distribution {self.kind!r}; "
                f"valid forms: {', '.join(VALUE_DISTRIBUTION_FORMS)}"
            )
        if self.kind in ("lognormal", "normal") and self.b < 0:
            raise InvalidConfigError(f"{self.kind} spread must be >= 0, got {self.b}")
        if self.kind in ("uniform", "int") and self.b < self.a:
            raise InvalidConfigError(f"{self.kind} bounds need LO <= HI, got {self.a}, {self.b}")

    def __str__(self) -> str:
        return f"{self.kind}:{self.a:g},{self.b:g}"

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` values: float64, or int64 for ``int``."""
        if self.kind == "lognormal":
            return rng.lognormal(self.a, self.b, size)
        if self.kind == "normal":
            return rng.normal(self.a, self.b, size)
        if self.kind == "int":
            return rng.integers(int(self.a), int(self.b), size=size, endpoint=True, dtype=np.int64)
        return rng.uniform(self.a, self.b, size)


def parse_value_distribution(text: str | ValueDistribution) -> ValueDistribution:
    """Parse a numeric distribution such as ``lognormal``, ``uniform:0,500`` or ``int:1,10``."""
    if isinstance(text, ValueDistribution):
        return text
    if not isinstance(text, str):
        raise InvalidConfigError(f"value distribution must be a string, got {type(text).__name__}")
    kind, _, args = text.strip().lower().partition(":")
    kind = kind.strip()
    if kind not in _VALUE_DEFAULTS:
        raise InvalidConfigError(
            f"unknown value distribution {text!r}; valid forms: {', '.join(VALUE_DISTRIBUTION_FORMS)}"
        )
    if not args.strip():
        return ValueDistribution(kind, *_VALUE_DEFAULTS[kind])
    parts = [p.strip() for p in args.split(",")]
    form = next(f for f in VALUE_DISTRIBUTION_FORMS if f.startswith(kind))
    if len(parts) != 2:
        raise InvalidConfigError(f"value distribution {text!r} needs two parameters: {form}")
    a, b = (_parse_number(p, f"value distribution {text!r}", form) for p in parts)
    return ValueDistribution(kind, a, b)
