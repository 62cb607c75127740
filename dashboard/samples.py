"""The sample queries shipped in ``sample_queries/``, with their header comments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Sample", "SAMPLE_DIR", "load_samples", "strip_metadata", "sample_by_name"]

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_queries"
_HEADER_FIELDS = ("title", "dialect", "source-key")


@dataclass(frozen=True)
class Sample:
    name: str
    title: str
    sql: str
    dialect: str | None = None
    source_key: str | None = None


def strip_metadata(text: str) -> str:
    """The sample's SQL without its header fields (``-- title:``, ``-- dialect:``, ``-- source-key:``,
    ``-- expect-…:``): the test expectations would give the answer away, and the others are shown by
    their own inputs. Other comments stay; the files themselves are unchanged (test fixtures)."""
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    in_header = True
    for line in lines:
        stripped = line.strip()
        if in_header and stripped.startswith("--"):
            field, sep, _ = stripped[2:].strip().partition(":")
            name = field.strip().lower()
            if sep and (name in _HEADER_FIELDS or name.startswith("expect-")):
                continue
        elif in_header and stripped:
            in_header = False
        kept.append(line)
    return "".join(kept).lstrip("\n")


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
        name = field.strip().lower()
        if sep and name == "source-key" and name in found:
            found[name] += "; " + value.strip()  # repeatable: one line per source
        elif sep and name in _HEADER_FIELDS and name not in found:
            found[name] = value.strip()
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
                sql=strip_metadata(text),
                dialect=head.get("dialect"),
                source_key=head.get("source-key"),
            )
        )
    return samples


def sample_by_name(name: str, directory: Path = SAMPLE_DIR) -> Sample | None:
    return next((s for s in load_samples(directory) if s.name == name), None)
