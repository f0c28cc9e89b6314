"""Flowchart rendering: inline SVG through Graphviz, PDF through ReportLab (no database)."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest

from lianfang.powers.flowspec import (
    DiscretionSpec,
    FlowSpec,
    SeparationSpec,
    StepKind,
    StepSpec,
    TransitionSpec,
)
from lianfang.powers.render_pdf import CatalogEntry, catalog_pdf, flow_pdf
from lianfang.powers.render_svg import MARKER_COLOURS, StepMarker, flow_svg, wrap

SVG = "{http://www.w3.org/2000/svg}"
TRICKY = '<审核&"决定">'


def procurement() -> FlowSpec:
    return FlowSpec(
        code="CG-01",
        name="物资采购审批流程",
        steps=(
            StepSpec("A", "受理申请", StepKind.ACCEPT, handler="办公室", time_limit=5, is_start=True),
            StepSpec("B", TRICKY, StepKind.CHECK, handler="财务处", time_limit=3, limit_unit="calendar"),
            StepSpec("C", "集体决策", StepKind.DECIDE, handler="校长办公会"),
            StepSpec("D", "结果公示", StepKind.DELIVER, handler="办公室", time_limit=2),
        ),
        transitions=(
            TransitionSpec("A", "B", "材料齐全"),
            TransitionSpec("B", "A", "退回补正"),
            TransitionSpec("B", "C"),
            TransitionSpec("C", "D", "同意"),
        ),
        separations=(SeparationSpec("A", "C", "申请与决定分离"),),
        discretion=(DiscretionSpec("逾期未报", "情节轻微", Decimal("100.00"), Decimal("500")),),
    )


def chain(n: int, code: str = "CHAIN") -> FlowSpec:
    steps = tuple(
        StepSpec(f"S{i}", f"第{i + 1}环节", StepKind.REVIEW, handler="科员", time_limit=1, is_start=i == 0)
        for i in range(n)
    )
    transitions = [TransitionSpec(f"S{i}", f"S{i + 1}") for i in range(n - 1)]
    transitions += [TransitionSpec(f"S{i}", f"S{i - 4}", "补正") for i in range(9, n, 10)]
    return FlowSpec(code, f"{n}环节流程", steps, tuple(transitions))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def groups(root: ET.Element, css: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if css in (g.get("class") or "").split()]


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


# --- SVG ----------------------------------------------------------------------------------------------------


def test_svg_is_an_embeddable_titled_image() -> None:
    svg = flow_svg(procurement())
    assert svg.startswith("<svg") and "<?xml" not in svg and "DOCTYPE" not in svg and "<!--" not in svg
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("width") == "100%" and root.get("viewBox")
    assert root.get("height") is None
    assert root[0].tag == f"{SVG}title" and root[0].text == "物资采购审批流程"
    assert "style=" not in svg  # the pages' CSP forbids inline styles; presentation attributes only


def test_svg_steps_carry_their_code_name_and_details() -> None:
    root = parse(flow_svg(procurement()))
    steps = {g.get("data-step"): g for g in groups(root, "step")}
    assert set(steps) == {"A", "B", "C", "D"}
    assert steps["A"].get("id", "").endswith("step-A")
    assert texts(steps["A"]) == ["受理申请", "受理 · 办公室", "5个工作日"]
    assert texts(steps["B"]) == [TRICKY, "审核 · 财务处", "3个自然日"]
    assert texts(steps["C"]) == ["集体决策", "决定 · 校长办公会"]
    all_text = texts(root)
    for name in ("受理申请", TRICKY, "集体决策", "结果公示", "开始", "结束", "材料齐全", "退回补正"):
        assert name in all_text
    assert steps["B"].find(f"{SVG}title").text == TRICKY  # type: ignore[union-attr]


def test_svg_escapes_user_text() -> None:
    flow = FlowSpec("X&<", 'A "flow" <&>', steps=(StepSpec("a<b", TRICKY, is_start=True),))
    svg = flow_svg(flow)
    assert '&lt;审核&amp;"决定"&gt;' in svg or "&lt;审核&amp;&quot;决定&quot;&gt;" in svg
    root = parse(svg)
    assert root[0].text == 'A "flow" <&>'
    (step,) = groups(root, "step")
    assert step.get("data-step") == "a<b" and texts(step)[0] == TRICKY


def test_svg_graphviz_escape_sequences_stay_literal() -> None:
    flow = FlowSpec("E", "转义", steps=(StepSpec("a", r"名称\N\G\n", is_start=True),))
    (step,) = groups(parse(flow_svg(flow)), "step")
    assert texts(step)[0] == r"名称\N\G\n"


def test_svg_separation_pairs_are_dashed_red_and_undirected() -> None:
    root = parse(flow_svg(procurement()))
    (pair,) = groups(root, "separation")
    assert texts(pair) == ["不相容"]
    path = pair.find(f"{SVG}path")
    assert path is not None and path.get("stroke") == "#c0392b" and path.get("stroke-dasharray")
    assert pair.find(f"{SVG}polygon") is None  # no arrowhead


def test_svg_markers_are_coloured_notes_beside_their_step() -> None:
    markers = {
        "B": [StepMarker("审核把关不严", "high"), StepMarker("时限过长", "medium")],
        "C": [StepMarker("集体决策流于形式", "low"), StepMarker("缺少回避", "finding")],
        "ZZ": [StepMarker("不存在的环节", "high")],
    }
    root = parse(flow_svg(procurement(), markers=markers))
    notes = groups(root, "marker")
    assert len(notes) == 4
    seen = {}
    for note in notes:
        polygon = note.find(f"{SVG}polygon")
        assert polygon is not None
        seen[texts(note)[0]] = (note.get("data-for-step"), polygon.get("fill"))
    assert seen == {
        "审核把关不严": ("B", MARKER_COLOURS["high"]),
        "时限过长": ("B", MARKER_COLOURS["medium"]),
        "集体决策流于形式": ("C", MARKER_COLOURS["low"]),
        "缺少回避": ("C", MARKER_COLOURS["finding"]),
    }
    assert MARKER_COLOURS == {"high": "#c0392b", "medium": "#e67e22", "low": "#f1c40f", "finding": "#7f8c8d"}
    links = groups(root, "marker-link")
    assert len(links) == 4 and all(g.find(f"{SVG}path").get("stroke-dasharray") for g in links)  # type: ignore[union-attr]


def test_svg_highlight_marks_the_steps() -> None:
    root = parse(flow_svg(procurement(), highlight={"C", "nope"}))
    highlighted = [g.get("data-step") for g in groups(root, "highlight")]
    assert highlighted == ["C"]


def test_svg_empty_flow_is_a_placeholder() -> None:
    root = parse(flow_svg(FlowSpec("E", "空流程")))
    assert root[0].text == "空流程" and "尚无环节" in texts(root) and root.get("viewBox")


def test_svg_survives_unknown_steps_and_duplicate_codes() -> None:
    flow = FlowSpec(
        "Q",
        "有问题的流程",
        steps=(StepSpec("A", "甲", is_start=True), StepSpec("B", "乙"), StepSpec("A", "重复的甲")),
        transitions=(TransitionSpec("A", "B"), TransitionSpec("B", "NOPE"), TransitionSpec("GHOST", "A")),
        separations=(SeparationSpec("A", "GHOST"), SeparationSpec("B", "B")),
    )
    root = parse(flow_svg(flow))
    assert [g.get("data-step") for g in groups(root, "step")] == ["A", "B"]
    assert len(groups(root, "transition")) == 1 and not groups(root, "separation")
    assert "重复的甲" not in texts(root) and "结束" in texts(root)


def test_svg_leaves_standard_error_alone(capfd: pytest.CaptureFixture[str]) -> None:
    flow_svg(procurement())
    assert capfd.readouterr().err == ""


def test_svg_of_200_steps_is_fast() -> None:
    flow = chain(200)
    flow_svg(flow)
    started = time.perf_counter()
    root = parse(flow_svg(flow))
    assert time.perf_counter() - started < 2.0  # the target is < 1 s; see benchmarks/flow_render_bench.py
    assert len(groups(root, "step")) == 200


def test_wrap_breaks_by_width_and_ends_cut_text_with_an_ellipsis() -> None:
    assert wrap("受理申请", 11) == ["受理申请"]
    assert wrap("一二三四五六七八九十", 4) == ["一二三四", "五六七八", "九十"]
    assert wrap("财务处 ABC-123", 6) == ["财务处", "ABC-123"]
    assert wrap("一二三四五六七八九十", 2, max_lines=2) == ["一二", "三…"]
    assert wrap("  \n\t ", 5) == []


# --- PDF ----------------------------------------------------------------------------------------------------


def test_flow_pdf_is_a_pdf_in_the_built_in_cid_font() -> None:
    pdf = flow_pdf(
        procurement(),
        meta=[("职权名称", "物资采购"), ("办理部门", "财务处"), ("法定时限", "20个工作日")],
        markers={"B": [StepMarker("审核把关不严", "high")]},
    )
    assert pdf.startswith(b"%PDF")
    assert (
        b"STSong-Light" in pdf and b"FontFile" not in pdf
    )  # a CID font the reader supplies: nothing embedded
    assert pages(pdf) >= 1


def test_flow_pdf_of_60_steps_continues_over_pages() -> None:
    pdf = flow_pdf(chain(60))
    assert pdf.startswith(b"%PDF") and 2 <= pages(pdf) <= 20


def test_flow_pdf_of_an_empty_or_very_wide_flow() -> None:
    assert pages(flow_pdf(FlowSpec("E", "空流程"))) == 1
    fan = FlowSpec(
        "W",
        "宽流程",
        steps=(
            StepSpec("root", "分派", is_start=True),
            *(StepSpec(f"b{i}", f"并行环节{i}") for i in range(40)),
        ),
        transitions=tuple(TransitionSpec("root", f"b{i}") for i in range(40)),
    )
    assert flow_pdf(fan).startswith(b"%PDF")


def test_catalog_pdf_has_the_table_then_one_section_per_flow() -> None:
    entries = [
        CatalogEntry(
            code=f"QL-{i:03d}",
            name=f"职权{i}",
            content="负责本单位物资采购的审核与审批。" * 3,
            category_label="内部人财物管理",
            handler="财务处",
            basis="《政府采购法》第十条",
            audience_label="对内",
            flow=chain(5 + i, f"F{i}"),
        )
        for i in range(3)
    ]
    entries.append(CatalogEntry(code="QL-900", name="无流程的职权", category_label="其他"))
    pdf = catalog_pdf(
        entries,
        title="青岚职业技术学院职权目录（2026年度）",
        header=[("填报单位", "青岚职业技术学院"), ("填报日期", "2026年1月5日")],
        footer_signatures=["分管校领导：________", "部门负责人：________"],
    )
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf
    assert pages(pdf) >= 4
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in pdf and b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf
