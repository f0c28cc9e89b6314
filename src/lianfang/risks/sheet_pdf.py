"""The official risk sheets as PDF: A4 landscape, ReportLab with the built-in CID font STSong-Light.

Each sheet starts on a new page: its 附件 label, title, header fields, then the table in the official columns,
the header row on every page, and the footer row (审核意见, room to write, 签字 and 日期) at its end.

Speed and page breaks. ReportLab's Paragraph wraps CJK text at about 0.5 ms a cell, and a long Table is
measured again on every page it is split over: a 5,000-row sheet took minutes. So the cells are wrapped
here (`wrap_text`: CJK line breaking, Latin words kept whole, no closing punctuation at a line start, no
opening bracket at a line end), the rows are laid out on pages here (`layout`), and each page's part of the
table is drawn as one flowable of known size (`_PageTable`: the grid as one path, the text as one text
object). The 职责 cell spans the rows of its duty group on each page (no rule across it, its text in the
middle); a group running over a page break repeats its duty on the next page. A row taller than a page
continues over pages; a duty too long to repeat on every page flows over its group's pages instead.
"""

from __future__ import annotations

import io
import math
import string
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, PageBreak, Spacer

from lianfang.powers.render_pdf import _BODY, _GLYPHS, _TITLE, FONT, _document, _frame, _line, _para

from .sheet_cells import SIGNATURE, column_shares, has_duty, sheet_rows
from .sheet_view import APPENDIX, SheetView

__all__ = ["Chunk", "Layout", "layout", "wrap_text", "write_pdf"]

PAGE = landscape(A4)
SIZE, LEADING = 8.5, 11.5  # table text
FOOTER_SIZE, FOOTER_LEADING = 10.0, 14.0  # the 审核意见 row
PAD_X, PAD_Y = 3.0, 3.0  # cell padding on each side
ROOM_LINES = 3  # empty lines left in the footer row for the written opinion
SAFETY = 2.0  # points kept free at the foot of each page against rounding

_NO_START = frozenset("，。、；：？！）》」』】〕〉”’…,.;:?!)]}%")  # never first on a line
_NO_END = frozenset("（《「『【〔〈“‘([{")  # never last on a line
_WORD = frozenset(string.ascii_letters + string.digits + ".,:;%/+_'@#&-")  # what Latin words are made of
_WIDTHS: dict[str, float] = {}  # em widths of the characters met so far


def _char_width(ch: str) -> float:
    w = _WIDTHS[ch] = pdfmetrics.stringWidth(ch, FONT, 1000) / 1000
    return w


def _width(text: str) -> float:
    """Width of `text` in em of STSong-Light."""
    get = _WIDTHS.get
    return sum([get(ch) or _char_width(ch) for ch in text])


def _in_word(ch: str) -> bool:
    return ch in _WORD or "\u00c0" <= ch <= "\u024f"


def _break(text: str, start: int, end: int) -> int:
    """Where to end the line that would fill `text[start:end]`: not inside a Latin word, no closing
    punctuation to start the next line, no opening bracket to end this one."""
    cut = end
    if text[cut] in _NO_START and cut - 1 > start and text[cut - 1] != " ":
        cut -= 1  # the character before goes down with the punctuation
    if _in_word(text[cut - 1]) and _in_word(text[cut]):
        word = cut - 1
        while word > start and _in_word(text[word - 1]):
            word -= 1
        if word > start:  # the word goes down whole, unless it fills the line by itself
            cut = word
    while cut - 1 > start and text[cut - 1] in _NO_END:
        cut -= 1
    return cut


def wrap_text(text: str, width: float, size: float = SIZE) -> list[str]:
    """`text` broken into lines no wider than `width` points at `size`; its own line breaks are kept.
    A line takes as many characters as fit (prefix sums of the character widths, then a bisection)."""
    limit = width / size + 1e-9
    get = _WIDTHS.get
    lines: list[str] = []
    if "·" in text or "•" in text:
        text = text.translate(_GLYPHS)
    for paragraph in text.split("\n"):
        sums = list(accumulate([get(ch) or _char_width(ch) for ch in paragraph], initial=0.0))
        size_, start = len(paragraph), 0
        while True:
            end = bisect_right(sums, sums[start] + limit) - 1
            if end >= size_:
                lines.append(paragraph[start:].rstrip())
                break
            cut = _break(paragraph, start, max(end, start + 1))
            lines.append(paragraph[start:cut].rstrip())
            start = cut
            while start < size_ and paragraph[start] == " ":
                start += 1  # no spaces at the start of a continued line
            if start >= size_:
                break
    while lines and not lines[-1]:
        lines.pop()
    return lines


