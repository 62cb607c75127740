"""What-ifs over one keyed stage: worker sweep, rescaling, two-phase aggregation, salting, PKG.

Every what-if works per distinct key (or streams batches in memory bounded by distinct keys) and
returns a frozen result with ``to_dict()``. Engine hook: pass ``placement=`` (any object with
``name`` and ``place(hashes, workers)``, e.g. :class:`KeyGroups` for Flink) and ``hasher=`` (per
distinct key display values → hash; see :mod:`core.simulation.whatif.keys`), or
``KeyCounts.with_hashes(engine_hashes)``.
"""

from __future__ import annotations

from core.simulation.whatif.engine_hash import engine_hook
from core.simulation.whatif.keys import KeyCounts, KeyEncoder, count_keys, key_counts, mmh3_hasher
from core.simulation.whatif.pkg import PkgResult, partial_key_grouping
from core.simulation.whatif.placement import KeyGroups, ModHash, Placement, default_max_parallelism
from core.simulation.whatif.rescale import RescaleFamily, RescaleResult, rescale
from core.simulation.whatif.salting import SaltingResult, salting
from core.simulation.whatif.source import KeyedSource, keyed_source
from core.simulation.whatif.stage import StageLoads
from core.simulation.whatif.sweep import SweepPoint, SweepResult, parse_workers, sweep
from core.simulation.whatif.two_phase import TwoPhaseResult, two_phase

__all__ = [
    "engine_hook",
    "KeyCounts", "KeyEncoder", "count_keys", "key_counts", "mmh3_hasher",
    "Placement", "ModHash", "KeyGroups", "default_max_parallelism",
    "StageLoads", "KeyedSource", "keyed_source",
    "sweep", "SweepResult", "SweepPoint", "parse_workers",
    "rescale", "RescaleResult", "RescaleFamily",
    "two_phase", "TwoPhaseResult",
    "salting", "SaltingResult",
    "partial_key_grouping", "PkgResult",
]
