"""``python -m core.cli`` = ``partition-lab``."""

from __future__ import annotations

import sys

from core.cli.main import main

sys.exit(main())
