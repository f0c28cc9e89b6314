"""Risk sheet export benchmark: a 5,000-row 部门工作廉政风险排查表 (250 duties × 20 risk points)
written to PDF, Word and xlsx.

Run:  .venv/bin/python benchmarks/risk_sheet_export_bench.py [--duties 250] [--per-duty 20] [--runs 3]
Target (issue 4): each export of a 5,000-row sheet under 5 s. No database is used: the SheetView is built by
hand with text lengths like the demo college's (a duty of 20–40 characters, 2–4 manifestations and 2–3
measures of 20–45 characters each, causes of 10–30).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("LIANFANG_DATA_DIR", tempfile.mkdtemp(prefix="lianfang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")

import django

django.setup()

from lianfang.risks.sheet_docx import write_docx  # noqa: E402
from lianfang.risks.sheet_pdf import write_pdf  # noqa: E402
from lianfang.risks.sheet_view import FOOTERS, DutyGroup, SheetKind, SheetRisk, SheetView  # noqa: E402

TARGET_S = 5.0
PAGE = re.compile(rb"/Type\s*/Page[^s]")
PHRASES = [
    "在审核报销单据时不严格把关",
    "对不合规票据予以通过",
    "利用职务便利为亲友谋取利益",
    "未按规定程序组织采购",
    "擅自改变资金用途",
    "违规收受服务对象礼品礼金",
    "泄露评审专家名单及评审信息",
    "对群众反映的问题推诿拖延",
    "造成国有资产流失",
    "在招生录取中暗箱操作",
    "在职称评审中降低标准",
    "随意调整自由裁量幅度",
]
CAUSES = ["制度缺陷及漏洞", "监管缺失", "外部环境影响", "个人自律", "个人业务素质"]
MEASURES = [
    "严格执行财务报销制度，实行经办、审核、审批分离",
    "建立双人复核和定期抽查制度",
    "重大事项集体研究决定并全程留痕",
    "在校园网公开办事程序、依据和结果，接受监督",
    "开展警示教育，签订廉洁承诺书",
    "利用信息系统固化流程，超时自动预警",
]


def text(rng: random.Random, low: int, high: int) -> str:
    """Chinese text of `low`–`high` characters, phrases joined with commas."""
    length, parts = rng.randint(low, high), list[str]()
    while sum(len(p) + 1 for p in parts) < length:
        parts.append(rng.choice(PHRASES))
    return "，".join(parts)[:length]


def big_view(duties: int, per_duty: int, seed: int = 4) -> SheetView:
    rng = random.Random(seed)
    groups = []
    for d in range(duties):
        risks = []
        for i in range(per_duty):
            n = d * per_duty + i
            causes = "、".join(rng.sample(CAUSES, rng.randint(1, 3)))
            risks.append(
                SheetRisk(
                    code=f"BM-{n:05d}",
                    name=text(rng, 8, 20),
                    manifestations=tuple(text(rng, 20, 45) for _ in range(rng.randint(2, 4))),
                    causes=f"{causes}；{text(rng, 0, 15)}".rstrip("；"),
                    level=rng.choice("高中低"),
                    measures=tuple(rng.choice(MEASURES) + text(rng, 0, 15) for _ in range(rng.randint(2, 3))),
                    notes="三重一大" if n % 17 == 0 else "",
                )
            )
        groups.append(DutyGroup(f"负责{text(rng, 18, 38)}（第{d + 1}项）", tuple(risks)))
    return SheetView(
        kind=SheetKind.DEPARTMENT,
        title="青岚职业技术学院财务处工作廉政风险排查表（2026年度）",
        header=(("部门（盖章）", "财务处"), ("负责人", "张三"), ("填表日期", "2026年3月1日")),
        groups=tuple(groups),
        footer_label=FOOTERS[SheetKind.DEPARTMENT],
    )


def timed(fn: Callable[[], bytes], runs: int) -> tuple[float, float, bytes]:
    """First run and the median of `runs` runs (the first included), in seconds."""
    times, result = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times[0], statistics.median(times), result


def report(name: str, fn: Callable[[], bytes], runs: int, extra: Callable[[bytes], str]) -> None:
    first, median, data = timed(fn, runs)
    print(
        f"{name:<5} median of {runs}: {median:6.2f} s ({median / TARGET_S:.2f} of the 5 s target), "
        f"first {first:.2f} s, {len(data) / 1024 / 1024:.1f} MiB{extra(data)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duties", type=int, default=250)
    parser.add_argument("--per-duty", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    view = big_view(args.duties, args.per_duty)
    characters = sum(
        len(r.name) + sum(map(len, r.manifestations)) + len(r.causes) + sum(map(len, r.measures))
        for g in view.groups
        for r in g.risks
    )
    groups = len(view.groups)
    print(f"sheet: {view.risk_count} risk points in {groups} duty groups, {characters:,} characters")

    def pages(pdf: bytes) -> str:
        return f", {len(PAGE.findall(pdf))} pages"

    report("PDF", lambda: write_pdf([view]), args.runs, pages)
    report("Word", lambda: write_docx([view]), args.runs, lambda _: "")
    try:
        from lianfang.risks.sheet_xlsx import write_workbook
    except ImportError:
        print("xlsx : lianfang.risks.sheet_xlsx.write_workbook is not there yet")
    else:
        report("xlsx", lambda: write_workbook([view]), args.runs, lambda _: "")


if __name__ == "__main__":
    main()
