"""A flowchart as inline SVG: Graphviz `dot` lays it out (through pygraphviz), the browser draws the text.

The servers run on intranets without CJK fonts, so Graphviz cannot measure Chinese glyphs. Node sizes are
therefore computed here (a full-width character counts 1 em, anything else 0.55 em) and fixed
(`fixedsize=true`); labels are plain Graphviz labels, which the SVG renderer anchors at the middle, so the
text stays centred whatever font the reader's browser picks.

`build_agraph` is the one place a `FlowSpec` becomes a Graphviz graph; `render_pdf` lays out the same graph
and draws it with ReportLab. Diagram text is Chinese whatever the interface language, like the exports.
"""

from __future__ import annotations

import html
import logging
import os
import re
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from xml.etree import ElementTree as ET

import pygraphviz

from lianfang.core.i18n import source_text
from lianfang.core.vocabulary import LimitUnit

from .flowspec import FlowSpec, StepKind, StepSpec

__all__ = [
    "MARKER_COLOURS",
    "Box",
    "FlowGraph",
    "Link",
    "StepMarker",
    "build_agraph",
    "flow_svg",
    "limit_text",
]

logger = logging.getLogger(__name__)

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',sans-serif"
NODE_FONT = 11.0  # step names (bold) and their detail lines
DETAIL_FONT = 10.0  # what the SVG and the PDF use for the detail lines of a step
LABEL_FONT = 9.0  # transition conditions, markers, 不相容
LINE = 1.35  # line height, in font sizes
STEP_TEXT_EM = 11.0  # widest text line of a step, in em
MARKER_TEXT_EM = 10.0

MARKER_COLOURS = {"high": "#c0392b", "medium": "#e67e22", "low": "#f1c40f", "finding": "#7f8c8d"}
MARKER_NAMES = {"high": "高风险", "medium": "中风险", "low": "低风险", "finding": "分析发现"}
STEP_STROKE, STEP_FILL, DETAIL_COLOUR = "#34495e", "#ffffff", "#555555"
HIGHLIGHT_STROKE, HIGHLIGHT_FILL = "#1f6feb", "#eef4ff"
SEPARATION_COLOUR, EDGE_COLOUR = "#c0392b", "#555555"


@dataclass(frozen=True)
class StepMarker:
    """A note drawn beside a step: a risk point (level high/medium/low) or an analysis finding."""

    label: str
    level: str = "finding"


@dataclass(frozen=True)
class Box:
    """One node as drawn: a step, a 开始/结束 terminal, or a marker note. Sizes in points."""

    node: str  # Graphviz node name (internal)
    role: str  # "step" | "terminal" | "marker"
    lines: tuple[str, ...]
    width: float
    height: float
    stroke: str
    fill: str
    dom_id: str
    title: str
    strong: int = 0  # leading lines that are the name (bold)
    shape: str = "box"  # "box" | "ellipse" | "note"
    text_colour: str = "#222222"
    pen: float = 1.2
    font_size: float = NODE_FONT
    step: str = ""  # the step code, for steps and their markers
    css: str = ""


@dataclass(frozen=True)
class Link:
    """One edge as drawn: a transition, a 不相容 pair, a marker tie or a terminal arrow."""

    key: str
    role: str  # "transition" | "separation" | "marker-link" | "terminal-link"
    dom_id: str
    title: str
    lines: tuple[str, ...] = ()
    colour: str = EDGE_COLOUR
    dash: str = ""  # "" | "dashed" | "dotted"
    arrow: bool = True


@dataclass
class FlowGraph:
    graph: pygraphviz.AGraph
    boxes: dict[str, Box]  # by Graphviz node name
    links: dict[str, Link]  # by edge key


# --- text measurement -------------------------------------------------------------------------------------


