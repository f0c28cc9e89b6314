"""What every spreadsheet importer shares: the report, the all-or-nothing runner and cell clean-up.

An importer describes its sheets with `SheetSpec`/`Column`, reads each sheet with `read_sheet` (which finds
the header row under any title rows and resolves merged cells), turns every data row into a `Row` whose
typed getters (`text`, `code`, `date`, `flag`, `choice`, `integer`) record Chinese errors instead of raising,
calls the ordinary services through `Row.attempt` (one savepoint per row; a `ServiceError` becomes errors on
that row, its `field_errors` mapped to column headers), and runs the whole thing through `run_import`, which
rolls everything back when there is any error or when it is a dry run.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from django.db import DatabaseError, transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from lianfang.core.errors import ServiceError
from lianfang.core.i18n import source_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

T = TypeVar("T")


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportError:
    """One problem: where (sheet, Excel row number, column header) and what, in Chinese.

    `row` is None for problems with a whole sheet or file; `sheet` is "" for problems with the file.
    """

    sheet: str
    row: int | None
    column: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        if not self.sheet:
            return f"文件：{self.message}"
        where = f"工作表 {self.sheet}"
        if self.row is not None:
            where += f" 第 {self.row} 行"
        if self.column:
            where += f" [{self.column}]"
        return f"{where}：{self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[ImportError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, sheet: str, row: int | None, column: str, message: str) -> None:
        error = ImportError(sheet, row, column, message)
        if error not in self.errors:
            self.errors.append(error)

    def to_dict(self) -> dict[str, Any]:
        errors = [e.to_dict() for e in self.errors]
        return {"created": self.created, "updated": self.updated, "errors": errors}

    def summary_lines(self) -> list[str]:
        """A readable Chinese summary: the outcome, then every error on its own line."""
        if self.errors:
            what = "试运行" if self.dry_run else "导入未完成："
            lines = [f"{what}发现 {len(self.errors)} 处错误，未写入任何数据。请修改后重新导入。"]
            lines += [f"  {e}" for e in self.errors]
            return lines
        if self.dry_run:
            return [f"试运行通过：将新增 {self.created} 条，更新 {self.updated} 条（未写入任何数据）。"]
        return [f"导入完成：新增 {self.created} 条，更新 {self.updated} 条。"]


def run_import(work: Callable[[ImportReport], None], *, dry_run: bool = False) -> ImportReport:
    """Run `work` in one transaction; keep its writes only if it reported no error and this is no dry run.

    On errors the counts are reset to 0, since nothing was written; a dry run keeps them as a preview.
    """
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        work(report)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    if report.errors:
        report.created = report.updated = 0
    return report


# --- cell clean-up -------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACE_RUN = re.compile(r"[ \t\r\n\u3000\xa0]+")
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """A cell as text: full-width and non-breaking spaces trimmed, whole numbers without ".0".

    Single-line text has runs of white space collapsed, and none left between two Chinese characters
    (people pad two-character names: "王  芳"). Multi-line text keeps its line breaks.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    text = str(value).translate(_INVISIBLE).replace("\u3000", " ").replace("\xa0", " ")
    if multiline:
        lines = [_SPACE_RUN.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
        return "\n".join(lines).strip()
    return _CJK_GAP.sub("", _SPACE_RUN.sub(" ", text)).strip()


def clean_code(value: Any) -> str:
    """A code or number kept as text (工号, 单位代码, 电话): full-width letters and digits made half-width."""
    return unicodedata.normalize("NFKC", clean_text(value)).strip()


def normalise_label(value: Any) -> str:
    """Text for comparing labels and headers: NFKC, no spaces, no required-marks."""
    text = unicodedata.normalize("NFKC", clean_text(value))
    text = re.sub(r"\(必填\)|\(选填\)|[*\s]", "", text)
    return text.lower()


_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: Any) -> date | None:
    """A date from a real Excel date, an Excel serial number, or text such as 2024-01-01, 2024/1/1,
    2024.1.1, 2024年1月1日 or 20240101. Blank gives None; anything else raises ValueError (Chinese)."""
    if value is None or (isinstance(value, str) and not clean_text(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10000 <= value <= 100000:  # an Excel serial number left in a "General" cell: 1927 … 2173
            day = from_excel(value)
            if isinstance(day, datetime):
                return day.date()
        if isinstance(value, int) or value.is_integer():
            value = str(int(value))  # 20240101 typed as a number
        else:
            raise ValueError(f"日期“{value}”无法识别，请填写如 2024-01-01 的日期")
    text = unicodedata.normalize("NFKC", clean_text(value))
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if match:
        year, month, day_ = (int(g) for g in match.groups())
        try:
            return date(year, month, day_)
        except ValueError:
            raise ValueError(f"日期“{text}”不存在，请检查年月日") from None
    raise ValueError(f"日期“{text}”无法识别，请填写如 2024-01-01 的日期")


_YES = {"是", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "对", "有"}
_NO = {"否", "×", "✗", "✘", "☐", "n", "no", "false", "0", "不是", "无", "-"}


def parse_yes_no(value: Any) -> bool | None:
    """是/否, √/×, Y/N, TRUE/FALSE, 1/0. Blank gives None; anything else raises ValueError (Chinese)."""
    if isinstance(value, bool):
        return value
    text = normalise_label(value)
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"“{clean_text(value)}”应填写“是”或“否”（也可用 √ 表示是）")


@dataclass(frozen=True)
class Choices:
    """The accepted spellings of an enumerated column: labels, stored values and extra aliases."""

    title: str
    labels: tuple[str, ...]
    lookup: dict[str, str]

    @classmethod
    def of(
        cls, title: str, pairs: Iterable[tuple[str, StrOrPromise]], aliases: Mapping[str, str] | None = None
    ) -> Choices:
        # Workbooks are Chinese: the labels are the Chinese source text, not their translation.
        chinese = [(value, source_text(label)) for value, label in pairs]
        lookup: dict[str, str] = {}
        for value, label in chinese:
            lookup[normalise_label(value)] = value
            lookup[normalise_label(label)] = value
        for alias, value in (aliases or {}).items():
            lookup[normalise_label(alias)] = value
        return cls(title, tuple(label for _, label in chinese), lookup)

    def parse(self, value: Any) -> str | None:
        text = normalise_label(value)
        if not text:
            return None
        if text in self.lookup:
            return self.lookup[text]
        raise ValueError(f"“{clean_text(value)}”不是有效的{self.title}，应为：{'、'.join(self.labels)}")


# --- sheets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # text | code | date | flag | choice | int — used for the template's formats
    options: tuple[str, ...] = ()  # drop-down values in the template
    width: int = 14
    note: str = ""
    field: str = ""  # the service's field name, so its field errors land in this column


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    note: str = ""

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


class UnreadableFileError(Exception):
    """The file is not an .xlsx workbook we can open; the message is Chinese and meant for the user."""


def open_workbook(path_or_file: str | Path | IO[bytes]) -> Workbook:
    if isinstance(path_or_file, str | Path):
        path = Path(path_or_file)
        if not path.is_file():
            raise UnreadableFileError(f"找不到文件“{path}”")
        data = path.read_bytes()
    else:
        raw = path_or_file.read()
        data = raw.encode() if isinstance(raw, str) else bytes(raw)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise UnreadableFileError(
            "这是旧版 .xls 文件或已加密的文件，请在 Excel 中“另存为 .xlsx”（不设密码）后再导入"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableFileError("无法读取文件：不是有效的 Excel 工作簿（.xlsx）")
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise UnreadableFileError("无法读取文件：不是有效的 Excel 工作簿（.xlsx），或文件已损坏") from exc


def find_sheet(workbook: Workbook, spec: SheetSpec) -> Any | None:
    wanted = {normalise_label(n) for n in (spec.name, *spec.aliases)}
    for ws in workbook.worksheets:
        if normalise_label(ws.title) in wanted:
            return ws
    return None


@dataclass
class Table:
    """A sheet's data under its header row: Excel row number and {header: raw value} per non-blank row."""

    sheet: str
    header_row: int
    present: set[str]
    rows: list[tuple[int, dict[str, Any]]]
    fields: dict[str, str]  # service field name → column header


def read_sheet(ws: Any, spec: SheetSpec, report: ImportReport, scan: int = 20) -> Table | None:
    """Find the header row (the row among the first `scan` naming most of the spec's columns, merged
    cells resolved, so title rows and two-row headers are fine) and read the rows below it.

    Blank rows are skipped. Missing required columns or no header at all are reported; None is returned.
    """
    merged: dict[tuple[int, int], Any] = {}
    for rng in ws.merged_cells.ranges:
        top_left = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    merged[(r, c)] = top_left
    known = {normalise_label(name): col.header for col in spec.columns for name in (col.header, *col.aliases)}
    best: tuple[int, dict[str, int]] | None = None
    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=scan, values_only=True), start=1):
        found: dict[str, int] = {}
        for c, value in enumerate(values, start=1):
            header = known.get(normalise_label(merged.get((r, c), value)))
            if header and header not in found:
                found[header] = c
        if found and (best is None or len(found) > len(best[1])):
            best = (r, found)
    if best is None:
        report.add_error(spec.name, None, "", f"未找到表头行，表头应包括：{'、'.join(spec.headers)}")
        return None
    header_row, columns = best
    missing = [c.header for c in spec.columns if c.required and c.header not in columns]
    for header in missing:
        report.add_error(spec.name, header_row, header, f"缺少必填列“{header}”")
    if missing:
        return None
    rows: list[tuple[int, dict[str, Any]]] = []
    for r, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        own = {h: values[c - 1] if c <= len(values) else None for h, c in columns.items()}
        if all(clean_text(v) == "" for v in own.values()):
            continue  # a spacer row
        rows.append((r, {h: merged.get((r, columns[h]), v) if v is None else v for h, v in own.items()}))
    fields = {c.field: c.header for c in spec.columns if c.field}
    return Table(spec.name, header_row, set(columns), rows, fields)