# --- laying the rows out on pages --------------------------------------------------------------------------


@dataclass
class _Row:
    cells: list[list[str]]  # the lines of each cell (after the duty column when the sheet has one)
    lines: int  # how many lines tall (at least the longest cell; more for a filler row)
    leading: float = LEADING

    @property
    def height(self) -> float:
        return self.lines * self.leading + 2 * PAD_Y

    def cut(self, lines: int) -> tuple[_Row, _Row]:
        """The first `lines` lines, and the rest."""
        head = _Row([cell[:lines] for cell in self.cells], lines, self.leading)
        return head, _Row([cell[lines:] for cell in self.cells], self.lines - lines, self.leading)


def _row(cells: Sequence[list[str]], leading: float = LEADING) -> _Row:
    return _Row(list(cells), max(1, *(len(cell) for cell in cells)) if cells else 1, leading)


@dataclass
class Chunk:
    """One page's part of the table: rows of cell texts, their heights, and the spans of the duty cells."""

    rows: list[list[str]] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # first and last row of a duty cell
    footer: bool = False  # the last row is the footer row (one cell across the table)

    @property
    def height(self) -> float:
        return sum(self.heights)


class _Paginator:
    def __init__(self, *, first: float, page: float, duty: bool) -> None:
        self.page, self.duty = page, duty
        self.chunks: list[Chunk] = []
        self.chunk = Chunk()
        self.room = first

    def _add(self, row: _Row) -> None:
        self.chunk.rows.append(["\n".join(cell) for cell in row.cells])
        self.chunk.heights.append(row.height)
        self.room -= row.height

    def new_page(self) -> None:
        self.chunks.append(self.chunk)
        self.chunk, self.room = Chunk(), self.page

    def _place(self, row: _Row, need: float, used: float) -> _Row | None:
        """Put `row`, or as much of it as fits, on this page below the `used` points of its duty group's
        segment, whose height must reach `need`. Returns what is left: None, the rest of a row cut at the
        page's foot, or the whole row when it goes to the next page."""
        if max(used + row.height, need) <= self.room + used:
            self._add(row)
            return None
        fits = math.floor((self.room - 2 * PAD_Y) / row.leading + 1e-9)
        if (max(row.height, need) <= self.page and self.chunk.rows) or fits < 2:
            return row
        head, rest = row.cut(min(fits, row.lines - 1))
        self._add(head)
        return rest

    def group(self, duty: list[str], rows: list[_Row]) -> None:
        """The rows of one duty group: one spanning duty cell per page; `duty` is [] for the summary."""
        need = len(duty) * LEADING + 2 * PAD_Y if self.duty else 0.0
        flowing: list[str] | None = None
        if need > self.page:  # too long to repeat on every page: flows over the group's pages instead
            flowing, need = list(duty), 0.0
            missing = len(duty) - sum(row.lines for row in rows)
            if missing > 0:
                rows = [*rows, _Row([[] for _ in rows[0].cells], missing)]
        if need > self.room:
            self.new_page()
        queue = list(reversed(rows))
        start, used = len(self.chunk.rows), 0.0
        while queue:
            row = queue.pop()
            before = len(self.chunk.rows)
            left = self._place(row, need, used)
            used += sum(self.chunk.heights[before:])
            if left is not None:  # this page is full: the group goes on at the top of the next
                queue.append(left)
                self._close(start, duty, need, flowing, last=False)
                self.new_page()
                start, used = 0, 0.0
        self._close(start, duty, need, flowing, last=True)

    def _close(
        self, start: int, duty: list[str], need: float, flowing: list[str] | None, *, last: bool
    ) -> None:
        """Finish the group's segment on this page: duty text in its first row, span, enough height."""
        if not self.duty or start >= len(self.chunk.rows):
            return
        end = len(self.chunk.rows) - 1
        if flowing is None:
            shown = duty
            short = need - sum(self.chunk.heights[start:])
            if short > 0:
                self.chunk.heights[end] += short
                self.room -= short
        else:
            space = math.floor((sum(self.chunk.heights[start:]) - 2 * PAD_Y) / LEADING + 1e-9)
            take = len(flowing) if last else min(space, len(flowing))
            shown, flowing[:] = flowing[:take], flowing[take:]
        self.chunk.rows[start][0] = "\n".join(shown)
        if end > start:
            self.chunk.spans.append((start, end))

    def footer(self, row: _Row) -> None:
        """The footer row at the end of the table; on a new page, under the header row, if it does not fit."""
        while (left := self._place(row, 0.0, 0.0)) is not None:
            if left is not row:
                self.chunk.footer = True
            row = left
            self.new_page()
        self.chunk.footer = True

    def finish(self) -> list[Chunk]:
        self.chunks.append(self.chunk)
        return self.chunks


