"""The sample queries shipped in ``sample_queries/``, with their header comments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Sample", "SAMPLE_DIR", "load_samples"]

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_queries"
_HEADER_FIELDS = ("title", "dialect", "source-key")


@dataclass(frozen=True)
class Sample:
    name: str
    title: str
    sql: str
    dialect: str | None = None
    source_key: str | None = None


def _header(text: str) -> dict[str, str]:
    """``-- title: ...`` style lines at the top of a file (stops at the first non-comment line)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            break
        field, sep, value = stripped[2:].strip().partition(":")
        if sep and field.strip().lower() in _HEADER_FIELDS and field.strip().lower() not in found:
            found[field.strip().lower()] = value.strip()
    return found


def load_samples(directory: Path = SAMPLE_DIR) -> list[Sample]:
    """Every ``*.sql`` file of the directory, sorted by file name; missing directory -> []."""
    samples = []
    for path in sorted(directory.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        head = _header(text)
        samples.append(
            Sample(
                name=path.stem,
                title=head.get("title", path.stem.replace("_", " ")),
                sql=text,
                dialect=head.get("dialect"),
                source_key=head.get("source-key"),
            )
        )
    return samples