def char_em(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "FWA" else 0.55


def text_em(text: str) -> float:
    return sum(char_em(ch) for ch in text)


def clean(text: object) -> str:
    """One line of user text: whitespace runs collapsed, control characters dropped."""
    words = str(text).split()
    return "".join(ch for ch in " ".join(words) if unicodedata.category(ch) != "Cc")


def wrap(text: str, max_em: float, max_lines: int = 4) -> list[str]:
    """Greedy line breaking by width (CJK breaks anywhere); an ellipsis ends text cut at `max_lines`."""
    lines: list[str] = []
    current, width = "", 0.0
    for ch in clean(text):
        w = char_em(ch)
        if current and width + w > max_em:
            head, space, word = current.rpartition(" ")
            if space and head.strip() and ch.isascii() and word.isascii() and text_em(word) < max_em / 2:
                lines.append(head.rstrip())  # carry a Latin word over whole
                current, width = word, text_em(word)
            else:
                lines.append(current.rstrip())
                current, width = "", 0.0
                if ch == " ":
                    continue
        current += ch
        width += w
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_em(last) + 1.0 > max_em:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def limit_text(value: int | None, unit: str) -> str:
    """'5个工作日', '3个自然日'; empty when there is no limit."""
    if value is None:
        return ""
    label = source_text(LimitUnit(unit).label) if unit in LimitUnit.values else clean(unit)
    return f"{value}个{label}"


def kind_text(kind: str) -> str:
    return source_text(StepKind(kind).label) if kind in StepKind.values else clean(kind)


def _gv_label(lines: tuple[str, ...] | list[str]) -> str:
    """A plain Graphviz label: escape sequences neutralised, each line ended by a centred break (which also
    keeps a label such as `<审核>` from being taken for an HTML-like label)."""
    return "".join(line.replace("\\", "\\\\") + "\\n" for line in lines)


def _token(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "_", text).strip("_")


# --- the graph ----------------------------------------------------------------------------------------------


def _box_size(
    lines: list[str], font: float, *, min_width: float, pad_x: float, pad_y: float
) -> tuple[float, float]:
    widest = max((text_em(line) for line in lines), default=0.0)
    return max(min_width, widest * font + 2 * pad_x), max(len(lines), 1) * font * LINE + 2 * pad_y


def _step_box(step: StepSpec, node: str, dom_id: str, highlighted: bool) -> Box:
    name_lines = wrap(step.name or step.code, STEP_TEXT_EM) or [clean(step.code)]
    detail = kind_text(step.kind) + (f" · {clean(step.handler)}" if clean(step.handler) else "")
    lines = [*name_lines, *wrap(detail, STEP_TEXT_EM, 2)]
    limit = limit_text(step.time_limit, step.limit_unit)
    if limit:
        lines.append(limit)
    width, height = _box_size(lines, NODE_FONT, min_width=90.0, pad_x=10.0, pad_y=6.0)
    stroke, fill = (HIGHLIGHT_STROKE, HIGHLIGHT_FILL) if highlighted else (STEP_STROKE, STEP_FILL)
    css = "step highlight" if highlighted else "step"
    title = clean(step.name) or clean(step.code)
    return Box(
        node,
        "step",
        tuple(lines),
        width,
        height,
        stroke,
        fill,
        dom_id,
        title,
        strong=len(name_lines),
        pen=2.5 if highlighted else 1.2,
        step="".join(ch for ch in step.code if unicodedata.category(ch) != "Cc"),  # kept whole, XML-safe
        css=css,
    )


def _marker_box(marker: StepMarker, node: str, dom_id: str, step: str) -> Box:
    level = marker.level if marker.level in MARKER_COLOURS else "finding"
    lines = wrap(marker.label, MARKER_TEXT_EM, 3) or ["—"]
    width, height = _box_size(lines, LABEL_FONT, min_width=40.0, pad_x=8.0, pad_y=4.0)
    colour, title = MARKER_COLOURS[level], f"{MARKER_NAMES[level]}：{clean(marker.label)}"
    return Box(
        node,
        "marker",
        tuple(lines),
        width,
        height,
        colour,
        colour,
        dom_id,
        title,
        shape="note",
        text_colour="#ffffff" if level == "high" else "#222222",
        pen=1.0,
        font_size=LABEL_FONT,
        step=step,
        css=f"marker marker-{level}",
    )


def build_agraph(
    flow: FlowSpec,
    *,
    markers: Mapping[str, list[StepMarker]] | None = None,
    highlight: set[str] | None = None,
) -> FlowGraph | None:
    """The Graphviz graph of a flow, or None when it has no step. Later duplicates of a step code are left
    out, as are transitions and separations naming an unknown step."""
    steps: dict[str, StepSpec] = {}
    for step in flow.steps:
        steps.setdefault(step.code, step)
    if not steps:
        return None
    prefix = "flow-" + (_token(flow.code) or "chart")
    graph = pygraphviz.AGraph(directed=True, strict=False, name="flow", id=prefix)
    graph.graph_attr.update(
        rankdir="TB", nodesep="0.3", ranksep="0.4", pad="0.1", fontname="sans-serif", outputorder="edgesfirst"
    )
    graph.node_attr.update(fontname="sans-serif", fixedsize="true", style="filled", fontsize=str(NODE_FONT))
    graph.edge_attr.update(fontname="sans-serif", fontsize=str(LABEL_FONT), arrowsize="0.7")
    fg = FlowGraph(graph, {}, {})

    def add_box(box: Box) -> None:
        fg.boxes[box.node] = box
        graph.add_node(
            box.node,
            label=_gv_label(box.lines),
            shape=box.shape,
            width=f"{box.width / 72:.3f}",
            height=f"{box.height / 72:.3f}",
            color=box.stroke,
            fillcolor=box.fill,
            fontcolor=box.text_colour,
            penwidth=str(box.pen),
            fontsize=str(box.font_size),
            id=box.dom_id,
            **{"class": box.css},
        )

    def add_link(tail: str, head: str, link: Link, **extra: str) -> None:
        fg.links[link.key] = link
        attrs = {"color": link.colour, "fontcolor": link.colour, "id": link.dom_id, "class": link.role}
        if link.lines:
            attrs["label"] = _gv_label(link.lines)
        if link.dash:
            attrs["style"] = link.dash
        if not link.arrow:
            attrs["dir"] = "none"
        graph.add_edge(tail, head, key=link.key, **attrs, **extra)

    node_of: dict[str, str] = {}
    used_ids: set[str] = set()
    for i, (code, step) in enumerate(steps.items()):
        node_of[code] = f"n{i}"
        dom_id = f"{prefix}-step-{_token(code)}"
        if not _token(code) or dom_id in used_ids:
            dom_id = f"{prefix}-step-{i}"
        used_ids.add(dom_id)
        add_box(_step_box(step, f"n{i}", dom_id, code in (highlight or ())))

    has_exit: set[str] = set()
    for i, t in enumerate(flow.transitions):
        if t.source not in node_of or t.target not in node_of:
            continue
        has_exit.add(t.source)
        title = clean(
            f"{steps[t.source].name} → {steps[t.target].name}" + (f"（{t.label}）" if t.label else "")
        )
        lines = tuple(wrap(t.label, MARKER_TEXT_EM, 3))
        add_link(
            node_of[t.source], node_of[t.target], Link(f"t{i}", "transition", f"{prefix}-t{i}", title, lines)
        )

    for i, (code, step) in enumerate(steps.items()):
        ends = [(f"start{i}", node_of[code], "开始")] if step.is_start else []
        ends += [] if code in has_exit else [(node_of[code], f"end{i}", "结束")]
        for tail, head, text in ends:
            node = tail if text == "开始" else head
            add_box(
                Box(
                    node,
                    "terminal",
                    (text,),
                    64.0,
                    26.0,
                    STEP_STROKE,
                    "#ecf0f1",
                    f"{prefix}-{node}",
                    text,
                    shape="ellipse",
                    css="terminal",
                )
            )
            add_link(
                tail, head, Link(f"{node}l", "terminal-link", f"{prefix}-{node}l", text, colour=STEP_STROKE)
            )

    for i, sep in enumerate(flow.separations):
        if sep.first not in node_of or sep.second not in node_of or sep.first == sep.second:
            continue
        title = f"{steps[sep.first].name} 与 {steps[sep.second].name} 不相容" + (
            f"：{sep.note}" if sep.note else ""
        )
        link = Link(
            f"x{i}",
            "separation",
            f"{prefix}-x{i}",
            clean(title),
            ("不相容",),
            SEPARATION_COLOUR,
            dash="dashed",
            arrow=False,
        )
        add_link(node_of[sep.first], node_of[sep.second], link, constraint="false")

    for code, notes in (markers or {}).items():
        if code not in node_of or not notes:
            continue
        members = [node_of[code]]  # the step and its notes side by side, each note tied to the one before
        for j, marker in enumerate(notes):
            node = f"{node_of[code]}m{j}"
            box = _marker_box(marker, node, f"{prefix}-{node}", code)
            add_box(box)
            link = Link(
                f"{node}l",
                "marker-link",
                f"{prefix}-{node}l",
                box.title,
                colour=box.stroke,
                dash="dotted",
                arrow=False,
            )
            add_link(members[-1], node, link)
            members.append(node)
        graph.add_subgraph(members, name=f"beside_{node_of[code]}", rank="same")
    return fg


# --- running Graphviz ---------------------------------------------------------------------------------------

_GRAPHVIZ_LOCK = threading.Lock()
_FONT_NOISE = re.compile(r"font|pango|glyph|too small for label", re.IGNORECASE)


@contextmanager
def graphviz_quiet() -> Iterator[None]:
    """Run Graphviz one call at a time (it is not thread-safe) with file descriptor 2 captured.

    Graphviz, pango and fontconfig write their warnings straight to the process's standard error (on a machine
    without CJK fonts, font complaints). Font warnings are dropped; anything else goes to the log. A write by
    another thread to standard error during the call ends up in the log too, rather than being lost.
    """
    with _GRAPHVIZ_LOCK:
        try:
            if sys.stderr is not None:
                sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError):  # no usable standard error: nothing to capture
            yield
            return
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                sink.seek(0)
                captured = sink.read().decode("utf-8", "replace")
    for line in captured.splitlines():
        if line.strip():
            logger.log(logging.DEBUG if _FONT_NOISE.search(line) else logging.WARNING, "Graphviz: %s", line)


