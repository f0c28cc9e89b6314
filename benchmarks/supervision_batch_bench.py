"""Electronic supervision, batch mode: 1,000,000 events over 50 flowcharts checked by every rule (control
flow, step and case limits in working days, suspensions, separation of duties, discretion, reopened cases,
wrong post), against simply reading the log and against PM4Py's token-based replay of the same log.

Run:  .venv/bin/python benchmarks/supervision_batch_bench.py [--events 1000000] [--flows 50] [--sample 0]
Targets: checking under 1 s on this machine, peak memory under 1 GB, at least 20× faster than PM4Py token
replay, within 3× of reading the log.

The log is generated once by `lianfang.supervision.simulate` (seeded: the same every time) and kept in the
system's temporary folder (lianfang-supervision-bench/). What each figure measures:
- reading: DuckDB reads the CSV into a table with the check's own reader (`csv_reader`: every column as
  text);
- checking: `Checker.check_csv` — reading the CSV, typing the columns and running every rule — with the
  flowcharts, people and calendar already loaded (best of 5, as the machine's speed varies, and the first
  run);
- peak memory: the maximum resident size of a child process that loads the engine and checks the log once;
- PM4Py (dev dependency, AGPL, never used at run time): token-based replay of each flowchart's Petri net
  (as in tests/supervision/test_conformance_pm4py.py) over the log already in memory, conversion from a
  DataFrame included, CSV parsing not; control flow only. Run on the whole log (about 20 s), or with
  --sample N on the first N cases, extrapolated linearly by events (and said so).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("LIANFANG_DATA_DIR", tempfile.mkdtemp(prefix="lianfang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")

import django

django.setup()

import duckdb  # noqa: E402

from lianfang.supervision.engine.model import PowerModel, compile_power  # noqa: E402
from lianfang.supervision.engine.run import Checker, csv_reader  # noqa: E402
from lianfang.supervision.simulate import (  # noqa: E402
    Rates,
    Staffing,
    simulate,
    staffing_for,
    synthetic_flows,
    write_csv,
)
from lianfang.workdays.counting import WorkCalendar  # noqa: E402
from lianfang.workdays.services import chinesecalendar_calendar  # noqa: E402

TARGET_S = 1.0
TARGET_MB = 1024
TARGET_PM4PY = 20.0
TARGET_READ = 3.0
START, END = date(2025, 1, 2), date(2026, 6, 30)
SEED = 2026
RATES = Rates(
    late=0.08,
    skipped=0.03,
    out_of_order=0.02,
    unknown=0.01,
    separation=0.02,
    discretion=0.03,
    reopened=0.01,
    wrong_post=0.02,
    suspended=0.05,
    open=0.03,
)
CACHE = Path(tempfile.gettempdir()) / "lianfang-supervision-bench"


def calendar() -> WorkCalendar:
    return chinesecalendar_calendar({2025, 2026})


def setup(flows: int) -> tuple[list[PowerModel], WorkCalendar, Staffing]:
    specs = synthetic_flows(flows, random.Random(SEED))
    models = [compile_power(f"P{n:03d}", spec) for n, spec in enumerate(specs, start=1)]
    return models, calendar(), staffing_for(models, 3)


def log_path(events: int, flows: int) -> Path:
    """The cached log, generated on first use."""
    path = CACHE / f"events-{events}-flows-{flows}-seed-{SEED}.csv"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    models, cal, staffing = setup(flows)
    started = time.perf_counter()
    pilot = simulate(models, cal, START, END, 2000, staffing, RATES, seed=SEED)
    cases = round(events / (len(pilot.rows) / 2000))
    log = simulate(models, cal, START, END, cases, staffing, RATES, seed=SEED)
    partial = path.with_suffix(".part")
    write_csv(log.rows, partial)
    partial.rename(path)
    print(
        f"generated          : {len(log.rows):,} events, {cases:,} cases in "
        f"{time.perf_counter() - started:.1f} s → {path}"
    )
    return path


def best_of(n: int, run: object) -> tuple[float, float]:
    """(first, best) wall time of n runs of `run()`."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return times[0], min(times)


def read_only(path: Path) -> int:
    """The log read into a table by the very reader the check uses (same options), and nothing else."""
    con = duckdb.connect()
    reader, _header = csv_reader(path)
    con.execute(f"CREATE TABLE log AS SELECT * FROM {reader}", {"path": str(path)})
    row = con.execute("SELECT count(*) FROM log").fetchone()
    con.close()
    return int(row[0]) if row else 0