def _paginate(
    groups: Sequence[tuple[list[str], list[_Row]]], footer: _Row, *, first: float, page: float, duty: bool
) -> list[Chunk]:
    """Rows laid out on pages, one chunk a page: `first` and `page` are the heights left for table rows (under
    the header row) on the sheet's first page and on the others. Only the first chunk may be empty (a first
    row that does not fit under the title goes to the second page)."""
    paginator = _Paginator(first=first, page=page, duty=duty)
    for duty_lines, rows in groups:
        paginator.group(duty_lines, rows)
    paginator.footer(footer)
    return paginator.finish()


# --- drawing ------------------------------------------------------------------------------------------------


def _signature(width: float) -> str:
    """签字 and 日期 with room to write after each, pushed to the right of the footer row."""
    space = _width(" ")
    text = f"{SIGNATURE[0]}{' ' * round(8 / space)}{SIGNATURE[1]}{' ' * round(6 / space)}"
    return " " * max(0, int((width / FOOTER_SIZE - _width(text)) / space)) + text


def _footer_row(view: SheetView, width: float) -> _Row:
    inner = width - 2 * PAD_X
    text = f"{view.footer_label}：{view.footer_text}"
    lines = [*wrap_text(text, inner, FOOTER_SIZE), *[""] * ROOM_LINES, _signature(inner), ""]
    return _Row([lines], len(lines), FOOTER_LEADING)


def _intro(view: SheetView, width: float) -> tuple[list[Flowable], float]:
    """The label, title and header fields above the table, and the height they take."""
    story: list[Flowable] = []
    if APPENDIX.get(view.kind):
        story.append(_para(APPENDIX[view.kind], _BODY))
    story.append(_para(view.title, _TITLE))
    if view.header:
        story += [_line([f"{label}：{value}" for label, value in view.header], width), Spacer(1, 6)]
    height = 0.0
    for i, flowable in enumerate(story):
        height += flowable.wrap(width, PAGE[1])[1] + flowable.getSpaceAfter()
        if i:
            height += flowable.getSpaceBefore()
    return story, height


class _PageTable(Flowable):
    """One page's part of the table, drawn directly: the grid as one path, the text as one text object
    (ReportLab's Table starts a text object for each line of each cell: twice the time for the same page)."""

    def __init__(self, chunk: Chunk, sheet: Layout, *, duty: bool, centred: frozenset[int]) -> None:
        super().__init__()
        self.chunk, self.sheet, self.duty, self.centred = chunk, sheet, duty, centred
        self.width = sum(sheet.widths)
        self.height = sheet.header_height + chunk.height
        self.xs = list(accumulate(sheet.widths, initial=0.0))  # column edges
        heights = [sheet.header_height, *chunk.heights]
        self.tops = list(accumulate(heights, lambda y, h: y - h, initial=self.height))  # row edges
        self.body = len(chunk.rows) - chunk.footer  # rows before the footer row

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def _grid(self) -> list[tuple[float, float, float, float]]:
        """The lines: the table's outline, each row's top (not across a spanning duty cell), and the column
        rules down to the footer row."""
        xs, tops, width = self.xs, self.tops, self.width
        inside = {row for first, end in self.chunk.spans for row in range(first + 1, end + 1)}
        lines = [(0.0, y, width, y) for y in (tops[0], tops[-1])]
        lines += [(x, tops[0], x, tops[-1]) for x in (0.0, width)]
        lines += [(x, tops[0], x, tops[self.body + 1]) for x in xs[1:-1]]
        lines += [
            (xs[1] if i in inside else 0.0, tops[i + 1], width, tops[i + 1])
            for i in range(len(self.tops) - 2)
        ]
        return lines

    def draw(self) -> None:
        canv, chunk, sheet, xs, tops = self.canv, self.chunk, self.sheet, self.xs, self.tops
        canv.saveState()
        canv.setFillColor(colors.HexColor("#eeeeee"))
        canv.rect(0, tops[1], self.width, sheet.header_height, stroke=0, fill=1)
        canv.setStrokeColor(colors.HexColor("#555555"))
        canv.setLineWidth(0.5)
        canv.lines(self._grid())
        canv.setFillColor(colors.black)
        text = canv.beginText()
        text.setFont(FONT, SIZE, LEADING)
        for column, cell in enumerate(sheet.head):
            self._cell(
                text, cell, xs[column], sheet.widths[column], tops[0], tops[1], centre=True, middle=True
            )
        ends = dict(chunk.spans)  # the last row of the duty cell starting at a row
        for i, row in enumerate(chunk.rows[: self.body]):
            for column, cell in enumerate(row):
                if not cell:
                    continue
                if column == 0 and self.duty:  # the duty, in the middle of the rows it spans
                    bottom = tops[ends.get(i, i) + 2]
                    self._cell(text, cell, 0.0, sheet.widths[0], tops[i + 1], bottom, middle=True)
                    continue
                centre = column in self.centred
                self._cell(
                    text, cell, xs[column], sheet.widths[column], tops[i + 1], tops[i + 2], centre=centre
                )
        if chunk.footer:
            text.setFont(FONT, FOOTER_SIZE, FOOTER_LEADING)
            self._cell(text, chunk.rows[-1][0], 0.0, self.width, tops[-2], tops[-1], size=FOOTER_SIZE)
        canv.drawText(text)
        canv.restoreState()

    @staticmethod
    def _cell(
        text: Any,
        cell: str,
        x: float,
        width: float,
        top: float,
        bottom: float,
        *,
        centre: bool = False,
        middle: bool = False,
        size: float = SIZE,
    ) -> None:
        lines = cell.split("\n")
        leading = FOOTER_LEADING if size == FOOTER_SIZE else LEADING
        y = top - PAD_Y - size
        if middle:
            y = (top + bottom + len(lines) * leading) / 2 - size
        if not centre:
            text.setTextOrigin(x + PAD_X, y)
            for line in lines:
                text.textLine(line)
            return
        for line in lines:
            text.setTextOrigin(x + (width - _width(line) * size) / 2, y)
            text.textOut(line)
            y -= leading


