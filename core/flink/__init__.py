"""Real Apache Flink in the loop: explain a script with Flink's planner, measure a job's per-subtask load.

Nothing here imports PyFlink in this process. Flink runs in a child process (``core.flink.child``)
that owns one JVM; this side talks to it in JSON lines and always kills it when done. The optional
extra installs it: ``pip install -e '.[flink]'``.
"""

from __future__ import annotations

__all__ = ["FLINK_VERSION", "INSTALL_HINT", "verify_sql", "measure_flink", "require_flink"]

# The version the planner facts and this package were tested against (pyproject's `flink` extra).
FLINK_VERSION = "2.3.0"
INSTALL_HINT = "pip install -e '.[flink]'  (apache-flink==2.3.0, needs Java 11+)"

# After the constants: these modules read them from this package.
from core.flink.measure import measure_flink  # noqa: E402
from core.flink.runner import require_flink  # noqa: E402
from core.flink.verify import verify_sql  # noqa: E402
