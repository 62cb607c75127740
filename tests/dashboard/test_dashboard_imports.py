"""The dashboard talks to core only through its package roots (``core.decide``, ``core.simulation``, …).

A root is ``core`` itself or one level below it (``core.errors``, ``core.simulation``); a name taken
from a root must be one it exports (``__all__``), so ``from core.flink import verify`` (a submodule
reached through its package) counts as deep. Dynamic imports (``importlib.import_module``,
``__import__``) are read too, and one whose module name is not a literal is refused outright.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard"


def _dynamic(node: ast.Call) -> bool:
    name = getattr(node.func, "attr", None) or getattr(node.func, "id", "")
    return name in ("import_module", "__import__")


def _exports(root: str) -> set[str]:
    return set(getattr(importlib.import_module(root), "__all__", ()))


def deep_imports(source: str) -> list[str]:
    """Every import of ``source`` that reaches below a core package root, as ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "core":
            if node.module.count(".") > 1:
                found.append(f"{node.lineno}: from {node.module}")
            elif node.module != "core":
                missing = [a.name for a in node.names if a.name not in _exports(node.module)]
                found += [f"{node.lineno}: {node.module}.{name} (not exported)" for name in missing]
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] == "core" and a.name.count(".") > 1]
        elif isinstance(node, ast.Call) and _dynamic(node):
            first = node.args[0] if node.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                found.append(f"{node.lineno}: dynamic import of a computed name")
            elif first.value.split(".")[0] == "core" and first.value.count(".") > 1:
                found.append(f"{node.lineno}: import_module({first.value!r})")
    return found


def test_the_dashboard_imports_only_core_package_roots() -> None:
    deep = {str(p.relative_to(ROOT)): d for p in sorted(DASHBOARD.rglob("*.py"))
            if (d := deep_imports(p.read_text(encoding="utf-8")))}
    assert not deep, deep


def test_the_check_sees_deep_static_and_dynamic_imports() -> None:
    assert deep_imports("from core.decide.trees import PRESETS\n") == ["1: from core.decide.trees"]
    assert deep_imports("from core.flink import verify\n") == ["1: core.flink.verify (not exported)"]
    assert deep_imports("import core.simulation.api\n") == ["1: import core.simulation.api"]
    assert deep_imports("import importlib\nimportlib.import_module('core.plan.builder')\n") == [
        "2: import_module('core.plan.builder')"]
    assert deep_imports("__import__(name)\n") == ["1: dynamic import of a computed name"]
    fine = "from core.decide import analyze\nimport core.flink as f\nfrom core import limits\n"
    assert deep_imports(fine) == []
