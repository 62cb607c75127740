"""The SQL text a command reads: a file or stdin, as bytes, a BOM accepted, invalid UTF-8 refused.

>>> decode_text(b"\\xef\\xbb\\xbfSELECT 1", "q.sql")
'SELECT 1'
>>> decode_text(b"SELECT \\xff", "q.sql")
Traceback (most recent call last):
  ...
core.errors.InputError: q.sql is not UTF-8 text: invalid byte 0xff at byte offset 7; save the SQL as UTF-8
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

from core.errors import InputError

__all__ = ["read_sql", "decode_text"]


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 text of ``data`` with a leading byte-order mark dropped; :class:`InputError` gives the
    byte offset of the first invalid byte (and never quotes the content)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source} is not UTF-8 text: invalid byte 0x{data[exc.start]:02x} at byte offset "
                         f"{exc.start}; save the SQL as UTF-8") from None


def read_sql(path: str) -> str:
    """The SQL text of ``path`` (``-`` reads stdin); :class:`InputError` says why it cannot be read.

    File and stdin are read the same way: as bytes, a BOM accepted, invalid UTF-8 refused.
    """
    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text stream without bytes underneath (e.g. io.StringIO in tests)
            return sys.stdin.read().removeprefix("\ufeff")
        return decode_text(stream.read(), "stdin")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    return decode_text(data, path)