# --- rows ---------------------------------------------------------------------------------------


class Row:
    """One data row. Getters return clean values and record an error (marking the row failed) on bad input."""

    def __init__(self, report: ImportReport, table: Table, number: int, values: dict[str, Any]):
        self.report, self.sheet, self.number = report, table.sheet, number
        self.values, self.present, self.fields = values, table.present, table.fields
        self.failed = False

    def has(self, header: str) -> bool:
        """Whether the sheet has this column at all (a missing column means: leave the value as it is)."""
        return header in self.present

    def error(self, column: str, message: str) -> None:
        self.failed = True
        self.report.add_error(self.sheet, self.number, column, message)

    def _required(self, header: str, blank: bool, required: bool) -> None:
        if blank and required:
            self.error(header, f"“{header}”不能为空")

    def text(
        self, header: str, *, required: bool = False, max_length: int | None = None, multiline: bool = False
    ) -> str:
        value = clean_text(self.values.get(header), multiline=multiline)
        self._required(header, not value, required)
        if max_length and len(value) > max_length:
            self.error(header, f"“{header}”不能超过 {max_length} 个字")
        return value

    def code(self, header: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = clean_code(self.values.get(header))
        self._required(header, not value, required)
        if max_length and len(value) > max_length:
            self.error(header, f"“{header}”不能超过 {max_length} 个字符")
        return value

    def _parsed(self, header: str, parse: Callable[[Any], T | None], required: bool) -> T | None:
        try:
            value = parse(self.values.get(header))
        except ValueError as exc:
            self.error(header, str(exc))
            return None
        self._required(header, value is None, required)
        return value

    def date(self, header: str, *, required: bool = False) -> date | None:
        return self._parsed(header, parse_date, required)

    def flag(self, header: str) -> bool | None:
        return self._parsed(header, parse_yes_no, False)

    def choice(self, header: str, choices: Choices, *, required: bool = False) -> str | None:
        return self._parsed(header, choices.parse, required)

    def integer(self, header: str, *, minimum: int = 0, required: bool = False) -> int | None:
        def parse(value: Any) -> int | None:
            text = clean_code(value)
            if not text:
                return None
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"“{header}”应填写整数") from None
            if not number.is_integer() or number < minimum:
                raise ValueError(f"“{header}”应填写不小于 {minimum} 的整数")
            return int(number)

        return self._parsed(header, parse, required)

    def attempt(self, work: Callable[[], T]) -> T | None:
        """Call the services for this row in a savepoint; a refusal becomes this row's errors."""
        try:
            with transaction.atomic():
                return work()
        except ServiceError as exc:
            add_service_error(self, exc)
        except DatabaseError:
            self.error("", "数据库拒绝保存此行（内容可能过长或格式不符），请检查后重试")
        return None