# --- SVG ----------------------------------------------------------------------------------------------------


def _placeholder(name: str) -> str:
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 240 64" width="100%" preserveAspectRatio="xMidYMin meet" '
        f'role="img" class="flowchart flowchart-empty" data-width="240" data-height="64" '
        f'font-family="{FONT_FAMILY}"><title>{html.escape(clean(name))}</title>'
        '<rect x="1" y="1" width="238" height="62" rx="6" fill="#fafafa" stroke="#bbbbbb" '
        'stroke-dasharray="4,3"/><text x="120" y="37" text-anchor="middle" font-size="14" '
        'fill="#777777">尚无环节</text></svg>'
    )


def _finish(raw: bytes, fg: FlowGraph, name: str) -> str:
    """Graphviz's SVG made embeddable: no prolog or comments, fluid width, a title, data attributes."""
    root = ET.fromstring(raw)  # noqa: S314 (Graphviz's own output; no entities)
    tag = {t: f"{{{SVG_NS}}}{t}" for t in ("g", "title", "text")}
    natural = {a: (root.get(a) or "0").removesuffix("pt") for a in ("width", "height")}
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    root.attrib.update(
        {
            "width": "100%",
            "preserveAspectRatio": "xMidYMin meet",
            "role": "img",
            "class": "flowchart",
            "data-width": natural["width"],
            "data-height": natural["height"],
            "font-family": FONT_FAMILY,
        }
    )
    title = ET.Element(tag["title"])
    title.text = clean(name)
    root.insert(0, title)
    boxes = {b.dom_id: b for b in fg.boxes.values()}
    links = {lk.dom_id: lk for lk in fg.links.values()}
    for group in root.iter(tag["g"]):
        gid = group.get("id", "")
        own_title = group.find(tag["title"])
        texts = group.findall(tag["text"])
        for text in texts:
            text.attrib.pop("font-family", None)
        box, link = boxes.get(gid), links.get(gid)
        if box is not None:
            group.set("class", box.css)
            if box.step:
                group.set("data-step" if box.role == "step" else "data-for-step", box.step)
            if box.role == "step":
                for text in texts[box.strong :]:
                    text.attrib.update({"font-size": f"{DETAIL_FONT:.2f}", "fill": DETAIL_COLOUR})
                for text in texts[: box.strong]:
                    text.set("font-weight", "bold")
        elif link is not None:
            group.set("class", link.role)
        elif group.get("class") == "graph" and own_title is not None:
            group.remove(own_title)
            continue
        if own_title is not None:
            own_title.text = box.title if box else link.title if link else own_title.text
    for element in root.iter():  # plain tag names and one xmlns, rather than ElementTree's ns0: prefixes
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
        element.tail = "\n" if element.tail else None
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")


def flow_svg(
    flow: FlowSpec,
    *,
    markers: dict[str, list[StepMarker]] | None = None,
    highlight: set[str] | None = None,
) -> str:
    """The flowchart as an `<svg>` element to embed in a page (steps: `g.step[data-step=CODE]`)."""
    fg = build_agraph(flow, markers=markers, highlight=highlight)
    if fg is None:
        return _placeholder(flow.name)
    with graphviz_quiet():
        raw = fg.graph.draw(format="svg", prog="dot")
    return _finish(raw, fg, flow.name)
