"""``partition-lab bench``: the pinned benchmark table (routing, the simulator, analysis, memory).

The command's options and output live in :mod:`core.bench.cli_bench` for now (it moves here at
the merge of the bench work); this module is its entry in the command list.
"""

from __future__ import annotations

from core.bench.cli_bench import add_parser, run

__all__ = ["add_parser", "run"]
