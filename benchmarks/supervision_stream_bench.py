"""Streaming supervision benchmark: sustained API ingest of events, each checked by the rule engine.

Events are checked as they arrive: in the request, or by the worker moments later.

Run:  .venv/bin/python benchmarks/supervision_stream_bench.py [--seconds 30] [--connections 16]
Builds the demo college in a temporary data folder on SQLite (with its working-day calendar), issues a
`supervision:write` token, starts `lianfang serve` (gunicorn) on a loopback port and runs wrk with new events
for cases walking one demo power's flowchart: single events and batches checked in the request, single
events and batches checked by the worker (LIANFANG_SUPERVISION_EVALUATION=queued) at saturation, and
batches paced to offer 600 events/s (latency at that load). Target: at least 500 events/s with p95 under
50 ms; the paced run is the one that measures it, with a sender that batches (`--batch`, 10 events per
request by default).
Needs wrk (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from portal_bench import LUA as P95_LUA
from portal_bench import ROOT, build_demo, free_port, run_wrk, wait_until_up

sys.path.insert(0, str(ROOT / "src"))

from lianfang.core.management.commands.serve import default_threads, default_workers

TARGET_RPS = 500.0
RUNS = itertools.count(1)
TARGET_P95_MS = 50.0
OFFER = 1.2

BUILD = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from lianfang.accounts import services as accounts
    from lianfang.core.actor import system_actor
    from lianfang.core.demo import load_demo
    from lianfang.core.demo_data import UNIT
    from lianfang.org.models import Unit
    from lianfang.powers.models import Power
    load_demo()
    unit = Unit.objects.get(code=UNIT["code"])
    power = (
        Power.objects.filter(unit=unit, flow__isnull=False, cycle__previous__isnull=False)
        .order_by("code").select_related("flow").first()
    )
    steps = list(power.flow.steps.order_by("order", "code").values_list("code", flat=True))
    _, key = accounts.create_token(
        system_actor("基准测试"), name="业务系统", unit=unit, scopes=["supervision:write"]
    )
    print("POWER", power.code)
    print("STEPS", ",".join(steps))
    print("TOKEN", key)
    """
)

POST_LUA = """
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  thread_id = tid
end
local steps = {STEPS}
local batch = BATCH
local function one()
  counter = counter + 1
  local n = #steps
  local case_no = math.floor((counter - 1) / n)
  local k = ((counter - 1) % n) + 1
  local minute = counter % 480
  return string.format(
    '{"case_id": "BENCH-RUN-%d-%d", "power_code": "POWER", "activity": "%s", '
    .. '"timestamp": "2026-11-%02dT%02d:%02d:00+08:00", "resource": "", "completes": %s}',
    thread_id, case_no, steps[k], 1 + k, 9 + math.floor(minute / 60), minute % 60,
    (k == n) and "true" or "false")
end
request = function()
  local body
  local path
  if batch == 1 then
    body = one()
    path = "/api/supervision/events"
  else
    local items = {}
    for i = 1, batch do items[i] = one() end
    body = '{"events": [' .. table.concat(items, ",") .. ']}'
    path = "/api/supervision/events/batch"
  end
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer TOKEN",
  }, body)
end
"""


