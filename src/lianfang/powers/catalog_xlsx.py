"""The power catalog (职权目录) in the layout of 附件一 (seed 002): columns, the exports, reading its cells.

A sheet per department (and one, “单位层面”, for the unit's own powers):

    <单位>职权目录（<year>年度）                               ← merged title row
    部门：<name>    填表日期：<date>                           ← header fields
    序号 | 职权编码 | 权力名称 | 具体内容 | 办理主体 | 制度依据 |
        职权类别 | 对外/对内 | 清理意见 | 清理理由 | 涉密 | 流程编号        ← the table's header row
    …one row per power; 制度依据 one basis a line: 《文件》第X条
    分管校领导：__________    部门负责人：__________           ← footer signatures

The four columns of the official form (权力名称, 具体内容, 办理主体, 制度依据) are the required ones when
reading; the rest are optional. `catalog_import` reads workbooks back through the services; the helpers at
the end of this module (department of a sheet, bases, section and footer rows) are what it tolerates.
See docs/formats/catalog-xlsx.md.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, Literal

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lianfang.audit.services import record_export
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.core.i18n import source_text
from lianfang.core.importing import Choices, Column, clean_text, normalise_label
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department

from .models import Audience, Disposition, Power, PowerCategory
from .selectors import catalog, external_catalog, with_details

AudienceChoice = Literal["all", "external"]

UNIT_LEVEL = "单位层面"
FOOTER = "分管校领导：__________    部门负责人：__________"

# --- the columns ------------------------------------------------------------------------------------

INDEX = "序号"
CODE = "职权编码"
NAME = "权力名称"
CONTENT = "具体内容"
HANDLER = "办理主体"
BASES = "制度依据"
CATEGORY = "职权类别"
AUDIENCE = "对外/对内"
DISPOSITION = "清理意见"
REASON = "清理理由"
CLASSIFIED = "涉密"
FLOW = "流程编号"
DEPARTMENT = "部门"  # read only: a per-row department overriding the sheet's

COLUMNS: tuple[Column, ...] = (
    Column(INDEX, aliases=("编号", "序"), width=6),
    Column(CODE, aliases=("权力编码", "编码", "事项编码"), kind="code", width=14, field="code"),
    Column(NAME, required=True, aliases=("职权名称", "权力事项名称", "事项名称"), width=24, field="name"),
    Column(CONTENT, required=True, aliases=("职权内容", "权力内容", "内容"), width=40, field="content"),
    Column(
        HANDLER, required=True, aliases=("行使主体", "责任主体", "实施主体"), width=18, field="handler_text"
    ),
    Column(
        BASES, required=True, aliases=("实施依据", "设定依据", "法律依据", "依据"), width=36, field="bases"
    ),
    Column(
        CATEGORY,
        aliases=("权力类别", "类别", "职权类型", "权力类型"),
        kind="choice",
        width=12,
        field="category",
    ),
    Column(
        AUDIENCE, aliases=("对外对内", "对内/对外", "对内对外"), kind="choice", width=10, field="audience"
    ),
    Column(DISPOSITION, aliases=("处理意见",), kind="choice", width=10, field="disposition"),
    Column(REASON, aliases=("清理说明", "调整理由"), width=22, field="disposition_reason"),
    Column(CLASSIFIED, aliases=("是否涉密",), kind="flag", width=6, field="is_secret"),
    Column(FLOW, aliases=("流程图编号",), kind="code", width=12, field="flow"),
)
READ_COLUMNS: tuple[Column, ...] = (
    *COLUMNS,
    Column(DEPARTMENT, aliases=("所属部门", "办理部门", "责任部门"), field="department"),
)
OFFICIAL = (NAME, CONTENT, HANDLER, BASES)

CATEGORIES = Choices.of(
    "职权类别",
    PowerCategory.choices,
    {
        "许可": PowerCategory.LICENSING,
        "处罚": PowerCategory.PENALTY,
        "强制": PowerCategory.COERCION,
        "征收": PowerCategory.LEVY,
        "给付": PowerCategory.BENEFIT,
        "行政检查": PowerCategory.INSPECTION,
        "行政监管": PowerCategory.INSPECTION,
        "监管": PowerCategory.INSPECTION,
        "内部管理": PowerCategory.INTERNAL,
        "人财物管理": PowerCategory.INTERNAL,
    },
)
AUDIENCES = Choices.of("对外/对内", Audience.choices, {"外部": Audience.EXTERNAL, "内部": Audience.INTERNAL})
DISPOSITIONS = Choices.of(
    "清理意见",
    Disposition.choices,
    {
        "新增": Disposition.NEW,
        "取消": Disposition.ABOLISH,
        "修改": Disposition.ADJUST,
        "变更": Disposition.ADJUST,
    },
)


def title_of(cycle: Cycle) -> str:
    return f"{cycle.unit.name}职权目录（{cycle.year}年度）"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def basis_text(document: str, article: str) -> str:
    return f"{document}{article}"


# --- what is exported ---------------------------------------------------------------------------------


def powers_for_export(
    actor: Actor, cycle: Cycle, *, audience: AudienceChoice = "all", department: Department | None = None
) -> QuerySet[Power]:
    """The powers an export holds: what the actor may see (`selectors.catalog`); for `external`, only what
    may go to society (`selectors.external_catalog`: approved, external, not secret, in force)."""
    qs = catalog(actor, cycle)
    if audience == "external":
        qs = qs.filter(pk__in=external_catalog(cycle).values("pk"))
    elif audience != "all":
        raise ServiceError("导出范围应为 all（全部）或 external（对外公开）", field="audience")
    if department is not None:
        qs = qs.filter(department=department)
    return with_details(qs).order_by(
        F("department__sort_order").asc(nulls_last=True), "department__path", "sort_order", "code"
    )


def grouped(powers: Iterable[Power]) -> list[tuple[Department | None, list[Power]]]:
    """Powers by department in the order given; unit-level powers last."""
    groups: dict[int | None, tuple[Department | None, list[Power]]] = {}
    for power in powers:
        groups.setdefault(power.department_id, (power.department, []))[1].append(power)
    unit_level = groups.pop(None, None)
    return [*groups.values(), *([unit_level] if unit_level else [])]


def export_details(
    cycle: Cycle, fmt: str, audience: str, department: Department | None, count: int
) -> dict[str, Any]:
    return {
        "cycle": cycle.pk,
        "unit": cycle.unit.code,
        "year": cycle.year,
        "format": fmt,
        "audience": audience,
        "department": department.name if department else "",
        "count": count,
    }


def record_catalog_export(
    actor: Actor, cycle: Cycle, fmt: str, audience: str, department: Department | None, count: int
) -> None:
    with transaction.atomic():
        record_export(
            actor,
            what=f"导出{title_of(cycle)}（{fmt}，{'对外公开' if audience == 'external' else '全部'}）",
            object_type="powers.catalog",
            details=export_details(cycle, fmt, audience, department, count),
        )


# --- the xlsx writer ----------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("", name).strip("' ") or "职权目录"
    candidate, n = base[:31], 1
    while candidate.lower() in taken:
        n += 1
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _row_values(power: Power, index: int, columns: list[str]) -> list[Any]:
    values = {
        INDEX: index,
        CODE: power.code,
        NAME: power.name,
        CONTENT: power.content,
        HANDLER: power.handler_text,
        BASES: "\n".join(basis_text(b.document, b.article) for b in power.bases.all()),
        CATEGORY: source_text(PowerCategory(power.category).label),
        AUDIENCE: source_text(Audience(power.audience).label),
        DISPOSITION: source_text(Disposition(power.disposition).label),
        REASON: power.disposition_reason,
        CLASSIFIED: "是" if power.is_secret else "否",
        FLOW: power.flow.code if power.flow else "",
    }
    return [values[c] for c in columns]


def _write_sheet(
    ws: Worksheet,
    cycle: Cycle,
    department_name: str,
    powers: list[Power],
    columns: list[Column],
    today: date,
    advance: Callable[[int], None],
) -> None:
    width = len(columns)
    last = get_column_letter(width)
    ws.append([title_of(cycle)])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = _CENTER
    ws.row_dimensions[1].height = 30
    ws.append([f"部门：{department_name}    填表日期：{chinese_date(today)}"])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(vertical="center")
    ws.append([c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(3, index)
        cell.font = Font(bold=True)
        cell.alignment = _CENTER
        cell.border = _BOX
        ws.column_dimensions[get_column_letter(index)].width = column.width
    headers = [c.header for c in columns]
    for index, power in enumerate(powers, start=1):
        ws.append(_row_values(power, index, headers))
        for cell in ws[ws.max_row]:
            cell.alignment = _WRAP
            cell.border = _BOX
        advance(1)
    ws.append([])
    ws.append([FOOTER])
    ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def export_catalog_xlsx(
    actor: Actor,
    cycle: Cycle,
    *,
    audience: AudienceChoice = "all",
    department: Department | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The catalog as an .xlsx in the layout of 附件一; audited. `external` leaves out the 涉密 column."""
    powers = list(powers_for_export(actor, cycle, audience=audience, department=department))
    columns = [c for c in COLUMNS if not (audience == "external" and c.header == CLASSIFIED)]
    day = today or timezone.localdate()
    advance = progress or (lambda amount: None)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    groups = grouped(powers) or [(department, [])]
    for dept, items in groups:
        name = dept.name if dept else UNIT_LEVEL if items else ""
        ws = wb.create_sheet(sheet_name(name or "职权目录", taken))
        _write_sheet(ws, cycle, name, items, columns, day, advance)
    out = io.BytesIO()
    wb.save(out)
    record_catalog_export(actor, cycle, "xlsx", audience, department, len(powers))
    return out.getvalue()


