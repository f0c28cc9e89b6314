"""Flowchart rendering benchmark: a 200-step flow laid out by Graphviz and rendered as SVG, then as PDF.

Run:  .venv/bin/python benchmarks/flow_render_bench.py [--steps 200] [--runs 5]
Target: the SVG (graph built, `dot` layout, SVG post-processing) in well under 1 s. No database is used.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("LIANFANG_DATA_DIR", tempfile.mkdtemp(prefix="lianfang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")

import django

django.setup()

from lianfang.powers.flowspec import FlowSpec, SeparationSpec, StepKind, StepSpec, TransitionSpec  # noqa: E402
from lianfang.powers.render_pdf import flow_pdf  # noqa: E402
from lianfang.powers.render_svg import StepMarker, flow_svg  # noqa: E402

T = TypeVar("T")
TARGET_S = 1.0
NAMES = ["受理申请", "材料初审", "部门审核", "分管领导审批", "组织实施", "结果公示", "归档备查", "监督检查"]
POSTS = ["办公室主任", "财务处科员", "资产管理处处长", "分管校领导", "纪检监察室"]


def big_flow(steps: int) -> FlowSpec:
    """A chain of `steps` steps; every 10th step branches (a shortcut past the next step, 简易程序) and
    every 40th loops back five steps (退回补正); a few separations."""
    kinds = list(StepKind)
    spec = [
        StepSpec(
            f"S{i:03d}",
            f"{NAMES[i % len(NAMES)]}（{i + 1}）",
            kinds[i % len(kinds)],
            handler=POSTS[i % len(POSTS)],
            time_limit=(i % 7) + 1,
            limit_unit="working" if i % 3 else "calendar",
            is_start=i == 0,
        )
        for i in range(steps)
    ]
    transitions = [
        TransitionSpec(f"S{i:03d}", f"S{i + 1:03d}", "符合条件" if i % 10 == 3 else "")
        for i in range(steps - 1)
    ]
    transitions += [TransitionSpec(f"S{i:03d}", f"S{i + 2:03d}", "简易程序") for i in range(3, steps - 2, 10)]
    transitions += [TransitionSpec(f"S{i:03d}", f"S{i - 5:03d}", "退回补正") for i in range(39, steps, 40)]
    separations = tuple(SeparationSpec(f"S{i:03d}", f"S{i + 2:03d}") for i in range(1, steps - 2, 50))
    return FlowSpec(
        "BENCH", f"基准流程（{steps}个环节）", tuple(spec), tuple(transitions), separations=separations
    )


def timed(fn: Callable[[], T], runs: int) -> tuple[float, float, T]:
    """First run (cold: Graphviz plug-ins, fontconfig) and the median of the next `runs`, in seconds."""
    started = time.perf_counter()
    result = fn()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return first, statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    flow = big_flow(args.steps)
    markers = {
        f"S{i:03d}": [StepMarker("审核把关不严", "high"), StepMarker("未按时限办结", "medium")]
        for i in (2, 50, 120)
    }
    print(f"flow            : {len(flow.steps)} steps, {len(flow.transitions)} transitions")

    first, median, svg = timed(lambda: flow_svg(flow), args.runs)
    print(f"SVG first run   : {first * 1000:8.1f} ms  ({first / TARGET_S:.2f} of the 1 s target)")
    print(
        f"SVG median of {args.runs}: {median * 1000:8.1f} ms  ({median / TARGET_S:.2f} of the 1 s target), "
        f"{len(svg) / 1024:.0f} KiB"
    )
    first, median, _ = timed(lambda: flow_svg(flow, markers=markers, highlight={"S010"}), args.runs)
    print(f"SVG + markers   : {median * 1000:8.1f} ms median ({first * 1000:.1f} ms first)")

    first, median, pdf = timed(lambda: flow_pdf(flow, meta=[("职权名称", "基准职权")]), args.runs)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    print(f"PDF first run   : {first * 1000:8.1f} ms")
    print(f"PDF median of {args.runs}: {median * 1000:8.1f} ms, {len(pdf) / 1024:.0f} KiB, {pages} pages")


if __name__ == "__main__":
    main()
