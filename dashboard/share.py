"""A scenario as a link: every input that changes the result, in query parameters (pure; no Streamlit).

Long text (SQL past a few hundred characters, an uploaded tree) travels deflated and base64url-encoded
(``sqlz``, ``tree_text``, prefixed ``z``); a shipped sample unchanged travels as its name (``sample``).
Decoding is bounded (never inflates past the input's own limit), and a link longer than
:data:`LINK_LIMIT` is refused with a reason instead of being cut.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

__all__ = ["LINK_LIMIT", "SQL_INLINE", "encode_text", "decode_text", "share_params", "share_link", "Link"]

# Browsers and proxies cope with much longer URLs, but chat tools and mail clients cut links around
# this length; past it the HTML report (which carries the whole scenario) is the way to share.
LINK_LIMIT = 8_000
# SQL up to this many URL-encoded characters stays readable in the link; longer SQL is deflated.
SQL_INLINE = 600
_PREFIX = "z"


def encode_text(text: str) -> str:
    """``text`` deflated and base64url-encoded (no padding), prefixed ``z``."""
    packed = base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")
    return _PREFIX + packed.rstrip("=")


def decode_text(raw: str, limit: int) -> str | None:
    """The text of :func:`encode_text`, or None when ``raw`` is not one or inflates past ``limit``
    characters (a link cannot make the server inflate a bomb)."""
    if not raw.startswith(_PREFIX):
        return None
    body = raw[len(_PREFIX):]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, limit * 4 + 1)  # UTF-8: at most 4 bytes per character
        if inflater.unconsumed_tail or len(data) > limit * 4:
            return None
        text = data.decode("utf-8")
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError):
        return None
    return text if len(text) <= limit else None


# Scenario fields that travel as they are (besides the SQL and the tree), in the order a reader meets them.
_PLAIN = ("dialect", "engine", "tree", "source_key", "partitions", "strategy", "records", "workers", "keys",
          "distribution", "producer", "input_rate", "processes", "seed")


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def share_params(scenario: Any, defaults: Any, samples: Sequence[Any] = ()) -> dict[str, str]:
    """Query parameters that rebuild ``scenario``: the SQL (or the sample's name), the tree (a preset's
    name, or an uploaded file's text), and every other input that differs from ``defaults`` — the
    dialect and source key always (a sample would bring its own)."""
    params: dict[str, str] = {}
    sample = next((s for s in samples if s.sql == scenario.sql), None)
    if sample is not None:
        params["sample"] = sample.name
    elif len(quote(scenario.sql, safe="")) <= SQL_INLINE:
        params["sql"] = scenario.sql
    else:
        params["sqlz"] = encode_text(scenario.sql)
    for name in _PLAIN:
        value = getattr(scenario, name)
        if name in ("dialect", "source_key") or value != getattr(defaults, name):
            params[name] = _number(value)
    if scenario.tree_text:
        params["tree_text"] = encode_text(scenario.tree_text)
        params["tree_name"] = scenario.tree_name
    if scenario.statement >= 0:
        params["statement"] = str(scenario.statement)
    return params


@dataclass(frozen=True)
class Link:
    url: str | None  # None: too long to share as a link
    length: int
    problem: str | None = None


def share_link(base: str, page: str, params: Mapping[str, str]) -> Link:
    """``base``/``page``?params, or no URL (and why) when it would be longer than LINK_LIMIT."""
    root = base.rstrip("/")
    path = f"{root}/{page}"
    url = f"{path}?{urlencode(params, quote_via=quote)}" if params else path
    if len(url) > LINK_LIMIT:
        return Link(None, len(url), f"the link would be {len(url):,} characters long (the limit is "
                    f"{LINK_LIMIT:,}, even with the SQL and the tree compressed); download the HTML report "
                    "instead: it carries the whole scenario")
    return Link(url, len(url))
