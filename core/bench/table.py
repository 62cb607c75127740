"""The benchmark report as a text table (the JSON holds the same figures)."""

from __future__ import annotations

from typing import Any

__all__ = ["format_table"]


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _routing(report: dict[str, Any]) -> list[str]:
    r = report["routing"]
    lines = [f"Routing, {r['records']:,} records in one batch, W={r['workers']}, {r['keys']:,} keys "
             f"(records/s; reference = per-record Python on a sample)",
             f"  {'strategy':<20}{'vectorized':>16}{'reference':>14}{'speedup':>10}{'x floor':>9}",
             f"  {'memory floor':<20}{_rate(r['memory_floor_records_per_s']):>16}"
             "   (numpy table[codes] gather)"]
    for name, row in r["strategies"].items():
        lines.append(f"  {name:<20}{_rate(row['vectorized_records_per_s']):>16}"
                     f"{_rate(row['reference_records_per_s']):>14}{row['speedup']:>9,.0f}x"
                     f"{row['time_vs_memory_floor']:>9.2f}")
    return lines


def _end_to_end(report: dict[str, Any]) -> list[str]:
    e = report["end_to_end"]
    inline, parallel = e["inline"], e["parallel"]
    return [f"End to end: simulate, five strategies + reference, {inline['records']:,} records",
            f"  inline (processes=0)   {inline['wall_s']:8.2f} s "
            f"{_rate(inline['records_per_s']):>12} records/s",
            f"  {parallel['processes']} processes            {parallel['wall_s']:8.2f} s "
            f"{_rate(parallel['records_per_s']):>12} records/s   speedup {e['speedup']:.2f}x, "
            f"efficiency {e['efficiency']:.0%}",
            f"  (after warm-up; the first multiprocess run of a Python process also starts the fork "
            f"server: {e.get('first_multiprocess_run_s', 0.0):.2f} s for 1,000 records)"]


def _plain(report: dict[str, Any]) -> list[str]:
    p = report["plain"]
    e = report["end_to_end"]
    agree = "yes" if all(p["verdicts_agree"].values()) else f"NO {p['verdicts_agree']}"
    return [f"Full simulate vs plain per-record Python simulator ({p['note']})",
            f"  plain simulator        {p['plain_seconds']:8.2f} s "
            f"{_rate(p['plain_records_per_s']):>12} records/s",
            f"  simulate inline        {'':8}   {_rate(e['inline']['records_per_s']):>12} records/s   "
            f"{p['speedup_inline']:.1f}x per record",
            f"  simulate {e['parallel']['processes']} processes   {'':8}   "
            f"{_rate(e['parallel']['records_per_s']):>12} records/s   "
            f"{p['speedup_parallel']:.1f}x per record",
            f"  same correct/incorrect verdicts as simulate: {agree}", *_lean(p, e)]


def _lean(p: dict[str, Any], e: dict[str, Any]) -> list[str]:
    if "lean_seconds" not in p:  # a report from before the lean simulator
        return []
    return [f"  lean simulator (loads and placements only) {p['lean_seconds']:8.2f} s "
            f"{_rate(p['lean_records_per_s']):>12} records/s; simulate inline "
            f"{p['lean_speedup_inline']:.1f}x per record, {e['parallel']['processes']} processes "
            f"{p['lean_speedup_parallel']:.1f}x"]


def _memory(report: dict[str, Any]) -> list[str]:
    m = report.get("memory")
    if not m:
        return ["Memory: skipped (--memory-records 0)"]
    status = "ok" if m["returncode"] == 0 and not m["timed_out"] else (
        f"FAILED exit {m['returncode']}{' (timed out)' if m['timed_out'] else ''}")
    return [f"Peak memory: {m['records']:,}-record chunked replay through the CLI in a child process "
            f"({status})",
            f"  coordinator {m['main_peak_mb']:,.0f} MiB, largest worker/helper "
            f"{m['worker_peak_mb']:,.0f} MiB, "
            f"all {m['processes']} processes {m['total_peak_mb']:,.0f} MiB (sum of peaks); "
            f"{m['wall_s']:.1f} s, {_rate(m['records_per_s'])} records/s"]


def _stages(report: dict[str, Any]) -> list[str]:
    s = report.get("stages")
    if not s:
        return []
    one, two = s["one_stage"], s["two_stage"]
    return [f"Stage replay: two-stage join + aggregate vs one-stage GROUP BY, {s['records']:,} records per "
            "source, simulate inline",
            f"  one stage              {one['wall_s']:8.2f} s {one['us_per_record']:9.2f} µs/record read",
            f"  join + aggregate       {two['wall_s']:8.2f} s {two['us_per_record']:9.2f} µs/record read "
            f"({two['records_read']:,} records from two sources)",
            f"  ratio {s['ratio_per_record']:.2f}x per record read "
            f"({s['ratio_per_first_source_record']:.2f}x per record of the first source)"]


def _analysis(report: dict[str, Any]) -> list[str]:
    a = report["analysis"]
    return [f"Analysis: {a['lines']}-line statement after import, {a['runs']} runs: "
            f"median {a['median_ms']:.1f} ms, best {a['best_ms']:.1f} ms"]


def format_table(report: dict[str, Any]) -> str:
    """Human-readable report: header, one block per section, then the targets with PASS/FAIL."""
    mach = report["machine"]
    load = ", ".join(f"{x:.1f}" for x in mach["load_average"])
    lines = [f"partition-lab bench: {mach['cpus']} CPUs (load average {load} at start), "
             f"Python {mach['python']}",
             "query: " + " ".join(report["query"].split()), ""]
    for block in (_analysis, _routing, _end_to_end, _plain, _stages, _memory):
        lines += [*block(report), ""]
    lines.append("Targets")
    for t in report["targets"]:
        value = "-" if t["value"] is None else format(t["value"], ",.2f")
        lines.append(f"  {'PASS' if t['passed'] else 'FAIL'}  {t['name']}: {t['target']} "
                     f"(measured {value}, limit {t['limit']:,.2f})")
    lines.append(f"{'all targets met' if report['passed'] else 'some targets missed'}; "
                 f"bench took {report['wall_s']:.0f} s")
    return "\n".join(lines) + "\n"