def export_catalog_pdf(
    actor: Actor,
    cycle: Cycle,
    *,
    audience: AudienceChoice = "all",
    department: Department | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The same selection as the xlsx, printed by `render_pdf.catalog_pdf` with each power's flowchart
    (an external export never shows a secret flow); audited."""
    from .render_pdf import CatalogEntry, catalog_pdf  # reportlab is loaded only when a PDF is asked for
    from .selectors import flow_spec

    powers = list(powers_for_export(actor, cycle, audience=audience, department=department))
    advance = progress or (lambda amount: None)
    specs: dict[int, Any] = {}
    entries = []
    for power in powers:
        flow = power.flow
        if flow is not None and not (audience == "external" and flow.is_secret):
            if flow.pk not in specs:
                specs[flow.pk] = flow_spec(flow)
            spec = specs[flow.pk]
        else:
            spec = None
        entries.append(
            CatalogEntry(
                code=power.code,
                name=power.name,
                content=power.content,
                category_label=source_text(PowerCategory(power.category).label),
                handler=power.handler_text,
                basis="\n".join(basis_text(b.document, b.article) for b in power.bases.all()),
                audience_label=source_text(Audience(power.audience).label),
                flow=spec,
            )
        )
        advance(1)
    if department is not None:
        where = department.name
    else:
        names = {p.department.name if p.department else UNIT_LEVEL for p in powers}
        where = names.pop() if len(names) == 1 else f"{cycle.unit.name}（全部部门）"
    data = catalog_pdf(
        entries,
        title=title_of(cycle),
        header=[("部门", where), ("填表日期", chinese_date(today or timezone.localdate()))],
        footer_signatures=["分管校领导：__________", "部门负责人：__________"],
    )
    record_catalog_export(actor, cycle, "pdf", audience, department, len(powers))
    return data


# --- reading: what people write around the table --------------------------------------------------------

_DEPT_FIELD = re.compile(
    r"部门\s*(?:[(（]\s*盖\s*章\s*[)）])?\s*[:：]\s*(.*?)\s*"
    r"(?:(?:填表日期|填报日期|日期|部门负责人|负责人|填表人|联系人|联系电话|电话)\s*[:：].*)?$"
)
_FOOTER_START = ("分管", "部门负责人", "负责人", "审核", "填表人", "制表", "经办人", "联系人", "主要负责人")
_NOTE_START = ("注：", "注:", "说明：", "说明:", "填表说明")
_CN_DIGITS = "一二三四五六七八九十百零〇"
_NUMBERING = re.compile(
    rf"^\s*(?:[(（]\s*[{_CN_DIGITS}\d]+\s*[)）]|[{_CN_DIGITS}]+\s*[、.．]|\d+\s*[、.．)）]|"
    r"第[一二三四五六七八九十\d]+[部分类章]\s*[、.．:：]?|[①-⑳])\s*"
)
_ONLY_NUMBER = re.compile(rf"^[\s(（]*[{_CN_DIGITS}\d]+[\s)）、.．]*$")
_SECTION_WORDS: tuple[tuple[str, str], ...] = (
    ("许可", PowerCategory.LICENSING),
    ("审批", PowerCategory.LICENSING),
    ("处罚", PowerCategory.PENALTY),
    ("强制", PowerCategory.COERCION),
    ("征收", PowerCategory.LEVY),
    ("给付", PowerCategory.BENEFIT),
    ("检查", PowerCategory.INSPECTION),
    ("监管", PowerCategory.INSPECTION),
    ("监督", PowerCategory.INSPECTION),
    ("内部", PowerCategory.INTERNAL),
    ("人财物", PowerCategory.INTERNAL),
    ("其他", PowerCategory.OTHER),
    ("其它", PowerCategory.OTHER),
)


def department_field(rows: Iterable[Iterable[Any]]) -> tuple[str, int] | None:
    """The “部门：…” (or “部门（盖章）：…”) written above the table: (name, Excel row), or None when no row
    has it. The name is "" when the field was left blank."""
    for number, values in enumerate(rows, start=1):
        text = " ".join(t for t in (clean_text(v) for v in values) if t)
        match = _DEPT_FIELD.search(text)
        if match:
            return match.group(1).strip(" _").strip(), number
    return None


def is_footer(text: str) -> bool:
    """A signature or note row under the table: 分管校领导：…  部门负责人：… / 审核人 / 填表人 / 注：…"""
    text = clean_text(text)
    return text.startswith(_FOOTER_START) or text.startswith(_NOTE_START)


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", clean_text(text), count=1).strip()


def is_numbering(text: str) -> bool:
    """序号 with nothing else in it: 1 / 1. / （一） / 一、 — a pre-numbered empty row, not a section."""
    return bool(_ONLY_NUMBER.match(clean_text(text)))


def looks_like_section(text: str) -> bool:
    """A heading typed in the name column: “一、行政许可类”, “（二）内部管理事项”, “其他类”."""
    text = clean_text(text)
    return (bool(_NUMBERING.match(text)) and not is_numbering(text)) or text.endswith("类")


def section_category(text: str) -> str | None:
    """The category a section heading names (“一、内部管理类” → internal), or None."""
    words = strip_numbering(text)
    for ending in ("类事项", "事项", "类", "职权", "权力"):
        if words.endswith(ending) and len(words) > len(ending):
            words = words[: -len(ending)]
            break
    found = CATEGORIES.lookup.get(normalise_label(words))
    if found:
        return found
    return next((category for word, category in _SECTION_WORDS if word in words), None)


_ARTICLE = re.compile(r"第\s*[一二三四五六七八九十百千零〇两\d]+\s*[条款项章节]")
_BASIS_SPLIT = re.compile(r"[\n；;]+")
_BASIS_NUMBER = re.compile(r"^\s*(?:[(（]\s*\d+\s*[)）]|\d+\s*[、.．)）]|[①-⑳])\s*")


def split_bases(text: Any) -> list[tuple[str, str]]:
    """A 制度依据 cell as (document, article) pairs, one per line or per “；”:
    “《xx条例》第十二条” → ("《xx条例》", "第十二条"); “学院财务制度第五条” → ("学院财务制度", "第五条");
    text without either stays whole as the document. Leading list numbers (1. / （1） / ①) are dropped."""
    pairs: list[tuple[str, str]] = []
    for part in _BASIS_SPLIT.split(clean_text(text, multiline=True)):
        item = _BASIS_NUMBER.sub("", clean_text(part)).strip("，,。 ")
        if not item:
            continue
        document, article = item, ""
        if "》" in item:
            cut = item.rindex("》") + 1
            document, article = item[:cut], item[cut:]
        else:
            match = _ARTICLE.search(item)
            if match and match.start() > 0:
                document, article = item[: match.start()], item[match.start() :]
        pairs.append((document.strip(), article.strip(" ，,")))
    return pairs


def same_name(a: str, b: str) -> bool:
    return unicodedata.normalize("NFKC", clean_text(a)) == unicodedata.normalize("NFKC", clean_text(b))