def scenario(
    name: str,
    env: dict[str, str],
    facts: dict[str, str],
    args: argparse.Namespace,
    batch: int,
    queued: bool,
    rate: float = 0.0,
) -> None:
    """One load run against a fresh server (and, when queued, a worker checking the rules behind it).
    `rate` > 0: each connection paces itself to offer that many events per second in all (wrk's delay()),
    so the latency is measured at that load rather than at saturation."""
    steps = facts["STEPS"].split(",")
    data = Path(env["LIANFANG_DATA_DIR"])
    env = {**env, "LIANFANG_SUPERVISION_EVALUATION": "queued" if queued else "inline"}
    script = data / f"post-{batch}.lua"
    lua = POST_LUA.replace("{STEPS}", "{" + ", ".join(f'"{s}"' for s in steps) + "}")
    lua = lua.replace("BATCH", str(batch)).replace("POWER", facts["POWER"]).replace("TOKEN", facts["TOKEN"])
    # Each run sends its own cases: the same events again would only be counted as duplicates.
    if rate:
        # Each of the connections sends one request, then waits: together they offer `rate` events/s.
        per_connection_ms = 1000.0 * args.connections * batch / rate
        lua += f"\nfunction delay()\n  return {per_connection_ms:.0f}\nend\n"
    warm_up = data / "warm-up.lua"
    warm_up.write_text(lua.replace("BENCH-RUN-", f"BENCH-{next(RUNS)}-") + P95_LUA)
    script.write_text(lua.replace("BENCH-RUN-", f"BENCH-{next(RUNS)}-") + P95_LUA)
    port = free_port()
    # The servers' error output, kept in the data folder when --keep-logs is given (to see what errors were).
    slug = "".join(c if c.isalnum() else "-" for c in name)
    log = (data / f"server-{slug}.log").open("w") if args.keep_logs else subprocess.DEVNULL
    procs = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--threads", str(args.threads)],
            env=env, stdout=subprocess.DEVNULL, stderr=log, cwd=ROOT,
        )
    ]  # fmt: skip
    if queued:
        procs.append(
            subprocess.Popen(  # noqa: S603
                # Not at a lower CPU priority: tried, and worse — a preempted worker holding SQLite's write
                # lock makes every sender wait (priority inversion).
                [sys.executable, str(ROOT / "manage.py"), "worker"],
                env=env, stdout=subprocess.DEVNULL, stderr=log, cwd=ROOT,
            )
        )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/accounts/login/")
        # A warm-up run, not counted: each server thread loads the rule engine (about a second) at first.
        run_wrk(f"http://127.0.0.1:{port}", 3, args.connections, warm_up)
        r = run_wrk(f"http://127.0.0.1:{port}", args.seconds, args.connections, script)
        events = r["rps"] * batch
        print(
            f"{name:34s} {events:7.0f} events/s ({r['rps']:.0f} requests/s)  p50 {r['p50']:6.1f} ms  "
            f"p95 {r['p95']:6.1f} ms  errors {r['errors']:.0f} (status {r['status']:.0f}, "
            f"timeout {r['timeout']:.0f}, socket {r['socket']:.0f})  "
            f"events/s vs target {events / TARGET_RPS:.2f}  p95/target {r['p95'] / TARGET_P95_MS:.2f}"
        )
        if queued:
            started = time.perf_counter()
            while True:
                left = subprocess.run(  # noqa: S603
                    [sys.executable, "-c", PENDING], env=env, capture_output=True, text=True, check=True
                ).stdout.strip()
                if left == "0" or time.perf_counter() - started > 300:
                    break
                time.sleep(1)
            print(f"{'':34s} worker caught up {time.perf_counter() - started:.1f} s after the load ended")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
    checked = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, check=False
    )
    print(f"{'':34s} {checked.stdout.strip() or checked.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    # `lianfang serve`'s own defaults (two processes per core, two threads each) unless given.
    parser.add_argument("--workers", type=int, default=default_workers(), help="server processes")
    parser.add_argument("--threads", type=int, default=default_threads(), help="threads per server process")
    parser.add_argument("--batch", type=int, default=10, help="events per request in the batched runs")
    parser.add_argument("--paced-only", action="store_true", help="only the run paced at the target rate")
    parser.add_argument("--keep-logs", action="store_true", help="keep the data folder and the servers' logs")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("需要 wrk：apt-get install wrk")
    started = time.perf_counter()
    data, env, facts = build_demo("lianfang-stream-bench-", BUILD)
    print(
        f"demo built in {time.perf_counter() - started:.1f} s; power {facts['POWER']}, steps {facts['STEPS']}"
    )
    print(
        f"wrk -t2 -c{args.connections} -d{args.seconds}s, gunicorn {args.workers} workers × {args.threads} "
        "threads, SQLite"
    )
    try:
        if not args.paced_only:
            scenario("single events, checked in the request", env, facts, args, 1, queued=False)
            scenario(
                f"batches of {args.batch}, checked in the request", env, facts, args, args.batch, queued=False
            )
            # What one event per request reaches: the target's rate is meant for a sender that batches.
            scenario("single events, checked by the worker", env, facts, args, 1, queued=True)
            scenario(
                f"batches of {args.batch}, checked by the worker", env, facts, args, args.batch, queued=True
            )
        # Offered 20% above the target: wrk's pacing delay comes on top of each response time, so what
        # arrives is a little less than what is offered.
        scenario(
            f"{TARGET_RPS * OFFER:.0f} events/s offered, worker checks",
            env,
            facts,
            args,
            args.batch,
            queued=True,
            rate=TARGET_RPS * OFFER,
        )
    finally:
        if args.keep_logs:
            print(f"data folder and server logs kept in {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)


PENDING = textwrap.dedent(
    """
    import django
    django.setup()
    from lianfang.supervision.models import Case
    print(Case.objects.filter(evaluated_at__isnull=True).count())
    """
)


CHECK = textwrap.dedent(
    """
    import django
    django.setup()
    from lianfang.supervision.models import Alert, Case, Event
    n_events, n_cases, n_alerts = Event.objects.count(), Case.objects.count(), Alert.objects.count()
    print(f"stored {n_events} events in {n_cases} cases; {n_alerts} alerts")
    """
)


if __name__ == "__main__":
    main()
