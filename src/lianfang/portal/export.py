"""The public download of a unit's published external catalog (职权目录, 附件一 columns), from snapshots."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from lianfang.org.models import Unit

from .selectors import public

HEADERS = (
    "序号",
    "部门",
    "职权编码",
    "权力名称",
    "职权类别",
    "具体内容",
    "办理主体",
    "制度依据",
    "承诺时限",
    "版本",
)
WIDTHS = (6, 16, 12, 28, 14, 48, 20, 40, 12, 8)


def catalog_xlsx(unit: Unit) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "职权目录"
    sheet.append([f"{unit.name}职权目录（对外公示）"])
    sheet.append(list(HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    pubs = public().filter(unit=unit, kind="power").order_by("sort_key")
    for n, pub in enumerate(pubs, start=1):
        c = pub.content
        bases = "\n".join(f"{b['document']}{b['article']}" for b in c.get("bases", []))
        promised = (c.get("promised") or {}).get("text", "")
        texts = [c["department"], c["code"], c["name"], c["category"], c["content"], c["handler"], bases]
        sheet.append([n, *texts, promised, pub.version])
    for i, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
