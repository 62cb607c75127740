"""Project-level promises: the README's commands are what CI runs, core never imports streamlit,
and the code stays ruff and mypy clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:bash|sh)?\n(.+?)\n```", section, flags=re.S)


def test_readme_gives_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    commands = _readme_commands()
    assert len(commands) == 2, commands
    run_cmd, test_cmd = commands
    assert "pip install -e ." in run_cmd and run_cmd.strip().endswith("partition-lab")
    assert test_cmd.strip() in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_core_never_imports_streamlit_or_the_dashboard() -> None:
    # Late imports and literal importlib calls count (tests/test_import_graph.py reads them); the
    # dashboard imports streamlit, so core reaching into it would import streamlit too.
    from test_import_graph import module_imports

    offenders = [f"{module} imports {name}" for module, names in module_imports().items() for name in names
                 if name.split(".")[0] in ("streamlit", "dashboard")]
    assert not offenders, offenders


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


def test_ruff_clean() -> None:
    proc = subprocess.run([_tool("ruff"), "check", "core", "dashboard", "tests"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_clean() -> None:
    proc = subprocess.run([_tool("mypy"), "core", "dashboard"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
