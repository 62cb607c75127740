"""``partition-lab``: one module per command (analyze, simulate, route, bench, verify, dashboard),
the options they share (:mod:`~core.cli.options`), the SQL input (:mod:`~core.cli.sql_input`) and
the dispatch (:mod:`~core.cli.main`). This file only re-exports.
"""

from __future__ import annotations

from core.cli.main import EXIT_ERROR, build_parser, main
from core.cli.options import add_analysis_arguments, analysis_options, float_option, int_option
from core.cli.sql_input import decode_text, read_sql

__all__ = [
    "main",
    "build_parser",
    "add_analysis_arguments",
    "analysis_options",
    "read_sql",
    "decode_text",
    "int_option",
    "float_option",
    "EXIT_ERROR",
]
