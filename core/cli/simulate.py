"""``partition-lab simulate FILE``: replay a statement through the strategies and compare them.

The command's options and output live in :mod:`core.simulation.cli_simulate` for now (it moves
here at the merge of the simulation work); this module is its entry in the command list.
"""

from __future__ import annotations

from core.simulation.cli_simulate import add_parser, run

__all__ = ["add_parser", "run"]
