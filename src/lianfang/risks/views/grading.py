"""Grading on the risk point's page: the live preview of the derived level (htmx), saving an assessment
(and the residual one after measures), and the leadership's decision on a pending downgrade from 高."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import ui_view

from .. import grading, selectors, services
from ..forms import GradingForm
from ..models import Assessment, AssessmentStatus
from .common import get_risk, require_view, risk_url
from .detail import detail_page, grading_forms, preview


def _residual(request: HttpRequest) -> bool:
    return request.POST.get("residual") == "1"


@login_required
@ui_view
@require_POST
def grade_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The derived level for the factors picked so far (htmx, on every change of a factor select)."""
    require_view(request)
    actor = actor_of(request)
    risk = get_risk(actor, pk)
    residual = _residual(request)
    form, _matrix = grading_forms(risk, request.POST, residual=residual)
    return render(request, "risks/_grade_preview.html", {"pv": preview(risk, form, residual=residual)})


def _field_map(form: GradingForm) -> dict[str, str]:
    return {s.key: f"factor_{s.key}" for s in form.definition.factors}


@login_required
@ui_view
@require_POST
def risk_assess(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    risk = get_risk(actor, pk)
    residual = _residual(request)
    form, _matrix = grading_forms(risk, request.POST, residual=residual)
    if form.is_valid():
        try:
            assessment = services.assess(
                actor,
                risk,
                form.factors(),
                residual=residual,
                justification=form.cleaned_data.get("justification") or "",
            )
        except ServiceError as exc:
            if isinstance(exc, NotFoundError):
                raise
            if isinstance(exc, PermissionDeniedError) or not exc.field_errors:
                form.add_error(None, exc.message)
            else:
                names = _field_map(form)
                for key, msgs in exc.field_errors.items():
                    name = names.get(key, key)
                    for message in msgs:
                        form.add_error(name if name in form.fields else None, message)
        else:
            name = grading.level_name(assessment.level)
            if assessment.status == AssessmentStatus.PENDING:
                messages.warning(
                    request, _("降为“%(level)s”的申请已提交，待领导班子批准后生效。") % {"level": name}
                )
            elif residual:
                messages.success(request, _("措施落实后的等级已评定为“%(level)s”。") % {"level": name})
            else:
                messages.success(request, _("风险等级已评定为“%(level)s”。") % {"level": name})
            return redirect(risk_url(risk, "grading"))
    fresh = get_risk(actor, pk)
    forms = {"residual_form": form} if residual else {"grade_form": form}
    return detail_page(request, actor, fresh, status=400, **forms)  # type: ignore[arg-type]


@login_required
@ui_view
@require_POST
def assessment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The leadership approves or rejects a pending downgrade from 高 (with its note)."""
    require_view(request)
    actor = actor_of(request)
    assessment = (
        Assessment.objects.select_related("risk", "matrix")
        .filter(pk=pk, risk__in=selectors.risks(actor))
        .first()
    )
    if assessment is None:
        raise NotFoundError("评定记录不存在或不在您的权限范围内")
    approve = request.POST.get("decision") == "approve"
    note = request.POST.get("note", "")
    risk = assessment.risk
    try:
        services.decide_downgrade(actor, assessment, approve=approve, note=note)
    except PermissionDeniedError as exc:
        messages.error(request, exc.message)
        return redirect(risk_url(risk, "grading"))
    except ServiceError as exc:
        if isinstance(exc, NotFoundError):
            raise
        return detail_page(
            request,
            actor,
            get_risk(actor, risk.pk),
            decision_errors={assessment.pk: [exc.message]},
            status=400,
        )
    done = _("已批准降级。") if approve else _("已不予批准降级，维持原等级。")
    messages.success(request, done)
    return redirect(risk_url(risk, "grading"))
