"""The catalog of a cycle: the filtered list (htmx refresh of the table), the Excel export, last-year diff."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import paginate, ui_view
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.org import selectors as org_selectors
from lianfang.org.models import Status

from .. import compare, selectors
from ..catalog_xlsx import AudienceChoice, export_catalog_pdf, export_catalog_xlsx
from ..forms import CatalogFilterForm
from ..models import Audience, Power, PowerBasis
from .common import Crumb, catalog_crumbs, may_create_in, pick_cycle


def _require_view(request: HttpRequest) -> None:
    if not can_anywhere(actor_of(request), Action.VIEW, ObjectType.POWER):
        raise PermissionDenied(_("您没有查看职权目录的权限"))


@login_required
@ui_view
def catalog(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    actor = actor_of(request)
    cycle, choices = pick_cycle(request, actor)
    context: dict[str, object] = {"cycle": cycle, "cycle_choices": choices}
    if cycle is None:
        return render(request, "powers/catalog.html", context)
    departments = (
        org_selectors.departments(actor).filter(unit=cycle.unit, status=Status.ACTIVE).order_by("path")
    )
    form = CatalogFilterForm(request.GET, departments=departments)
    values = form.values()
    dept = values.get("department")
    f = selectors.CatalogFilter(
        q=(values.get("q") or "").strip(),
        category=values.get("category") or "",
        audience=values.get("audience") or "",
        status=values.get("status") or "",
        disposition=values.get("disposition") or "",
        department_id=dept.pk if dept else None,
    )
    # One query for the rows of the page (department and flow joined), one count for the paginator.
    qs = selectors.catalog(actor, cycle, f).order_by("sort_order", "code", "pk")
    context.update(
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "may_create": cycle.status == CycleStatus.OPEN and may_create_in(actor, cycle, ObjectType.POWER),
            "audiences": Audience.choices,
        }
    )
    if request.htmx and request.htmx.target == "catalog-results":  # type: ignore[attr-defined]
        return render(request, "powers/_catalog_results.html", context)
    return render(request, "powers/catalog.html", context)


@login_required
@ui_view
def catalog_export(request: HttpRequest) -> HttpResponse:
    """The catalog in the layout of 附件一, as a workbook or a PDF (all powers in scope, or what may go to
    society); the exporters check scope and record the export in the audit log."""
    _require_view(request)
    actor = actor_of(request)
    cycle, _choices = pick_cycle(request, actor)
    if cycle is None:
        raise PermissionDenied(_("还没有年度周期"))
    audience: AudienceChoice = "external" if request.GET.get("audience") == "external" else "all"
    as_pdf = request.GET.get("format") == "pdf"
    if as_pdf:
        content = export_catalog_pdf(actor, cycle, audience=audience)
        content_type, ext = "application/pdf", "pdf"
    else:
        content = export_catalog_xlsx(actor, cycle, audience=audience)
        content_type, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    response = HttpResponse(content, content_type=content_type)
    suffix = "（对外公开）" if audience == "external" else ""
    filename = f"{cycle.unit.name}{cycle.year}年度职权目录{suffix}.{ext}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _compared(qs: object) -> list[Power]:
    return list(
        qs.select_related("predecessor__department", "predecessor__flow").prefetch_related(  # type: ignore[attr-defined]
            Prefetch("bases", queryset=PowerBasis.objects.order_by("order", "id")),
            Prefetch("predecessor__bases", queryset=PowerBasis.objects.order_by("order", "id")),
        )
    )


@login_required
@ui_view
def catalog_compare(request: HttpRequest) -> HttpResponse:
    """Year over year: powers added, changed (field by field) and retired since the previous cycle."""
    _require_view(request)
    actor = actor_of(request)
    cycle, choices = pick_cycle(request, actor)
    comparison = None
    if cycle is not None:
        previous: Cycle | None = cycle.previous
        visible = _compared(selectors.catalog(actor, cycle))
        before = _compared(selectors.catalog(actor, previous)) if previous else []
        comparison = compare.compare_catalog(cycle, visible, before)
    return render(
        request,
        "powers/compare.html",
        {
            "cycle": cycle,
            "cycle_choices": choices,
            "comparison": comparison,
            "crumbs": [*catalog_crumbs(cycle), Crumb(_("与上年比较"))],
        },
    )
