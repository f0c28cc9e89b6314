"""Public portal benchmark: the catalog page and a power page under load, on the demo data.

Run:  .venv/bin/python benchmarks/portal_bench.py [--seconds 60] [--connections 16] [--workers N]
Builds the demo (core.demo.load_demo, then core.demo_portal.load_portal_demo unless the demo published
already) in a temporary data folder on SQLite, starts `lianfang serve` (gunicorn) on a loopback port and
runs `wrk -t2 -c16 -d60s --latency` against each page as an anonymous reader, with a small Lua script
printing the 95th percentile. Target: p95 under 100 ms for both pages. Needs wrk (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 100.0

LUA = textwrap.dedent(
    """
    done = function(summary, latency, requests)
      local e = summary.errors
      io.write(string.format("RESULT requests=%d errors=%d status=%d timeout=%d socket=%d duration_us=%d "
          .. "p50_us=%d p95_us=%d p99_us=%d\\n",
        summary.requests, e.connect + e.read + e.write + e.status + e.timeout, e.status, e.timeout,
        e.connect + e.read + e.write,
        summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
    end
    """
)

BUILD = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from lianfang.core.actor import system_actor
    from lianfang.core.demo import load_demo
    from lianfang.core.demo_data import UNIT
    from lianfang.core.demo_portal import load_portal_demo
    from lianfang.org.models import Unit
    from lianfang.portal.models import Publication, PublicationKind
    load_demo()
    unit = Unit.objects.get(code=UNIT["code"])
    if not Publication.objects.filter(unit=unit).exists():
        load_portal_demo(system_actor("基准测试"), unit)
    public = Publication.objects.filter(unit=unit, audience="external", is_current=True, withdrawn=False)
    flows = public.filter(kind=PublicationKind.FLOW).values_list("code", flat=True)
    power = next(
        p for p in public.filter(kind=PublicationKind.POWER).order_by("sort_key")
        if (p.content.get("flow") or {}).get("code") in set(flows)
    )
    print("UNIT", unit.code)
    print("POWER", power.code)
    print("PUBLICATIONS", Publication.objects.filter(unit=unit).count())
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"服务未能启动：{url}")


def run_wrk(url: str, seconds: int, connections: int, script: Path) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    fields = dict(part.split("=") for part in line.split()[1:])
    duration = int(fields["duration_us"]) / 1e6
    return {
        "rps": int(fields["requests"]) / duration,
        "errors": float(fields["errors"]),
        # Kinds of error: answers other than 2xx/3xx, no answer within wrk's 2 s, and socket errors.
        "status": float(fields["status"]),
        "timeout": float(fields["timeout"]),
        "socket": float(fields["socket"]),
        "p50": int(fields["p50_us"]) / 1000,
        "p95": int(fields["p95_us"]) / 1000,
        "p99": int(fields["p99_us"]) / 1000,
    }


def build_demo(prefix: str, script: str) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A temporary data folder on SQLite (as the targets say) with the demo built by `script` in a child
    process; returns the folder, the environment for servers over it, and the UPPERCASE facts it printed."""
    data = Path(tempfile.mkdtemp(prefix=prefix))
    env = {
        **os.environ,
        "LIANFANG_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "lianfang.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    built = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    if built.returncode != 0:
        shutil.rmtree(data, ignore_errors=True)
        raise SystemExit(f"演示数据载入失败：\n{built.stderr[-3000:]}")
    facts = dict(line.split(" ", 1) for line in built.stdout.splitlines() if line.split(" ", 1)[0].isupper())
    return data, env, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("需要 wrk：apt-get install wrk")

    started = time.perf_counter()
    data, env, facts = build_demo("lianfang-portal-bench-", BUILD)
    print(f"demo built in {time.perf_counter() - started:.1f} s: {facts['PUBLICATIONS']} publications")

    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", "4"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip
    script = data / "p95.lua"
    script.write_text(LUA)
    base = f"http://127.0.0.1:{port}/public/{facts['UNIT']}/"
    pages = {"catalog page": base, "power page": f"{base}powers/{facts['POWER']}/"}
    try:
        for url in pages.values():
            wait_until_up(url)
        print(
            f"wrk -t2 -c{args.connections} -d{args.seconds}s, gunicorn {args.workers} workers × 4 threads, "
            "SQLite, anonymous reader"
        )
        for name, url in pages.items():
            r = run_wrk(url, args.seconds, args.connections, script)
            print(
                f"{name:13s} {r['rps']:8.0f} requests/s  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  "
                f"p99 {r['p99']:6.1f} ms  errors {r['errors']:.0f}  "
                f"p95/target {r['p95'] / TARGET_P95_MS:.2f} ({'OK' if r['p95'] < TARGET_P95_MS else 'SLOW'})"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
