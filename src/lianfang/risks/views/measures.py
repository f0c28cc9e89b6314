"""Control measures on the risk point's page: add, edit (inline with htmx, or on its own page), remove,
pick from the measure library, and evidence files uploaded and downloaded through the actor's scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import flash_service_error, ui_view

from .. import selectors, services
from ..forms import EvidenceForm, MeasureForm, TemplatePickForm
from ..models import Measure, MeasureEvidence, MeasureTemplate, RiskPoint
from .common import Crumb, get_measure, get_risk, map_errors, may, register_crumbs, require_view, risk_url
from .detail import detail_page, measure_form

NEW_PREFIX = "new"


def edit_prefix(measure: Measure) -> str:
    return f"m{measure.pk}"


def _data(form: MeasureForm) -> services.MeasureData:
    d = form.cleaned_data
    return services.MeasureData(
        category=d["category"],
        text=d["text"],
        owner=d["owner"],
        owner_text=d["owner_text"],
        due_date=d["due_date"],
        status=d["status"],
        review_date=d["review_date"],
        template=d["template"],
    )


def _save(form: MeasureForm, save: Any) -> Measure | None:
    """Call the service; its refusals go on the form (permission and scope still propagate)."""
    try:
        result: Measure = save(_data(form))
    except ServiceError as exc:
        if isinstance(exc, PermissionDeniedError | NotFoundError):
            raise
        map_errors(form, exc.field_errors)
        if not exc.field_errors:
            form.add_error(None, exc.message)
        return None
    return result


@login_required
@ui_view
@require_POST
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    risk = get_risk(actor, pk)
    form = measure_form(actor, risk, request.POST, prefix=NEW_PREFIX)
    if form.is_valid():
        saved = _save(form, lambda data: services.add_measure(actor, risk, data))
        if saved is not None:
            messages.success(request, _("防控措施已添加。"))
            return redirect(risk_url(risk, f"measure-{saved.pk}"))
    return detail_page(request, actor, get_risk(actor, pk), new_measure_form=form, status=400)


def _edit_page(
    request: HttpRequest, actor: Actor, measure: Measure, form: MeasureForm, status: int = 200
) -> HttpResponse:
    risk: RiskPoint = measure.risk
    context = {
        "measure": measure,
        "form": form,
        "prefix": edit_prefix(measure),
        "pick_form": TemplatePickForm(prefix=f"pick{measure.pk}"),
        "risk": risk,
        "title": _("修改防控措施"),
        "crumbs": [*register_crumbs(risk.cycle), Crumb(risk.name, risk_url(risk)), Crumb(_("修改防控措施"))],
        "cancel_url": risk_url(risk, f"measure-{measure.pk}"),
    }
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        return render(request, "risks/_measure_edit.html", context)
    return render(request, "risks/measure_form.html", context, status=status)


@login_required
@ui_view
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    measure = get_measure(actor, pk)
    risk = measure.risk
    if not may(actor, Action.EDIT, risk):
        raise PermissionDenied(_("您没有修改该防控措施的权限"))
    prefix = edit_prefix(measure)
    if request.method != "POST":
        initial = {
            name: getattr(measure, name)
            for name in ("category", "text", "owner", "owner_text", "due_date", "status", "review_date")
        }
        initial["template"] = measure.template_id
        return _edit_page(request, actor, measure, measure_form(actor, risk, initial=initial, prefix=prefix))
    form = measure_form(actor, risk, request.POST, prefix=prefix)
    if form.is_valid():
        saved = _save(form, lambda data: services.update_measure(actor, measure, data))
        if saved is not None:
            messages.success(request, _("防控措施已保存。"))
            return redirect(risk_url(risk, f"measure-{measure.pk}"))
    return _edit_page(request, actor, measure, form, status=400)


@login_required
@ui_view
@require_POST
def measure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    measure = get_measure(actor, pk)
    risk = measure.risk
    try:
        services.remove_measure(actor, measure)
    except ServiceError as exc:
        flash_service_error(request, exc)
        return redirect(risk_url(risk, f"measure-{pk}"))
    messages.success(request, _("防控措施已删除。"))
    return redirect(risk_url(risk, "measures"))


@login_required
@ui_view
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    measure = get_measure(actor, pk)
    form = EvidenceForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.add_evidence(actor, measure, name=upload.name, content=upload.read())
        except ServiceError as exc:
            if isinstance(exc, PermissionDeniedError | NotFoundError):
                raise
            problems.append(exc.message)
        else:
            messages.success(request, _("佐证文件“%(name)s”已上传。") % {"name": upload.name})
            return redirect(risk_url(measure.risk, f"measure-{measure.pk}"))
    else:
        problems = [str(m) for msgs in form.errors.values() for m in msgs]
    risk = get_risk(actor, measure.risk_id)
    return detail_page(request, actor, risk, evidence_errors={measure.pk: problems}, status=400)


@login_required
@ui_view
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, only for whoever may see its risk point."""
    require_view(request)
    actor = actor_of(request)
    evidence = (
        MeasureEvidence.objects.filter(pk=pk, measure__in=selectors.measures(actor))
        .select_related("measure")
        .first()
    )
    if evidence is None:
        raise NotFoundError("佐证文件不存在或不在您的权限范围内")
    try:
        handle = evidence.file.open("rb")
    except OSError as exc:
        raise NotFoundError("佐证文件已丢失，请联系系统管理员") from exc
    response = FileResponse(handle, as_attachment=True, filename=evidence.name)
    response["X-Content-SHA256"] = evidence.sha256
    return response


@login_required
@ui_view
def template_picker(request: HttpRequest) -> HttpResponse:
    """The measure library, filtered by category (htmx); choosing an entry fills the measure form."""
    require_view(request)
    prefix = request.GET.get("prefix", NEW_PREFIX)
    if not prefix.replace("-", "").isalnum():
        prefix = NEW_PREFIX
    category = ""
    for key in request.GET:
        if key.endswith("category"):
            category = request.GET.get(key, "")
    pick = TemplatePickForm({"category": category})
    qs = MeasureTemplate.objects.filter(active=True)
    if pick.is_valid() and pick.cleaned_data["category"]:
        qs = qs.filter(category=pick.cleaned_data["category"])
    return render(
        request,
        "risks/_template_list.html",
        {"templates": list(qs.order_by("category", "id")[:200]), "prefix": prefix},
    )