def add_service_error(row: Row, exc: ServiceError) -> None:
    """A service's refusal on this row: each field error under its column header, or one row error."""
    if not exc.field_errors:
        row.error("", exc.message)
    for name, messages in exc.field_errors.items():
        for message in messages:
            row.error(row.fields.get(name, ""), message)


def rows_of(report: ImportReport, table: Table | None) -> Iterator[Row]:
    if table is None:
        return
    for number, values in table.rows:
        yield Row(report, table, number, values)


def ordered_by_parent(
    items: Sequence[T], key: Callable[[T], Any], parent: Callable[[T], Any]
) -> tuple[list[T], list[T]]:
    """Order rows so that a row whose parent is another row comes after it. Returns (ordered, in a cycle)."""
    keys = {key(i) for i in items}
    done: set[Any] = set()
    ordered: list[T] = []
    pending = list(items)
    while pending:
        ready = [i for i in pending if parent(i) is None or parent(i) not in keys or parent(i) in done]
        if not ready:
            break
        ordered += ready
        done |= {key(i) for i in ready}
        pending = [i for i in pending if key(i) not in done]
    return ordered, pending


# --- templates ----------------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FORMATS = {"date": "yyyy-mm-dd", "code": "@"}


def build_template(specs: Sequence[SheetSpec], notes: Sequence[str], *, rows: int = 500) -> Workbook:
    """An empty workbook: one sheet per spec with its headers (required ones in red), text/date formats and
    drop-downs, and a first sheet “填写说明” with `notes` and each column's note."""
    wb = Workbook()
    guide = wb.active
    guide.title = "填写说明"
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 18
    guide.column_dimensions["C"].width = 80
    for line in notes:
        guide.append([line])
    guide.append([])
    guide.append(["工作表", "列", "说明"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for spec in specs:
        guide.append([spec.name, "", spec.note])
        for col in spec.columns:
            guide.append(["", col.header + ("（必填）" if col.required else ""), col.note])
    for spec in specs:
        ws = wb.create_sheet(spec.name)
        ws.append(spec.headers)
        ws.freeze_panes = "A2"
        for index, col in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            cell = ws.cell(1, index)
            cell.font = Font(bold=True, color="C00000" if col.required else "000000")
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center")
            ws.column_dimensions[letter].width = col.width
            fmt = _FORMATS.get(col.kind)
            if fmt:
                for r in range(2, rows + 2):
                    ws.cell(r, index).number_format = fmt
            if col.options:
                dv = DataValidation(type="list", formula1='"' + ",".join(col.options) + '"', allow_blank=True)
                dv.add(f"{letter}2:{letter}{rows + 1}")
                ws.add_data_validation(dv)
    return wb
