"""The bounds every entry point enforces, in one place so the CLI, the library and the dashboard agree.

Two kinds of numbers live here:

* **option ranges** — the values an option may take at all (``--partitions 1e20`` is an error
  whatever else is asked);
* **work budgets** — how much work one run may do (``core.budget`` estimates a run before it starts
  and refuses it when it is over). The estimate is::

      cells       = records × windows per record × strategies × stages
      state bytes = cells_in_state × STATE_BYTES_PER_GROUP + keys × KEY_BYTES
      seconds     = cells / CELLS_PER_SECOND

  where *windows per record* is ``ceil(size / advance)`` for a hopping window (capped at what the
  simulator keeps, ``MAX_WINDOWS_PER_RECORD``) and 1 otherwise, and *cells_in_state* is the cells of
  a windowed statement (every (record, window) may open a group) or ``min(records, keys)`` groups per
  strategy for a plain aggregate.
"""

from __future__ import annotations

__all__ = [
    "MAX_PARTITIONS",
    "MAX_WORKERS",
    "MAX_RECORDS",
    "MAX_KEYS_OPTION",
    "MAX_SEED",
    "MAX_RATE",
    "MAX_WINDOWS_PER_RECORD",
    "CELLS_PER_SECOND",
    "STATE_BYTES_PER_GROUP",
    "KEY_BYTES",
    "BATCH_MAX_CELLS",
    "BATCH_MAX_STATE_BYTES",
    "DASHBOARD_MAX_CELLS",
    "DASHBOARD_MAX_STATE_BYTES",
    "DASHBOARD_MAX_RECORDS",
    "AUTO_RUN_MAX_CELLS",
    "AUTO_RUN_MAX_STATE_BYTES",
    "AUTO_RUN_MAX_RECORDS",
    "AUTO_RUN_MAX_KEYS",
    "TRACE_UPLOAD_MB",
    "TREE_UPLOAD_BYTES",
]

# --- option ranges -------------------------------------------------------------------------------
# Source topic partitions P: Kafka clusters top out in the tens of thousands per topic.
MAX_PARTITIONS = 100_000
# Parallel workers W (Velostream's num_partitions): one process hosts many, but each costs state.
MAX_WORKERS = 1_024
# Records of one synthetic replay: far beyond any budget, so the budget (with its time estimate)
# is what refuses large counts; this only keeps the number itself sane.
MAX_RECORDS = 10**18
# Distinct keys per key column (the generator's vocabulary; see core.workload.schema.MAX_KEYS).
MAX_KEYS_OPTION = 10_000_000
# The seed feeds numpy's generator, which takes 64-bit unsigned seeds; keep to signed 63 bits.
MAX_SEED = 2**63 - 1
# Offered input rate (records/s): a trillion per second is already fiction.
MAX_RATE = 1e12

# --- what the simulator keeps --------------------------------------------------------------------
# A hopping window puts each record in ceil(size/advance) windows; the simulator keeps the latest 256.
MAX_WINDOWS_PER_RECORD = 256

# --- cost model (measured on the 2-core reference machine, `partition-lab bench`) ----------------
# One cell = one (record, window, strategy, stage) routed and aggregated: about 3 M/s inline.
CELLS_PER_SECOND = 3_000_000
# Live group state per open (key, window) group across the worker, the reference and the result
# frames: issue 11 measured 9.9 GB for 200,000 records x 256 windows x 5 strategies = ~39 B/cell.
STATE_BYTES_PER_GROUP = 48
# One distinct key in the generator's vocabulary and the hash cache (~0.75 GB for 10 M keys).
KEY_BYTES = 80

# --- work budgets --------------------------------------------------------------------------------
# Command line and library: about ten minutes of work and 4 GB of state on the reference machine.
BATCH_MAX_CELLS = 2_000_000_000
BATCH_MAX_STATE_BYTES = 4 * 1024**3
# Dashboard, after the user clicked "Run": a shared server must stay responsive for others.
DASHBOARD_MAX_CELLS = 100_000_000
DASHBOARD_MAX_STATE_BYTES = 1024**3
DASHBOARD_MAX_RECORDS = 5_000_000
# Dashboard, without a click (a page load or a shared link): a few seconds and little memory.
AUTO_RUN_MAX_CELLS = 5_000_000
AUTO_RUN_MAX_STATE_BYTES = 256 * 1024**2
AUTO_RUN_MAX_RECORDS = 500_000
AUTO_RUN_MAX_KEYS = 1_000_000

# --- dashboard uploads (Streamlit's server.maxUploadSize is set to TRACE_UPLOAD_MB) -------------
TRACE_UPLOAD_MB = 50
TREE_UPLOAD_BYTES = 256 * 1024
