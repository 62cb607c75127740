"""Verdicts of Flink's exchanges against Partition Lab's, and the verify CLI without a JVM."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.verify import format_report
from core.errors import PartitionLabError
from core.flink import verify as verify_mod
from core.flink.explain import ExplainedStatement, ScriptExplain
from core.flink.plan_text import FlinkExchange
from core.flink.verify import KnownDifference, compare_statement, verify_report

JOIN = (FlinkExchange("hash", ("carrier",), "GroupAggregate", "Calc"),
        FlinkExchange("hash", ("order_id",), "Join", "Calc"),
        FlinkExchange("hash", ("order_id",), "Join", "Calc"))


def test_same_exchanges_in_any_order_with_qualifiers_and_case_agree() -> None:
    ours = [("hash", ("s.ORDER_ID",)), ("hash", ("Carrier",)), ("hash", ("order_id",))]
    v = compare_statement(0, JOIN, ours)
    assert v.agree and [x["verdict"] for x in v.verdicts] == ["same"] * 3 and v.notes == ()


def test_a_missing_or_extra_exchange_is_different_and_says_which_side() -> None:
    v = compare_statement(0, JOIN, [("hash", ("carrier",)), ("hash", ("order_id",))])
    assert not v.agree
    assert v.notes == ("Flink has hash['order_id'] into Join; Partition Lab does not",)
    v = compare_statement(0, JOIN[:1], [("single", ())])
    assert not v.agree and len(v.verdicts) == 2
    assert {x["verdict"] for x in v.verdicts} == {"different"}


def test_keys_are_a_multiset_and_match_through_the_calc_expression() -> None:
    upper = (FlinkExchange("hash", ("r",), "GroupAggregate", "Calc", ("UPPER(region)",)),)
    assert compare_statement(0, upper, [("hash", ("upper( region )",))]).agree
    assert compare_statement(0, upper, [("hash", ("r",))]).agree
    assert not compare_statement(0, upper, [("hash", ("region",))]).agree
    two = (FlinkExchange("hash", ("a", "b"), "Join", "TableSourceScan"),)
    assert compare_statement(0, two, [("hash", ("b", "a"))]).agree
    assert not compare_statement(0, two, [("hash", ("a", "a"))]).agree
    assert not compare_statement(0, two, [("hash", ("a",))]).agree


def test_forward_is_not_an_exchange_and_any_means_rebalance() -> None:
    assert compare_statement(0, (), [("forward", ())]).agree
    anyx = (FlinkExchange("any", (), "Calc", "TableSourceScan"),)
    assert compare_statement(0, anyx, [("rebalance", ())]).agree


def test_a_known_difference_is_explained_and_does_not_break_agreement() -> None:
    sink = (FlinkExchange("hash", ("k",), "Sink", "GroupAggregate"),)
    v = compare_statement(0, sink, [])
    assert v.agree and "SinkUpsertMaterializer" in v.verdicts[0]["rule"]
    rule = KnownDifference("partition_lab", "single", "Partition Lab pins a LIMIT to one worker.")
    v = compare_statement(0, (), [("single", ())], rules=[rule])
    assert v.agree and v.verdicts[0]["verdict"] == "different" and "pins a LIMIT" in v.notes[0]
    assert not compare_statement(0, (), [("single", ())], rules=[]).agree


def _explained() -> ScriptExplain:
    st = ExplainedStatement(1, 0, "SELECT ...", JOIN, "plan")
    return ScriptExplain("2.3.0", (st,), (), {"jvm_start_s": 5.0})


def test_the_json_document_has_the_documented_shape_and_the_text_shows_both_sides() -> None:
    report = verify_report(_explained(), [[("hash", ("carrier",)), ("hash", ("order_id",))]])
    assert report["engine"] == "flink" and report["flink_version"] == "2.3.0"
    (st,) = report["statements"]
    assert set(st) >= {"index", "flink", "partition_lab", "agree", "notes"}
    assert st["index"] == 1 and st["agree"] is False
    assert st["flink"][0] == {"kind": "hash", "keys": ["carrier"], "feeds": "GroupAggregate"}
    assert st["partition_lab"] == [{"kind": "hash", "keys": ["carrier"]},
                                   {"kind": "hash", "keys": ["order_id"]}]
    text = format_report(report)
    assert "statement 2: DIFFERENT" in text and "hash[carrier] -> GroupAggregate" in text
    assert "0 of 1 statements agree" in text
    with pytest.raises(PartitionLabError, match="cannot be paired"):
        verify_report(_explained(), [])


def test_partition_lab_exchanges_says_when_the_build_has_no_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoPlan:
        def to_dict(self) -> dict[str, object]:
            return {"statements": [{"strategy": "always_hash"}]}

    monkeypatch.setattr("core.decide.analyze", lambda sql, **kw: NoPlan())
    with pytest.raises(PartitionLabError, match="no operator plans yet"):
        verify_mod.partition_lab_exchanges("SELECT 1", "flink")

    class WithPlan:
        def to_dict(self) -> dict[str, object]:
            return {"statements": [{"plan": {"exchanges": [{"kind": "hash", "keys": ["k"]}]}}]}

    monkeypatch.setattr("core.decide.analyze", lambda sql, **kw: WithPlan())
    assert verify_mod.partition_lab_exchanges("SELECT 1", "flink") == [[("hash", ("k",))]]


def test_the_cli_does_not_import_pyflink_and_verify_without_it_says_how_to_install(tmp_path: Path) -> None:
    code = ("import sys; import core.cli; core.cli.build_parser(); "
            "print(any(m.startswith(('pyflink', 'py4j')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT 1")
    root = str(Path(__file__).resolve().parents[2])
    # sys.modules['pyflink'] = None hides an installed PyFlink (find_spec answers None), so the test
    # checks the missing-extra path on every machine.
    hide = ("import sys; sys.modules['pyflink'] = None; from core.cli import main; "
            f"sys.exit(main(['verify', {str(sql)!r}, '--json']))")
    run = subprocess.run([sys.executable, "-c", hide], capture_output=True, text=True, cwd=root,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": root})
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[0].startswith("error: ")
    assert "pip install -e '.[flink]'" in run.stderr
    assert "Traceback" not in run.stderr
    assert "error" in json.loads(run.stdout)
    assert len(run.stderr.strip().splitlines()) == 1  # one line: what is missing and how to install it
