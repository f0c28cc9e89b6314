"""Flowcharts and the 职权目录 as PDF: ReportLab with the built-in CID font STSong-Light (no font files).

Graphviz lays the flow out (the same graph as the web page: `render_svg.build_agraph`); the diagram is drawn
here with ReportLab primitives, so Chinese text never depends on Graphviz finding a font. A diagram taller
than a page is scaled down while its smallest text stays at 6 pt or more, else continues on the next pages;
one too wide to stay legible is replaced by a note (the step table follows in every case).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from . import render_svg as svg
from .flowspec import FlowSpec
from .render_svg import Box, FlowGraph, Link, StepMarker, kind_text, limit_text

__all__ = ["CatalogEntry", "catalog_pdf", "flow_pdf"]

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

MIN_SCALE = 6.0 / svg.LABEL_FONT  # the smallest diagram text stays at 6 pt
MULTI_PAGE_SCALE = 0.8  # a diagram over several pages anyway is drawn at most this size
MARGIN = 15 * mm
FRAME_PADDING = 6.0  # reportlab's default, on each side

_BODY = ParagraphStyle("lf-body", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")
_TITLE = ParagraphStyle("lf-title", parent=_BODY, fontSize=16, leading=22, alignment=TA_CENTER, spaceAfter=8)
_HEADING = ParagraphStyle("lf-heading", parent=_BODY, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4)
_NOTE = ParagraphStyle("lf-note", parent=_BODY, fontSize=9, leading=13, textColor=colors.HexColor("#555555"))
# Characters STSong-Light lacks, drawn as ones it has.
_GLYPHS = str.maketrans({"·": "・", "•": "・"})
_CELL = ParagraphStyle("lf-cell", parent=_BODY, fontSize=8.5, leading=11.5)
_HEAD = ParagraphStyle("lf-head", parent=_CELL, alignment=TA_CENTER)


@dataclass(frozen=True)
class CatalogEntry:
    """One row of the 职权目录, with its flowchart when it has one."""

    code: str
    name: str
    content: str = ""
    category_label: str = ""
    handler: str = ""  # 办理主体
    basis: str = ""  # 制度依据
    audience_label: str = ""  # 对外/对内
    flow: FlowSpec | None = None


# --- the diagram --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    box: Box
    x: float  # centre, in points, y up (Graphviz's coordinates)
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class _Edge:
    link: Link
    points: tuple[tuple[float, float], ...]  # cubic Bézier control points: 1 + 3n
    head: tuple[float, float] | None  # arrow tip, when the edge has an arrowhead
    label_at: tuple[float, float] | None


@dataclass(frozen=True)
class _Drawing:
    x0: float
    y0: float
    x1: float
    y1: float
    nodes: tuple[_Node, ...]
    edges: tuple[_Edge, ...]

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def _point(text: str) -> tuple[float, float]:
    x, y = text.split(",")[:2]
    return float(x), float(y)


def lay_out(fg: FlowGraph) -> _Drawing:
    """Positions from Graphviz `dot`: node centres and sizes, edge splines, label positions."""
    graph = fg.graph
    with svg.graphviz_quiet():
        graph.layout(prog="dot")
    x0, y0, x1, y1 = (float(v) for v in graph.graph_attr["bb"].split(","))
    nodes = []
    for name, box in fg.boxes.items():
        attr = graph.get_node(name).attr
        x, y = _point(attr["pos"])
        nodes.append(_Node(box, x, y, float(attr["width"]) * 72, float(attr["height"]) * 72))
    edges = []
    for edge in graph.edges():
        link, pos = fg.links.get(edge.name), (edge.attr["pos"] or "").split(";")[0]
        if link is None or not pos:
            continue
        head, points = None, []
        for part in pos.split():
            if part.startswith("e,"):
                head = _point(part[2:])
            elif not part.startswith("s,"):
                points.append(_point(part))
        label = edge.attr["lp"]
        edges.append(_Edge(link, tuple(points), head, _point(label) if label else None))
    return _Drawing(x0, y0, x1, y1, tuple(nodes), tuple(edges))


def _text_lines(canv: Any, lines: Sequence[tuple[str, float, bool, str]], x: float, y: float) -> None:
    """Lines (text, size, bold, colour) centred as a block on (x, y); bold is simulated by stroking."""
    top = y + sum(size * svg.LINE for _, size, _, _ in lines) / 2
    for text, size, bold, colour in lines:
        # the middle of a CJK glyph is about 0.36 em above its baseline
        baseline = top - size * svg.LINE / 2 - size * 0.36
        top -= size * svg.LINE
        text = text.replace(" · ", "・").translate(_GLYPHS)
        obj = canv.beginText(x - pdfmetrics.stringWidth(text, FONT, size) / 2, baseline)
        obj.setFont(FONT, size)
        obj.setTextRenderMode(2 if bold else 0)
        canv.setFillColor(colors.HexColor(colour))
        canv.setStrokeColor(colors.HexColor(colour))
        canv.setLineWidth(size * 0.03)
        obj.textOut(text)
        canv.drawText(obj)


def _draw_edge(canv: Any, edge: _Edge) -> None:
    link, points = edge.link, edge.points
    colour = colors.HexColor(link.colour)
    canv.setStrokeColor(colour)
    canv.setFillColor(colour)
    canv.setLineWidth(0.8)
    canv.setDash({"dashed": [4, 2], "dotted": [1, 2]}.get(link.dash, []))
    if len(points) >= 4:
        path = canv.beginPath()
        path.moveTo(*points[0])
        for i in range(1, len(points) - 2, 3):
            path.curveTo(*points[i], *points[i + 1], *points[i + 2])
        canv.drawPath(path, stroke=1, fill=0)
    canv.setDash([])
    if edge.head is not None and points:
        (bx, by), (tx, ty) = points[-1], edge.head
        nx, ny = -(ty - by) * 0.35, (tx - bx) * 0.35  # half the base, across the arrow
        path = canv.beginPath()
        path.moveTo(tx, ty)
        path.lineTo(bx + nx, by + ny)
        path.lineTo(bx - nx, by - ny)
        path.close()
        canv.drawPath(path, stroke=0, fill=1)
    if link.lines and edge.label_at is not None:
        _text_lines(canv, [(t, svg.LABEL_FONT, False, link.colour) for t in link.lines], *edge.label_at)


def _draw_node(canv: Any, node: _Node) -> None:
    box = node.box
    canv.setStrokeColor(colors.HexColor(box.stroke))
    canv.setFillColor(colors.HexColor(box.fill))
    canv.setLineWidth(box.pen)
    left, right = node.x - node.w / 2, node.x + node.w / 2
    bottom, top = node.y - node.h / 2, node.y + node.h / 2
    if box.shape == "ellipse":
        canv.ellipse(left, bottom, right, top, stroke=1, fill=1)
    elif box.shape == "note":  # a sheet with its top right corner folded
        fold = min(6.0, node.h / 3)
        path = canv.beginPath()
        path.moveTo(left, bottom)
        for px, py in ((right, bottom), (right, top - fold), (right - fold, top), (left, top)):
            path.lineTo(px, py)
        path.close()
        canv.drawPath(path, stroke=1, fill=1)
    else:
        canv.rect(left, bottom, node.w, node.h, stroke=1, fill=1)
    name = [(text, box.font_size, True, box.text_colour) for text in box.lines[: box.strong]]
    rest = box.lines[box.strong :]
    if box.role == "step":
        detail = [(text, svg.DETAIL_FONT, False, svg.DETAIL_COLOUR) for text in rest]
    else:
        detail = [(text, box.font_size, False, box.text_colour) for text in rest]
    _text_lines(canv, name + detail, node.x, node.y)


class _Diagram(Flowable):
    """The drawing scaled to the frame; a band `top`..`bottom` of it (points from its top) once split."""

    def __init__(
        self,
        drawing: _Drawing,
        page_height: float,
        *,
        scale: float | None = None,
        top: float = 0.0,
        bottom: float | None = None,
    ) -> None:
        super().__init__()
        self.drawing, self.page_height, self.fixed_scale = drawing, page_height, scale
        self.top, self.bottom = top, drawing.height if bottom is None else bottom
        self.scale = scale or 1.0
        self.hAlign = "CENTER"

    def _scale_for(self, avail_width: float, avail_height: float) -> float:
        if self.fixed_scale is not None:
            return self.fixed_scale
        width, height = self.drawing.width, self.drawing.height
        fit_width = min(1.0, avail_width / width)
        if height * fit_width <= avail_height:
            return fit_width
        if avail_height / height >= MIN_SCALE:  # shrink to what is left of this page
            return avail_height / height
        if self.page_height / height >= MIN_SCALE:  # fits a page of its own
            return min(fit_width, self.page_height / height)
        return min(fit_width, MULTI_PAGE_SCALE)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.scale = self._scale_for(availWidth, availHeight)
        self.width = self.drawing.width * self.scale
        self.height = (self.bottom - self.top) * self.scale
        return self.width, self.height

    def split(self, availWidth: float, availheight: float) -> list[Flowable]:
        scale = self._scale_for(availWidth, availheight)
        if (self.bottom - self.top) * scale <= availheight:
            return [self]
        fresh_page = availheight >= 0.9 * self.page_height
        whole_fits_a_page = self.fixed_scale is None and self.drawing.height * scale <= self.page_height
        if not fresh_page and (whole_fits_a_page or availheight < 0.2 * self.page_height):
            return []  # start on the next page
        cut = self._cut(self.top + availheight / scale)
        return [
            _Diagram(self.drawing, self.page_height, scale=scale, top=self.top, bottom=cut),
            _Diagram(self.drawing, self.page_height, scale=scale, top=cut, bottom=self.bottom),
        ]

    def _cut(self, limit: float) -> float:
        """The lowest line at or above `limit` that crosses no node (between two ranks)."""
        d, cut = self.drawing, limit
        while True:
            across = [d.y1 - n.y - n.h / 2 for n in d.nodes if abs(d.y1 - n.y - cut) < n.h / 2]
            if not across:
                return cut
            if min(across) - 3 <= self.top + 1:
                return limit  # a node taller than the page: cut through it
            cut = min(across) - 3

    def draw(self) -> None:
        canv, d = self.canv, self.drawing
        canv.saveState()
        canv.scale(self.scale, self.scale)
        canv.translate(-d.x0, -(d.y1 - self.bottom))
        clip = canv.beginPath()
        clip.rect(d.x0, d.y1 - self.bottom, d.width, self.bottom - self.top)
        canv.clipPath(clip, stroke=0, fill=0)
        low, high = d.y1 - self.bottom - 20, d.y1 - self.top + 20  # what shows in this band (labels overhang)
        for edge in d.edges:
            ys = [y for _, y in (*edge.points, *filter(None, (edge.head, edge.label_at)))]
            if ys and min(ys) <= high and max(ys) >= low:
                _draw_edge(canv, edge)
        for node in d.nodes:
            if node.y - node.h / 2 <= high and node.y + node.h / 2 >= low:
                _draw_node(canv, node)
        canv.restoreState()


# --- text and tables ----------------------------------------------------------------------------------------


def _para(text: object, style: ParagraphStyle = _CELL) -> Paragraph:
    """A paragraph of plain text (escaped, its line breaks kept)."""
    lines = str(text or "").translate(_GLYPHS).strip().splitlines()
    return Paragraph("<br/>".join(escape("".join(filter(str.isprintable, line))) for line in lines), style)


def _line(items: Sequence[str], width: float) -> Table:
    """Short texts side by side across the width (header fields, signature lines)."""
    table = Table([[_para(item, _BODY) for item in items]], colWidths=[width / len(items)] * len(items))
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


STEP_COLUMNS = (
    ("序号", 6),
    ("环节", 16),
    ("类别", 8),
    ("办理岗位", 15),
    ("时限", 11),
    ("监督渠道", 20),
    ("依据", 24),
)
SEPARATION_COLUMNS = (("环节", 3), ("不相容环节", 3), ("说明", 4))
DISCRETION_COLUMNS = (("违规情形", 3), ("情节", 2.5), ("裁量幅度", 1.5), ("处理措施", 2.5), ("依据", 3))
CATALOG_COLUMNS = (
    ("序号", 5),
    ("权力名称", 15),
    ("类别", 8),
    ("具体内容", 32),
    ("办理主体", 14),
    ("制度依据", 26),
)


def _table(columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[object]], width: float) -> Table:
    """A grid with a header row repeated on every page; column widths in proportion to the given shares."""
    data = [[_para(head, _HEAD) for head, _ in columns], *([_para(cell) for cell in row] for row in rows)]
    total = sum(share for _, share in columns)
    table = Table(data, colWidths=[width * share / total for _, share in columns], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _meta_table(meta: Sequence[tuple[str, str]], width: float) -> Table:
    """Label–value pairs two to a row."""
    cells = [[_para(f"{label}：", _BODY), _para(value, _BODY)] for label, value in meta]
    rows = [cells[i] + (cells[i + 1] if i + 1 < len(cells) else ["", ""]) for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[width * f for f in (0.14, 0.36, 0.14, 0.36)])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _amount(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _range(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return f"{_amount(low)}至{_amount(high)}"
    if low is not None:
        return f"不低于{_amount(low)}"
    return f"不超过{_amount(high)}" if high is not None else "—"


def _flow_story(
    flow: FlowSpec,
    *,
    title: str,
    meta: Sequence[tuple[str, str]],
    markers: Mapping[str, list[StepMarker]] | None,
    frame: tuple[float, float],
) -> list[Flowable]:
    """One flowchart: title, meta, diagram, step table, separations, discretion benchmark."""
    width, height = frame
    story: list[Flowable] = [_para(title or flow.name, _TITLE)]
    if meta:
        story.append(_meta_table(meta, width))
    if flow.description:
        story.append(_para(flow.description, _NOTE))
    fg = svg.build_agraph(flow, markers=markers)
    if fg is None:
        story.append(_para("尚无环节。", _NOTE))
        return story
    drawing = lay_out(fg)
    if drawing.width * MIN_SCALE > width:
        story.append(_para("流程图过宽，无法在页面内清晰绘制；各环节见下表。", _NOTE))
    else:
        story += [Spacer(1, 6), _Diagram(drawing, height)]
    steps = [
        (
            i,
            s.name,
            kind_text(s.kind),
            s.handler,
            limit_text(s.time_limit, s.limit_unit),
            s.supervision,
            s.basis,
        )
        for i, s in enumerate(flow.steps, 1)
    ]
    story += [_para("环节一览", _HEADING), _table(STEP_COLUMNS, steps, width)]
    names = {s.code: s.name for s in reversed(flow.steps)}  # the first step of a duplicated code
    if flow.separations:
        pairs = [
            (names.get(p.first, p.first), names.get(p.second, p.second), p.note) for p in flow.separations
        ]
        story += [_para("不相容岗位（环节）", _HEADING), _table(SEPARATION_COLUMNS, pairs, width)]
    if flow.discretion:
        benchmark = [
            (d.violation, d.circumstance, _range(d.min_amount, d.max_amount), d.measure, d.basis)
            for d in flow.discretion
        ]
        story += [_para("裁量基准", _HEADING), _table(DISCRETION_COLUMNS, benchmark, width)]
    return story


# --- documents ----------------------------------------------------------------------------------------------


def _page_number(canv: Any, doc: BaseDocTemplate) -> None:
    canv.saveState()
    canv.setFont(FONT, 8)
    canv.drawCentredString(canv._pagesize[0] / 2, MARGIN / 2, f"第 {doc.page} 页")
    canv.restoreState()


def _document(
    buffer: io.BytesIO, title: str, pages: Sequence[tuple[str, tuple[float, float]]]
) -> BaseDocTemplate:
    templates = [
        PageTemplate(
            id=name,
            frames=[Frame(MARGIN, MARGIN, w - 2 * MARGIN, h - 2 * MARGIN, id=name)],
            onPage=_page_number,
            pagesize=(w, h),
        )
        for name, (w, h) in pages
    ]
    return BaseDocTemplate(
        buffer,
        pagesize=pages[0][1],
        pageTemplates=templates,
        title=title,
        author="廉防 Lianfang",
    )


def _frame(size: tuple[float, float]) -> tuple[float, float]:
    """Width and height a flowable can have in a page's frame."""
    return size[0] - 2 * MARGIN - 2 * FRAME_PADDING, size[1] - 2 * MARGIN - 2 * FRAME_PADDING