def child_check(path: Path, flows: int) -> None:
    """Run in a child process: load the engine, check the log once, print the peak resident size in MB."""
    models, cal, staffing = setup(flows)
    checker = Checker(models, cal, staffing.held(START))
    found = checker.check_csv(path, END)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{peak_kb / 1024:.0f} {len(found)}")


def pm4py_replay(path: Path, models: list[PowerModel], sample: int) -> tuple[float, int, int]:
    """(seconds, events replayed, cases) of PM4Py token replay over the first `sample` cases (0: all)."""
    import pandas as pd
    import pm4py
    from pm4py.algo.conformance.tokenreplay.variants.token_replay import Parameters
    from tests.supervision.test_conformance_pm4py import petri_net

    frame = pd.read_csv(path, usecols=["case_id", "power_code", "activity", "timestamp"], dtype=str)
    if sample:
        keep = frame["case_id"].drop_duplicates().iloc[:sample]
        frame = frame[frame["case_id"].isin(set(keep))]
    frame = frame.rename(
        columns={"case_id": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp"}
    )
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"], format="ISO8601")
    nets = {m.power_code: petri_net(m) for m in models}
    started = time.perf_counter()
    for code, part in frame.groupby("power_code"):
        log = pm4py.convert_to_event_log(part.drop(columns=["power_code"]))
        net, initial, final = nets[str(code)]
        pm4py.conformance_diagnostics_token_based_replay(
            log,
            net,
            initial,
            final,
            opt_parameters={
                Parameters.CONSIDER_ACTIVITIES_NOT_IN_MODEL_IN_FITNESS: True,
                Parameters.SHOW_PROGRESS_BAR: False,
            },
        )
    return time.perf_counter() - started, len(frame), int(frame["case:concept:name"].nunique())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--flows", type=int, default=50)
    parser.add_argument("--sample", type=int, default=0, help="cases for PM4Py (0: the whole log)")
    parser.add_argument("--child-check", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_check:
        child_check(args.child_check, args.flows)
        return

    path = log_path(args.events, args.flows)
    total = read_only(path)
    size = path.stat().st_size / 1e6
    print(f"log                : {total:,} events over {args.flows} flowcharts, {size:.0f} MB CSV")

    first_read, read = best_of(5, lambda: read_only(path))
    print(f"reading the log    : {read:6.3f} s (DuckDB read_csv into a table; first run {first_read:.3f} s)")

    models, cal, staffing = setup(args.flows)
    checker = Checker(models, cal, staffing.held(START))
    found: list = []

    def check() -> None:
        found[:] = checker.check_csv(path, END)

    first, best = best_of(5, check)
    print(
        f"checking (all rules): {best:6.3f} s best of 5 (first run {first:.3f} s),"
        f" {total / best:,.0f} events/s"
        f" — target {TARGET_S:.0f} s: {'met' if best < TARGET_S else 'MISSED'}"
    )
    by_rule = Counter(f.rule for f in found)
    print(
        f"findings           : {len(found):,} — "
        + ", ".join(f"{r} {n:,}" for r, n in sorted(by_rule.items()))
    )
    print(
        f"ratio checking / reading: {best / read:.2f}"
        f" — target ≤ {TARGET_READ:.0f}: {'met' if best / read <= TARGET_READ else 'MISSED'}"
    )

    child = subprocess.run(  # noqa: S603 - this very script, with a fixed argument list
        [sys.executable, __file__, "--flows", str(args.flows), "--child-check", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak_mb = float(child.stdout.split()[-2])
    print(
        f"peak memory (check in a child process): {peak_mb:,.0f} MB"
        f" — target {TARGET_MB} MB: {'met' if peak_mb < TARGET_MB else 'MISSED'}"
    )

    try:
        spent, replayed, cases = pm4py_replay(path, models, args.sample)
    except ImportError:
        print("PM4Py: not installed (pip install -e '.[dev]') — comparison skipped")
        return
    whole = spent * total / replayed
    label = (
        f"extrapolated linearly from a sample of {cases:,} cases ({replayed:,} events, {spent:.2f} s)"
        if replayed < total
        else "measured on the whole log"
    )
    print(f"PM4Py token replay : {whole:8.2f} s for {total:,} events — {label}; control flow only")
    print(
        f"ratio PM4Py / Lianfang: {whole / best:,.0f}×"
        f" — target ≥ {TARGET_PM4PY:.0f}×: {'met' if whole / best >= TARGET_PM4PY else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
