"""The register of a cycle (filtered, searched in Chinese, htmx table refresh) and the measures list."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import paginate, ui_view
from lianfang.cycles.models import CycleStatus
from lianfang.org import selectors as org_selectors
from lianfang.org.models import Status
from lianfang.powers.forms import dept_label, post_label

from .. import selectors
from ..forms import MeasureFilterForm, RegisterFilterForm
from ..models import Measure, RiskPoint
from ..vocabulary import MeasureStatus
from .common import may_create_somewhere, options, pick_cycle, require_view

ROW_FIELDS = (
    "id",
    "cycle_id",
    "unit_id",
    "subject_kind",
    "code",
    "name",
    "risk_type",
    "level",
    "residual_level",
    "status",
    "department__name",
    "post__name",
)


def measure_counts(qs: QuerySet[RiskPoint]) -> QuerySet[RiskPoint]:
    """Each row's number of measures, read in the same query as the rows (no query per row)."""
    count = (
        Measure.objects.filter(risk=OuterRef("pk"))
        .order_by()
        .values("risk")
        .annotate(n=Count("id"))
        .values("n")
    )
    return qs.annotate(measure_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)))


def register_rows(qs: QuerySet[RiskPoint]) -> QuerySet[RiskPoint]:
    """Only what the table shows: the subject's name joined, the measure count annotated. In the order of
    their 编号 (unique in a cycle and indexed with it, so a page is read without sorting the whole cycle)."""
    rows = qs.select_related(None).select_related("department", "post").only(*ROW_FIELDS)
    return measure_counts(rows).order_by("code")


@login_required
@ui_view
def register(request: HttpRequest) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    cycle, choices = pick_cycle(request, actor)
    context: dict[str, Any] = {"cycle": cycle, "cycle_choices": choices}
    if cycle is None:
        return render(request, "risks/register.html", context)
    departments = (
        org_selectors.departments(actor).filter(unit=cycle.unit, status=Status.ACTIVE).order_by("path")
    )
    posts = (
        org_selectors.posts(actor)
        .filter(department__unit=cycle.unit, status=Status.ACTIVE)
        .order_by("department__path", "name")
    )
    form = RegisterFilterForm(request.GET, departments=departments, posts=posts)
    values = form.values()
    post = values.get("post")
    f = selectors.RegisterFilter(
        q=(values.get("q") or "").strip(),
        level=values.get("level") or "",
        risk_type=values.get("risk_type") or "",
        risk_kind=values.get("risk_kind") or "",
        subject_kind=values.get("subject_kind") or "",
        status=values.get("status") or "",
        department=values.get("department"),
        post_id=post.pk if post else None,
        measure_status=values.get("measure_status") or "",
    )
    # One query for the rows of the page (subject names joined, measure counts annotated), one count.
    qs = register_rows(selectors.register(actor, cycle, f))
    context.update(
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "may_create": cycle.status == CycleStatus.OPEN and may_create_somewhere(actor, cycle),
            "department_options": options(departments, dept_label),
            "post_options": options(posts, post_label),
        }
    )
    if request.htmx and request.htmx.target == "register-results":  # type: ignore[attr-defined]
        return render(request, "risks/_register_results.html", context)
    return render(request, "risks/register.html", context)


@login_required
@ui_view
def measure_list(request: HttpRequest) -> HttpResponse:
    """Every measure of the cycle's risk points in scope: status, category, overdue, due dates, owners."""
    require_view(request)
    actor = actor_of(request)
    cycle, choices = pick_cycle(request, actor)
    context: dict[str, Any] = {"cycle": cycle, "cycle_choices": choices}
    if cycle is None:
        return render(request, "risks/measures.html", context)
    departments = (
        org_selectors.departments(actor).filter(unit=cycle.unit, status=Status.ACTIVE).order_by("path")
    )
    form = MeasureFilterForm(request.GET, departments=departments)
    values = form.values()
    today = timezone.localdate()
    qs = selectors.measures(actor).filter(risk__cycle=cycle).select_related("risk__unit", "owner__department")
    q = (values.get("q") or "").strip()
    if q:
        qs = qs.filter(text__icontains=q) | qs.filter(risk__name__icontains=q)
    if values.get("status"):
        qs = qs.filter(status=values["status"])
    if values.get("category"):
        qs = qs.filter(category=values["category"])
    if values.get("department") is not None:
        qs = qs.filter(risk__path__startswith=values["department"].path)
    if values.get("overdue"):
        qs = qs.filter(due_date__lt=today).exclude(status__in=(MeasureStatus.DONE, MeasureStatus.LAPSED))
    qs = qs.order_by(F("due_date").asc(nulls_last=True), "risk__path", "risk__code", "order", "pk")
    context.update(
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "today": today,
            "department_options": options(departments, dept_label),
        }
    )
    if request.htmx and request.htmx.target == "measure-results":  # type: ignore[attr-defined]
        return render(request, "risks/_measure_results.html", context)
    return render(request, "risks/measures.html", context)
