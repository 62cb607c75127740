"""Query analysis: statement profiles, source alignment and the decision trees (presets as data).

``analyze`` is the entry point; the rest is here for the dashboard and for tests.
"""

from __future__ import annotations

from core.decide.alignment import is_aligned, parse_source_key, source_metadata
from core.decide.api import AnalysisResult, analyze, analyze_profiles, compare_presets
from core.decide.correctness import broken_needs, co_locates, needs
from core.decide.predicates import PREDICATES
from core.decide.routing_keys import KEY_KINDS
from core.decide.selection import decide
from core.decide.text_report import format_report
from core.decide.trees import PRESETS, Tree, evaluate, load_tree, load_tree_text
from core.model.decision import Decision, PathStep, SourceMeta, StatementAnalysis
from core.model.profile import Aggregate, AnalyticWindow, Join, QueryProfile, TimeWindow

__all__ = [
    "analyze",
    "analyze_profiles",
    "AnalysisResult",
    "format_report",
    "compare_presets",
    "decide",
    "evaluate",
    "load_tree",
    "load_tree_text",
    "PREDICATES",
    "KEY_KINDS",
    "broken_needs",
    "co_locates",
    "needs",
    "Tree",
    "PRESETS",
    "source_metadata",
    "parse_source_key",
    "is_aligned",
    "QueryProfile",
    "TimeWindow",
    "AnalyticWindow",
    "Join",
    "Aggregate",
    "SourceMeta",
    "PathStep",
    "Decision",
    "StatementAnalysis",
]
