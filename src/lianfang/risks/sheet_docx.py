"""The official risk sheets as Word documents (python-docx): A4 landscape, 宋体 for Chinese text.

Each sheet starts on a new page: its 附件 label, title, header fields, then one table in the official columns
whose header row Word repeats on every page (`w:tblHeader`), the 职责 cell merged down the risk points of its
duty (`w:vMerge`, what `_Cell.merge` writes), lists numbered one item a paragraph inside their cell, and the
footer row across the table: 审核意见, room to write, 签字 and 日期.

The table rows are written as one piece of WordprocessingML and parsed once: python-docx's cell API finds a
cell by walking the whole table, which makes a 5,000-row sheet take minutes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, Twips
from docx.text.paragraph import Paragraph

from .sheet_cells import SIGNATURE, clean, column_shares, has_duty, sheet_rows
from .sheet_view import APPENDIX, SheetView

__all__ = ["write_docx"]

EAST_ASIAN_FONT = "宋体"
LATIN_FONT = "Times New Roman"
MARGIN = Mm(15)
CELL_STYLE = "Risk Sheet Cell"  # the paragraph style of the table text
_EMU_PER_TWIP = 635  # Word's table widths are in twentieths of a point (twips, dxa)
_ROOM_LINES = 3  # empty paragraphs left in the footer row for the written opinion
_GAP = "\u3000" * 8  # room to sign and date


def _fonts(doc: DocumentObject) -> None:
    """宋体 for East-Asian text (Times New Roman for Latin) in the document defaults and the Normal style,
    Chinese as the East-Asian language; a compact paragraph style for the table cells."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    r_fonts = (
        defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        if defaults is not None
        else None
    )
    if r_fonts is not None:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            r_fonts.attrib.pop(qn(attr), None)
        for attr, font in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:eastAsia", EAST_ASIAN_FONT)):
            r_fonts.set(qn(attr), font)
        lang = r_fonts.getparent().find(qn("w:lang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    cell = doc.styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(9)
    cell.paragraph_format.space_before = Pt(0)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.0


def _page_setup(doc: DocumentObject) -> int:
    """A4 landscape with page numbers 第 N 页 at the foot; returns the text width in dxa."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
    section.header_distance = section.footer_distance = Mm(7)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    footer._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )
    footer.add_run(" 页")
    return round((Mm(297) - 2 * MARGIN) / _EMU_PER_TWIP)


def _paragraphs(text: str, style: str, *, center: bool = False, bold: bool = False) -> str:
    """WordprocessingML paragraphs for a cell, one a line (at least one: a cell must end in a paragraph)."""
    jc = '<w:jc w:val="center"/>' if center else ""
    props = f'<w:pPr><w:pStyle w:val="{style}"/>{jc}</w:pPr>'
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    out = []
    for line in text.split("\n") if text else [""]:
        run = f'<w:r>{run_props}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>' if line else ""
        out.append(f"<w:p>{props}{run}</w:p>")
    return "".join(out)


def _cell(width: int, body: str, *, merge: str | None = None, middle: bool = False, extra: str = "") -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>{extra}'
    if merge is not None:
        props += '<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>"
    if middle:
        props += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"


def _rows_xml(view: SheetView, widths: list[int], style: str) -> str:
    """The table's rows: the header row (repeated on each page), the risk points, the footer row."""
    shade = '<w:shd w:val="clear" w:color="auto" w:fill="EEEEEE"/>'
    head = "".join(
        _cell(w, _paragraphs(title, style, center=True, bold=True), middle=True, extra=shade)
        for title, w in zip(view.columns, widths, strict=True)
    )
    parts = [f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{head}</w:tr>"]
    duty = has_duty(view.kind)
    level = view.columns.index("风险等级") if "风险等级" in view.columns else -1
    skip = 1 if duty else 0
    for duty_text, rows in sheet_rows(view):
        for i, cells in enumerate(rows):
            out = []
            if duty:
                merge = None if len(rows) == 1 else "restart" if i == 0 else "continue"
                text = duty_text if i == 0 else ""
                out.append(_cell(widths[0], _paragraphs(text, style), merge=merge, middle=True))
            for column, (text, w) in enumerate(zip(cells, widths[skip:], strict=True), start=skip):
                out.append(_cell(w, _paragraphs(text, style, center=column == level)))
            parts.append(f"<w:tr>{''.join(out)}</w:tr>")
    opinion = _paragraphs(f"{view.footer_label}：{clean(view.footer_text)}", style)
    room = _paragraphs("\n" * (_ROOM_LINES - 1), style)
    signature = escape(f"{SIGNATURE[0]}{_GAP}{SIGNATURE[1]}{_GAP}")
    sign = (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="right"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{signature}</w:t></w:r></w:p>'
    )
    span = f'<w:gridSpan w:val="{len(widths)}"/>'
    footer = _cell(sum(widths), opinion + room + sign + _paragraphs("", style), extra=span)
    parts.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{footer}</w:tr>")
    return "".join(parts)


def _add_view(doc: DocumentObject, view: SheetView, text_width: int, style: str, *, new_page: bool) -> None:
    first: Paragraph | None = None
    if APPENDIX.get(view.kind):
        first = doc.add_paragraph(APPENDIX[view.kind])
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(clean(view.title))
    run.bold = True
    run.font.size = Pt(16)
    if new_page:
        (first or title).paragraph_format.page_break_before = True
    if view.header:
        line = doc.add_paragraph("\t".join(f"{clean(label)}：{clean(value)}" for label, value in view.header))
        stops = line.paragraph_format.tab_stops
        for i in range(1, len(view.header)):
            stops.add_tab_stop(Twips(text_width * i // len(view.header)))
    shares = column_shares(view.kind)
    widths = [round(text_width * share / sum(shares)) for share in shares]
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.autofit = False  # fixed layout: the widths below, no reflow of a long table
    for grid_col, w in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(w)
    rows = parse_xml(f"<w:tbl {nsdecls('w')}>{_rows_xml(view, widths, style)}</w:tbl>")
    for row in list(rows):
        table._tbl.append(row)


def write_docx(views: Sequence[SheetView]) -> bytes:
    """The sheets in one Word document (.docx), each starting on a new page."""
    if not views:
        raise ValueError("没有要导出的排查表。")
    doc = Document()
    _fonts(doc)
    text_width = _page_setup(doc)
    style = doc.styles[CELL_STYLE].style_id
    for i, view in enumerate(views):
        _add_view(doc, view, text_width, style, new_page=i > 0)
    doc.core_properties.title = clean(views[0].title)
    doc.core_properties.author = "廉防 Lianfang"
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
