"""Events as CSV (docs/formats/events.md): a header row naming the columns, then one event per row.

Files may be UTF-8 (with or without BOM) or GBK (Excel's "CSV" on Chinese Windows). Unknown columns, a
missing required column or an unreadable file refuse the whole file; a bad row is rejected on its own with its
line number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from lianfang.core.errors import ServiceError

from ..services.intake import EventIn, Rejection
from .fields import COLUMNS, REQUIRED, event_text, parse_event


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ServiceError("文件编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV 文件", field="file")


def read_csv(data: bytes | str) -> list[EventIn | Rejection]:
    """Every data row as an event, or as its rejection ("第N行：…", N counting the header as line 1)."""
    content = decode(data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(content, newline=""))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise ServiceError("CSV 文件为空或缺少表头行", field="file")
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h not in COLUMNS]
    if unknown:
        raise ServiceError(
            f"CSV 表头含有未知的列：{'、'.join(unknown)}（可用的列：{', '.join(COLUMNS)}）", field="file"
        )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ServiceError(f"CSV 表头缺少必需的列：{'、'.join(missing)}", field="file")
    repeated = sorted({h for h in names if names.count(h) > 1})
    if repeated:
        raise ServiceError(f"CSV 表头中的列重复：{'、'.join(repeated)}", field="file")
    items: list[EventIn | Rejection] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        origin = f"第{line}行"
        if len(row) > len(names):
            items.append(Rejection(len(items), "", f"{origin}：列数（{len(row)}）多于表头（{len(names)}）"))
            continue
        values = dict(zip(names, row, strict=False))
        items.append(parse_event(values, index=len(items), origin=origin))
    return items


def write_csv(events: Iterable[EventIn]) -> bytes:
    """UTF-8 with a BOM (so Excel shows the Chinese), every column, in the order `read_csv` documents."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for ev in events:
        values = event_text(ev)
        writer.writerow([values[c] for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")