@dataclass
class Layout:
    """A sheet laid out: what goes above the table on its first page, and the table one chunk a page."""

    intro: list[Flowable]
    widths: list[float]
    head: list[str]  # the header row's cells, wrapped
    header_height: float
    room: float  # the height a page has for rows under the header row (the first page has less)
    chunks: list[Chunk]


def layout(view: SheetView) -> Layout:
    width, height = _frame(PAGE)
    total = sum(column_shares(view.kind))
    widths = [width * share / total for share in column_shares(view.kind)]
    inner = [w - 2 * PAD_X for w in widths]
    head_lines = [wrap_text(title, w) for title, w in zip(view.columns, inner, strict=True)]
    header_height = max(len(lines) for lines in head_lines) * LEADING + 2 * PAD_Y
    duty = has_duty(view.kind)
    skip = 1 if duty else 0
    groups = [
        (
            wrap_text(duty_text, inner[0]) if duty else [],
            [
                _row(
                    ([[]] if duty else [])
                    + [wrap_text(text, w) for text, w in zip(cells, inner[skip:], strict=True)]
                )
                for cells in rows
            ],
        )
        for duty_text, rows in sheet_rows(view)
    ]
    intro, intro_height = _intro(view, width)
    room = height - header_height - SAFETY
    chunks = _paginate(groups, _footer_row(view, width), first=room - intro_height, page=room, duty=duty)
    head = ["\n".join(lines) for lines in head_lines]
    return Layout(intro, widths, head, header_height, room, chunks)


def _view_story(view: SheetView) -> list[Flowable]:
    sheet = layout(view)
    centred = frozenset(i for i, title in enumerate(view.columns) if title in ("风险等级", "序号"))
    story = list(sheet.intro)
    for i, chunk in enumerate(sheet.chunks):
        if i:
            story.append(PageBreak())
        if chunk.rows:
            story.append(_PageTable(chunk, sheet, duty=has_duty(view.kind), centred=centred))
    return story


def write_pdf(views: Sequence[SheetView]) -> bytes:
    """The sheets in one A4 landscape PDF, each starting on a new page, pages numbered 第 N 页."""
    if not views:
        raise ValueError("没有要导出的排查表。")
    buffer = io.BytesIO()
    doc = _document(buffer, views[0].title, [("landscape", PAGE)])
    story: list[Flowable] = []
    for i, view in enumerate(views):
        if i:
            story.append(PageBreak())
        story += _view_story(view)
    doc.build(story)
    return buffer.getvalue()
