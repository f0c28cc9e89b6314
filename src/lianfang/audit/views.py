"""Views: thin, they call services and selectors.

The audit log is read by the audit administrator only (三员分立): everyone else gets 403, the system
administrator included.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action, ObjectType, prefixes
from lianfang.core.actor import Actor
from lianfang.core.i18n import source_text
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import paginate

from .forms import OBJECT_TYPES, AuditFilterForm
from .models import AuditAction, AuditEntry
from .selectors import entry_count, filter_entries, verify_chain, visible_entries
from .services import record_export

EXPORT_LIMIT = 200_000
OBJECT_TYPE_LABELS = dict(OBJECT_TYPES)


def _audit_actor(request: HttpRequest) -> tuple[Actor, list[str]]:
    actor = actor_of(request)
    paths = prefixes(actor, Action.VIEW, ObjectType.AUDIT)
    if not paths:
        raise PermissionDenied(_("只有审计管理员可以查看审计日志"))
    return actor, paths


def _filtered(
    request: HttpRequest, actor: Actor, paths: list[str]
) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    form = AuditFilterForm(request.GET or None)
    qs = visible_entries(actor, paths)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        qs = filter_entries(
            qs,
            actor_text=data["actor"].strip(),
            action=data["action"],
            object_type=data["object_type"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            text=data["q"].strip(),
        )
    elif form.is_bound:
        qs = qs.none()
    return form, qs


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    actor, paths = _audit_actor(request)
    form, qs = _filtered(request, actor, paths)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs.order_by("-seq"), per_page=50),
            "query": request.GET.urlencode(),
            "type_labels": OBJECT_TYPE_LABELS,
        },
    )


def _json(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def diff_rows(before: Any, after: Any) -> list[dict[str, Any]]:
    """Field-by-field comparison of the before and after snapshots."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        return [{"field": "", "before": _show(before), "after": _show(after), "changed": before != after}]
    before_d = before if isinstance(before, dict) else {}
    after_d = after if isinstance(after, dict) else {}
    rows = []
    for key in sorted(set(before_d) | set(after_d)):
        old, new = before_d.get(key), after_d.get(key)
        rows.append(
            {
                "field": key,
                "before": _show(old) if key in before_d else "",
                "after": _show(new) if key in after_d else "",
                "changed": (key in before_d) != (key in after_d) or old != new,
            }
        )
    return rows


@login_required
def entry_detail(request: HttpRequest, seq: int) -> HttpResponse:
    actor, paths = _audit_actor(request)
    entry = visible_entries(actor, paths).filter(seq=seq).first()
    if entry is None:
        raise Http404(_("审计记录不存在或不在您的权限范围内"))
    return render(
        request,
        "audit/detail.html",
        {
            "entry": entry,
            "rows": diff_rows(_json(entry.before), _json(entry.after)),
            "type_label": OBJECT_TYPE_LABELS.get(entry.object_type, entry.object_type),
        },
    )


@login_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    _audit_actor(request)
    result = verify_chain()
    return render(request, "audit/verify.html", {"result": result, "total": entry_count()})


HEADERS = [
    "序号",
    "时间",
    "操作人类型",
    "操作人标识",
    "操作人",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "范围",
    "变更前",
    "变更后",
    "前一哈希",
    "哈希",
]

# The export is Chinese whatever the reader's language: the untranslated labels, not get_action_display().
ACTION_LABELS = dict(AuditAction.choices)


def _export_rows(qs: QuerySet[AuditEntry]) -> Iterator[list[Any]]:
    tz = timezone.get_current_timezone()
    for e in qs.iterator(chunk_size=2000):
        yield [
            e.seq,
            e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_kind,
            e.actor_id,
            e.actor_name,
            source_text(ACTION_LABELS.get(e.action, e.action)),  # Chinese, like the headers
            e.object_type,
            e.object_id,
            e.object_repr,
            e.scope_path,
            e.before,
            e.after,
            e.prev_hash,
            e.hash,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe_cell(value: Any) -> Any:
    # Spreadsheet programs run cells that start with = + - @ as formulas: defuse them.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@login_required
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    actor, paths = _audit_actor(request)
    _form, qs = _filtered(request, actor, paths)
    qs = qs.order_by("seq")[:EXPORT_LIMIT]
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx"}:
        raise Http404(_("不支持的导出格式"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    record_export(
        actor,
        what=str(_("导出审计日志")),
        object_type="audit.export",
        details={"format": fmt, "filters": request.GET.dict()},
    )
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def stream() -> Iterator[str]:
            yield "\ufeff"  # BOM: spreadsheet programs then read the file as UTF-8
            yield writer.writerow(HEADERS)
            for row in _export_rows(qs):
                yield writer.writerow([_safe_cell(v) for v in row])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    sheet.append(HEADERS)
    for row in _export_rows(qs):
        sheet.append([_safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    xlsx["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return xlsx