def flow_pdf(
    flow: FlowSpec,
    *,
    title: str = "",
    meta: Sequence[tuple[str, str]] = (),
    markers: Mapping[str, list[StepMarker]] | None = None,
) -> bytes:
    """An A4 PDF of one flowchart (title defaults to the flow's name; meta such as 职权名称/办理部门/时限)."""
    buffer = io.BytesIO()
    doc = _document(buffer, title or flow.name, [("portrait", A4)])
    doc.build(_flow_story(flow, title=title, meta=meta, markers=markers, frame=_frame(A4)))
    return buffer.getvalue()


def catalog_pdf(
    entries: Sequence[CatalogEntry],
    *,
    title: str,
    header: Sequence[tuple[str, str]] = (),
    footer_signatures: Sequence[str] = (),
) -> bytes:
    """The 职权目录 in the layout of 附件一 (A4 landscape), then one portrait section per flowchart."""
    buffer = io.BytesIO()
    wide = landscape(A4)
    doc = _document(buffer, title, [("landscape", wide), ("portrait", A4)])
    width = _frame(wide)[0]
    story: list[Flowable] = [_para(title, _TITLE)]
    if header:
        story.append(_line([f"{label}：{value}" for label, value in header], width))
        story.append(Spacer(1, 6))
    rows = [
        (i, e.name, f"{e.category_label}\n{e.audience_label}", e.content, e.handler, e.basis)
        for i, e in enumerate(entries, 1)
    ]
    story.append(_table(CATALOG_COLUMNS, rows, width))
    if footer_signatures:
        story += [Spacer(1, 18), _line(footer_signatures, width)]
    for i, entry in enumerate(entries, 1):
        if entry.flow is None:
            continue
        flow = entry.flow
        meta = [
            ("序号", str(i)),
            ("职权编码", entry.code),
            ("职权名称", entry.name),
            ("办理主体", entry.handler),
            ("法定时限", limit_text(flow.statutory_limit, flow.statutory_unit) or "—"),
            ("承诺时限", limit_text(flow.promised_limit, flow.promised_unit) or "—"),
        ]
        story += [NextPageTemplate("portrait"), PageBreak()]
        story += _flow_story(flow, title=flow.name, meta=meta, markers=None, frame=_frame(A4))
    doc.build(story)
    return buffer.getvalue()
