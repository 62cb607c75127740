"""Every docstring example in core runs and gives what it shows (the examples teach; they must not rot)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "core"
MODULES = sorted(
    ".".join(p.relative_to(CORE.parent).with_suffix("").parts).removesuffix(".__init__")
    for p in CORE.rglob("*.py") if p.name != "__main__.py" and ">>>" in p.read_text(encoding="utf-8")
)


def test_the_examples_are_found() -> None:
    assert {"core.hashing.murmur2", "core.hashing.fnv1a64", "core.cli.options"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
