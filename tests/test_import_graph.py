"""The packages of core import one way: no cycle between them (DESIGN.md *Layout*, one-way data flow).

Every ``import``/``from … import`` counts, at module level or inside a function (a late import is still
a dependency), and so does ``importlib.import_module("core.…")`` / ``__import__`` with a literal name;
a dynamic import whose name the checker cannot read is refused outright.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "core"

def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else parts[0]


def _imports(tree: ast.AST) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
        elif isinstance(node, ast.Call) and _dynamic_import(node) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append(first.value)
    return found


def _dynamic_import(node: ast.Call) -> bool:
    name = getattr(node.func, "attr", None) or getattr(node.func, "id", "")
    return name in ("import_module", "__import__")


def unreadable_imports(tree: ast.AST) -> list[int]:
    """Lines of dynamic imports whose module name is not a literal (the graph could not see them)."""
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _dynamic_import(node)
            and not (node.args and isinstance(node.args[0], ast.Constant))]


def module_imports() -> dict[str, list[str]]:
    """Every core module's imports (late and literal dynamic ones included)."""
    found = {}
    for path in CORE.rglob("*.py"):
        module = ".".join(path.relative_to(CORE.parent).with_suffix("").parts).removesuffix(".__init__")
        found[module] = _imports(ast.parse(path.read_text(encoding="utf-8")))
    return found


def package_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, names in module_imports().items():
        source = _package(module)
        for name in names:
            target = _package(name)
            if name.startswith("core.") and target not in (source, "core"):
                edges[source].add(target)
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_core_packages() -> None:
    assert _cycle(package_graph()) is None, " -> ".join(_cycle(package_graph()) or [])


def test_the_data_model_imports_nothing_above_it() -> None:
    assert package_graph().get("core.model", set()) <= {"core.errors"}


def test_the_checker_sees_a_cycle_and_a_late_import() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    late = ast.parse("def f():\n    import core.plan.builder\n    importlib.import_module('core.sql')\n")
    assert _imports(late) == ["core.plan.builder", "core.sql"]


def test_every_dynamic_import_names_its_module() -> None:
    hidden = [f"{path.relative_to(CORE.parent)}:{line}" for path in CORE.rglob("*.py")
              for line in unreadable_imports(ast.parse(path.read_text(encoding="utf-8")))]
    assert not hidden, hidden
    assert unreadable_imports(ast.parse("importlib.import_module(name)\n__import__(x)\n")) == [1, 2]
    assert _imports(ast.parse("__import__('core.sql')\n")) == ["core.sql"]

