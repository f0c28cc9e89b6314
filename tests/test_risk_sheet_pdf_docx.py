"""The official risk sheets written to PDF (`risks.sheet_pdf`) and Word (`risks.sheet_docx`), from hand-built
sheet views (no database)."""

from __future__ import annotations

import base64
import io
import re
import zlib

import docx
import pytest
from docx.oxml.ns import qn
from reportlab.pdfbase import pdfmetrics

from lianfang.risks.sheet_docx import write_docx
from lianfang.risks.sheet_pdf import FONT, SIZE, layout, wrap_text, write_pdf
from lianfang.risks.sheet_view import COLUMNS, FOOTERS, DutyGroup, SheetKind, SheetRisk, SheetView

TEXT = "在审核报销单据时不严格把关，对不合规票据予以通过，造成资金损失"
HEADER = (("部门（盖章）", "财务处"), ("负责人", "张三"), ("填表日期", "2026年3月1日"))


def risk(i: int, *, measures: tuple[str, ...] | None = None) -> SheetRisk:
    return SheetRisk(
        code=f"CW-{i:03d}",
        name=f"报销审核把关不严（{i}）",
        manifestations=(f"{TEXT}（{i}）", "违规报销差旅费"),
        causes="制度缺陷及漏洞、监管缺失；个别人员自律意识不强",
        level="高中低"[i % 3],
        measures=measures or ("严格执行财务报销制度，实行双人复核", "定期抽查报销凭证"),
        notes="",
    )


def sheet(
    duties: int, per_duty: int, *, kind: str = SheetKind.DEPARTMENT, duty_text: str = "负责经费预算编制与执行"
) -> SheetView:
    groups = tuple(
        DutyGroup(f"{duty_text}（{d}）", tuple(risk(d * per_duty + i) for i in range(per_duty)))
        for d in range(duties)
    )
    return SheetView(
        kind=kind,
        title="青岚职业技术学院财务处工作廉政风险排查表（2026年度）",
        header=HEADER,
        groups=groups,
        footer_label=FOOTERS[kind],
    )


# --- PDF ----------------------------------------------------------------------------------------------------


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _literal(data: bytes) -> bytes:
    """A PDF literal string's bytes, its escapes undone."""
    out, i = bytearray(), 0
    while i < len(data):
        if data[i] == 0x5C:  # backslash
            octal = re.match(rb"[0-7]{1,3}", data[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8))
                i += 1 + len(octal.group())
                continue
            nxt = data[i + 1 : i + 2]
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(nxt, nxt)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def pdf_lines(pdf: bytes) -> list[str]:
    """The text drawn in STSong-Light (UCS-2 codes), one entry a drawn line, page after page."""
    lines = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        content = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        for string in re.findall(rb"/F2 [\d.]+ Tf[^(]*\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            lines.append(_literal(string).decode("utf-16-be"))
    return lines


def test_pdf_is_a4_landscape_in_the_built_in_cid_font() -> None:
    pdf = write_pdf([sheet(2, 2)])
    assert pdf.startswith(b"%PDF")
    assert b"/BaseFont /STSong-Light" in pdf and b"FontFile" not in pdf
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in pdf
    assert pages(pdf) == 1


def test_pdf_has_label_title_header_columns_cells_and_footer() -> None:
    view = sheet(2, 2)
    lines = pdf_lines(write_pdf([view]))
    assert lines[:2] == ["第 1 页", "附件二"]
    text = "".join(lines)
    assert "青岚职业技术学院财务处工作廉政风险排查表（2026年度）" in text
    assert "部门（盖章）：财务处" in lines and "负责人：张三" in lines and "填表日期：2026年3月1日" in lines
    assert lines[6:14] == [
        "部门职责",
        "廉政风险点",
        "表现形式",
        "原因分析",
        "风险等",
        "级",
        "防控措施",
        "备注",
    ]
    assert lines[14:16] == ["负责经费预算编制与执", "行（0）"]  # wrapped in its cell
    assert lines[16:20] == [
        "报销审核把关不严（0）",
        "1.在审核报销单据时不严格把关，对不合",
        "规票据予以通过，造成资金损失（0）",
        "2.违规报销差旅费",
    ]
    assert "2.定期抽查报销凭证" in lines
    assert "分管领导审核意见：" in lines
    signature = next(line for line in lines if "签字：" in line)
    assert signature.strip().startswith("签字：") and signature.rstrip().endswith("日期：")
    # each duty written once: its cell spans its two risk points
    assert text.count("负责经费预算编制与执行（0）") == 1 and text.count("负责经费预算编制与执行（1）") == 1


def test_pdf_page_count_grows_with_the_rows() -> None:
    counts = [pages(write_pdf([sheet(n, 5)])) for n in (1, 10, 40)]
    assert counts[0] == 1 and counts[0] < counts[1] < counts[2]


@pytest.mark.parametrize(("duties", "per_duty"), [(1, 200), (200, 1), (10, 20)])
def test_a_200_row_sheet_renders_with_every_row_and_the_header_on_each_page(
    duties: int, per_duty: int
) -> None:
    view = sheet(duties, per_duty)
    sheet_layout = layout(view)
    pdf = write_pdf([view])
    assert pages(pdf) == len(sheet_layout.chunks) > 10
    lines = pdf_lines(pdf)
    assert lines.count("部门职责") == pages(pdf)  # the header row on every page
    assert sum(line.startswith("报销审核把关不严") for line in lines) == 200
    assert lines.count("分管领导审核意见：") == 1


def test_a_duty_group_over_a_page_break_repeats_its_duty_and_spans_its_rows_on_each_page() -> None:
    view = sheet(1, 200)
    chunks = layout(view).chunks
    for chunk in chunks:
        body = chunk.rows[:-1] if chunk.footer else chunk.rows
        if not body:
            continue
        assert body[0][0].replace("\n", "") == "负责经费预算编制与执行（0）"
        assert all(row[0] == "" for row in body[1:])
        assert chunk.spans == ([(0, len(body) - 1)] if len(body) > 1 else [])
    assert chunks[-1].footer and chunks[-1].rows[-1][0].startswith("分管领导审核意见：")
    assert sum(len(c.rows) for c in chunks) == 200 + 1  # the rows and the footer row


def test_every_page_of_the_table_fits_its_page() -> None:
    sheet_layout = layout(sheet(30, 7))
    first, *rest = sheet_layout.chunks
    assert all(chunk.height <= sheet_layout.room for chunk in rest)
    intro = sum(f.wrap(sheet_layout.room, 1000)[1] for f in sheet_layout.intro)
    assert first.height <= sheet_layout.room - intro + 1e-6


def test_a_row_taller_than_a_page_continues_over_pages_with_nothing_lost() -> None:
    measures = tuple(f"措施{i}：{TEXT}" for i in range(1, 121))
    view = SheetView(
        kind=SheetKind.POST,
        title="个人岗位廉政风险排查表",
        header=(("姓名", "李四"), ("职务", "出纳")),
        groups=(DutyGroup("负责现金收付", (risk(1, measures=measures), risk(2))),),
        footer_label=FOOTERS[SheetKind.POST],
    )
    chunks = layout(view).chunks
    assert len(chunks) >= 3
    column = COLUMNS[SheetKind.POST].index("防控措施")
    rows = [row for chunk in chunks for row in chunk.rows[: len(chunk.rows) - chunk.footer]]
    first = rows[: [row[1] for row in rows].index("报销审核把关不严（2）")]  # the pieces of risk 1's row
    assert len(first) == len(chunks) >= 3  # one piece a page; risk 2 follows the last piece
    written = "\n".join(row[column] for row in first)
    assert [m.replace("\n", "") for m in re.split(r"\n(?=\d+\.措施)", written)] == [
        f"{i}.{text}" for i, text in enumerate(measures, 1)
    ]
    assert all(chunk.rows[0][0] == "负责现金收付" for chunk in chunks if chunk.rows and not chunk.footer)
    assert write_pdf([view]).startswith(b"%PDF")


def test_a_duty_too_long_for_a_page_flows_over_its_rows() -> None:
    duty = "负责" + "学校国有资产的采购、验收、登记、使用、处置与清查工作，" * 40
    view = sheet(1, 3, duty_text=duty)
    chunks = layout(view).chunks
    assert len(chunks) >= 2
    shown = "".join(chunk.rows[0][0] for chunk in chunks if len(chunk.rows) > chunk.footer).replace("\n", "")
    assert shown == f"{duty}（0）"
    assert write_pdf([view]).startswith(b"%PDF")


def test_a_duty_that_fits_a_page_but_not_under_the_title_starts_the_table_on_the_next_page() -> None:
    duty = "负责" + "学校国有资产管理，" * 34  # 35 lines: more than the first page has left, less than a page
    view = sheet(1, 1, duty_text=duty)
    first, second, third = layout(view).chunks
    assert first.rows == [] and second.rows[0][0].replace("\n", "") == f"{duty}（0）"
    assert third.footer and third.rows[0][0].startswith("分管领导审核意见：")
    pdf = write_pdf([view])
    assert pages(pdf) == 3
    lines = pdf_lines(pdf)
    assert lines.index("第 2 页") < lines.index("部门职责") < lines.index("第 3 页")  # page 1: the title only


def test_summary_numbers_its_rows_without_a_duty_column() -> None:
    view = sheet(3, 2, kind=SheetKind.SUMMARY)
    rows = [row for chunk in layout(view).chunks for row in chunk.rows]
    assert [row[0] for row in rows[:-1]] == ["1", "2", "3", "4", "5", "6"]
    assert rows[0][4] == "报销审核把关不严（0）" and rows[0][7] == "高"
    assert "纪委（监察处）审核意见：" in pdf_lines(write_pdf([view]))


def test_each_sheet_starts_on_a_new_page_and_pages_are_numbered() -> None:
    pdf = write_pdf([sheet(1, 1), sheet(1, 1, kind=SheetKind.POST)])
    lines = pdf_lines(pdf)
    assert pages(pdf) == 2
    assert lines.index("第 2 页") < lines.index("附件三")
    assert lines.index("附件二") < lines.index("第 2 页")


def test_an_empty_sheet_still_has_its_table_head_and_footer() -> None:
    view = SheetView(SheetKind.UNIT, "单位职权及风险排查表", (), (), FOOTERS[SheetKind.UNIT])
    lines = pdf_lines(write_pdf([view]))
    assert "单位职责" in lines and "领导班子审定意见：" in lines
    with pytest.raises(ValueError, match="没有要导出的排查表"):
        write_pdf([])


def test_wrap_text_keeps_within_the_width_and_the_line_breaking_rules() -> None:
    text = (
        "负责"
        + "学校经费预算编制，" * 6
        + "见 https://example.edu.cn/finance/rules 与 ISO27001 的规定。\n第二段"
    )
    lines = wrap_text(text, 100)
    assert all(pdfmetrics.stringWidth(line, FONT, SIZE) <= 100 + 1e-6 for line in lines)
    assert not any(line.startswith(("，", "。")) for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert lines[-1] == "第二段"
    assert any("ISO27001" in line for line in lines)  # a Latin word is not broken
    assert wrap_text("", 100) == [] and wrap_text("高", 100) == ["高"]
    # a number is not split, and brackets stay with what they enclose
    assert wrap_text("报销审核把关不严（11）", 90) == ["报销审核把关不严", "（11）"]


# --- Word ---------------------------------------------------------------------------------------------------


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def test_docx_is_landscape_a4_with_label_title_and_header_fields() -> None:
    doc = open_docx(write_docx([sheet(2, 3)]))
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert section.page_width.mm == pytest.approx(297, abs=0.01)
    assert section.page_height.mm == pytest.approx(210, abs=0.01)
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == [
        "附件二",
        "青岚职业技术学院财务处工作廉政风险排查表（2026年度）",
        "部门（盖章）：财务处\t负责人：张三\t填表日期：2026年3月1日",
    ]
    assert "第 1 页" not in texts and "PAGE" in section.footer._element.xml


def test_docx_table_has_the_official_headers_repeated_and_merged_duties() -> None:
    doc = open_docx(write_docx([sheet(2, 3)]))
    (table,) = doc.tables
    assert tuple(cell.text for cell in table.rows[0].cells) == COLUMNS[SheetKind.DEPARTMENT]
    assert "<w:tblHeader/>" in table.rows[0]._tr.xml and "tblHeader" not in table.rows[1]._tr.xml
    assert len(table.rows) == 1 + 6 + 1
    first = table.cell(1, 0)._tc
    assert table.cell(2, 0)._tc is first and table.cell(3, 0)._tc is first
    assert table.cell(4, 0)._tc is not first and table.cell(6, 0)._tc is table.cell(4, 0)._tc
    assert table.cell(1, 0).text == "负责经费预算编制与执行（0）"
    assert table.cell(4, 0).text == "负责经费预算编制与执行（1）"
    xml = table._tbl.xml
    assert xml.count('<w:vMerge w:val="restart"/>') == 2 and xml.count("<w:vMerge/>") == 4
    assert table.cell(1, 1).text == "报销审核把关不严（0）"


def test_docx_numbered_lists_are_paragraphs_in_their_cells() -> None:
    table = open_docx(write_docx([sheet(1, 1)])).tables[0]
    manifestations = table.cell(1, 2)
    assert [p.text for p in manifestations.paragraphs] == [f"1.{TEXT}（0）", "2.违规报销差旅费"]
    assert table.cell(1, 5).text == "1.严格执行财务报销制度，实行双人复核\n2.定期抽查报销凭证"
    assert table.cell(1, 4).text == "高"
    assert table.cell(1, 3).text == "制度缺陷及漏洞、监管缺失；个别人员自律意识不强"


def test_docx_footer_row_spans_the_table_with_room_and_signature() -> None:
    view = SheetView(
        SheetKind.POST,
        "个人岗位廉政风险排查表",
        (("姓名", "李四"),),
        (DutyGroup("负责现金收付", (risk(1),)),),
        FOOTERS[SheetKind.POST],
        footer_text="同意。",
    )
    table = open_docx(write_docx([view])).tables[0]
    footer = table.rows[-1]
    assert len(footer.cells) == len(COLUMNS[SheetKind.POST])  # one cell, spanning every column
    assert footer.cells[0]._tc is footer.cells[-1]._tc
    assert footer._tr.tc_lst[0].grid_span == len(COLUMNS[SheetKind.POST])
    paragraphs = [p.text for p in footer.cells[0].paragraphs]
    assert paragraphs[0] == "部门领导审核意见：同意。"
    assert paragraphs[1:4] == ["", "", ""]
    assert paragraphs[4].startswith("签字：") and "日期：" in paragraphs[4]
    # a single risk point: its duty cell is not merged
    assert "vMerge" not in table.rows[1]._tr.xml


def test_docx_east_asian_font_is_song() -> None:
    doc = open_docx(write_docx([sheet(1, 1)]))
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "宋体"
    defaults = doc.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:rFonts')}")
    assert defaults.get(qn("w:eastAsia")) == "宋体" and defaults.get(qn("w:eastAsiaTheme")) is None


def test_docx_summary_and_several_sheets_each_on_a_new_page() -> None:
    doc = open_docx(write_docx([sheet(1, 2), sheet(2, 2, kind=SheetKind.SUMMARY)]))
    assert len(doc.tables) == 2
    summary = doc.tables[1]
    assert tuple(c.text for c in summary.rows[0].cells) == COLUMNS[SheetKind.SUMMARY]
    assert [summary.cell(r, 0).text for r in range(1, 5)] == ["1", "2", "3", "4"]
    assert "vMerge" not in summary._tbl.xml
    second_title = [p for p in doc.paragraphs if p.text.endswith("（2026年度）")][1]
    assert second_title.paragraph_format.page_break_before is True
    assert summary.rows[-1].cells[0].text.startswith("纪委（监察处）审核意见：")


def test_docx_drops_control_characters_and_escapes_markup() -> None:
    view = SheetView(
        SheetKind.DEPARTMENT,
        "表\x07<一>",
        (),
        (DutyGroup("职责 & <b>", (SheetRisk("R1", "风险\x0b点", ("甲",), "", "", ("乙",)),)),),
        "分管领导审核意见",
    )
    doc = open_docx(write_docx([view]))
    assert doc.paragraphs[1].text == "表<一>"
    assert doc.tables[0].cell(1, 0).text == "职责 & <b>"
    assert doc.tables[0].cell(1, 1).text == "风险点"
    with pytest.raises(ValueError, match="没有要导出的排查表"):
        write_docx([])
