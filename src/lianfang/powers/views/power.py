"""One power: its page (bases, posts, flow diagram, review history and buttons, changes since last year),
the create/edit form with its bases rows, and deleting a draft entered by mistake."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action, ObjectType
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import flash_service_error, ui_view
from lianfang.cycles import selectors as cycle_selectors
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department

from .. import compare, selectors, services
from ..forms import BasisForm, BasisFormSet, PowerForm, PowerPostsForm, ReviewForm
from ..models import Power
from . import diagram
from .common import (
    Crumb,
    catalog_crumbs,
    editable,
    int_param,
    map_errors,
    may,
    not_editable,
    place_choices,
    power_url,
    unit_posts,
)
from .review import review_buttons, review_post


def _get_power(actor: Actor, pk: int) -> Power:
    power = selectors.with_details(selectors.powers(actor).filter(pk=pk)).first()
    if power is None:
        raise NotFoundError("职权不存在或不在您的权限范围内")
    return power


def _detail(request: HttpRequest, actor: Actor, power: Power, review_form: ReviewForm | None = None) -> Any:
    flow = selectors.flows(actor).filter(pk=power.flow_id).first() if power.flow_id else None
    return render(
        request,
        "powers/power_detail.html",
        {
            "power": power,
            "crumbs": catalog_crumbs(power.cycle),
            "flow": flow,
            "flow_hidden": power.flow_id is not None and flow is None,
            "svg": diagram.svg(selectors.flow_spec(flow)) if flow else "",
            "reviews": power.reviews.order_by("at", "id"),
            "review_buttons": review_buttons(actor, power),
            "review_form": review_form or ReviewForm(),
            "changes": compare.power_changes(power),
            "may_edit": editable(power) and may(actor, Action.EDIT, power),
            "may_delete": editable(power) and may(actor, Action.RETIRE, power),
        },
    )


@login_required
@ui_view
def power_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    response: HttpResponse = _detail(request, actor, _get_power(actor, pk))
    return response


@login_required
@ui_view
@require_POST
def power_review(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    power = _get_power(actor, pk)
    return review_post(
        request, actor, power, power_url(power), lambda form: _detail(request, actor, power, form)
    )


def _department(request: HttpRequest, departments: Any) -> Department | None:
    """The department the form is drawn for (posted, asked for, or none), among the allowed ones."""
    dept_id = int_param(request, "department")
    if dept_id is None:
        return None
    found: Department | None = departments.filter(pk=dept_id).first()
    return found


def _power_page(
    request: HttpRequest,
    actor: Actor,
    cycle: Cycle,
    *,
    power: Power | None,
    initial: dict[str, Any],
    bases: list[dict[str, str]],
) -> HttpResponse:
    departments, unit_level = place_choices(actor, cycle.unit, ObjectType.POWER)
    if power is not None and power.department is not None:
        # The current department stays selectable; moving elsewhere needs the right there (service check).
        departments = (departments | Department.objects.filter(pk=power.department.pk)).distinct()
    if not departments.exists() and not unit_level:
        raise PermissionDenied(_("您没有在此新增职权的权限"))
    posted = request.method == "POST"
    dept = _department(request, departments) if posted else initial.get("department")
    flows = selectors.flows(actor).filter(cycle=cycle).order_by("code")
    form = PowerForm(
        request.POST if posted else None,
        initial=initial,
        departments=departments,
        unit_level=unit_level,
        posts=unit_posts(actor, cycle.unit, dept),
        flows=flows,
        posts_url=f"{reverse('powers:power_posts_field')}?cycle={cycle.pk}",
    )
    formset = BasisFormSet(request.POST if posted else None, initial=bases, prefix="bases")
    if posted and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        data = services.PowerData(
            code=d["code"],
            name=d["name"],
            content=d["content"],
            category=d["category"],
            audience=d["audience"],
            department=d["department"],
            handler_text=d["handler_text"],
            posts=list(d["posts"]),
            bases=[(f.cleaned_data.get("document", ""), f.cleaned_data.get("article", "")) for f in formset],
            disposition=d["disposition"],
            disposition_reason=d["disposition_reason"],
            is_secret=d["is_secret"],
            flow=d["flow"],
            sort_order=d["sort_order"] or 0,
        )
        try:
            saved = (
                services.create_power(actor, cycle, data)
                if power is None
                else services.update_power(actor, power, data)
            )
        except ServiceError as exc:
            if isinstance(exc, PermissionDeniedError | NotFoundError):
                raise
            map_errors(form, exc.field_errors, skip=("bases",))
            if not exc.field_errors:
                form.add_error(None, exc.message)
            for message in exc.field_errors.get("bases", []):
                formset.non_form_errors().append(message)
        else:
            done = _("职权“%(name)s”已保存。") if power else _("职权“%(name)s”已登记。")
            messages.success(request, done % {"name": saved.name})
            return redirect(power_url(saved))
    title = _("修改职权") if power else _("新增职权")
    crumbs = catalog_crumbs(cycle)
    if power is not None:
        crumbs.append(Crumb(power.name, power_url(power)))
    return render(
        request,
        "powers/power_form.html",
        {
            "form": form,
            "formset": formset,
            "title": title,
            "crumbs": [*crumbs, Crumb(title)],
            "cycle": cycle,
            "cancel_url": power_url(power) if power else f"{reverse('powers:catalog')}?cycle={cycle.pk}",
        },
        status=400 if posted else 200,
    )


@login_required
@ui_view
def power_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    cycle = cycle_selectors.get_cycle(actor, int_param(request, "cycle") or 0)
    departments, _unit_level = place_choices(actor, cycle.unit, ObjectType.POWER)
    initial: dict[str, Any] = {"department": _department(request, departments)}
    return _power_page(request, actor, cycle, power=None, initial=initial, bases=[])


@login_required
@ui_view
def power_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    power = _get_power(actor, pk)
    if not may(actor, Action.EDIT, power):
        raise PermissionDenied(_("您没有修改该职权的权限"))
    if not editable(power):
        return not_editable(request, power, power_url(power))
    names = (
        "code",
        "name",
        "content",
        "department",
        "category",
        "audience",
        "handler_text",
        "disposition",
        "disposition_reason",
        "is_secret",
        "flow",
        "sort_order",
    )
    initial = {name: getattr(power, name) for name in names}
    initial["posts"] = list(power.posts.all())
    bases = [{"document": b.document, "article": b.article} for b in power.bases.all()]
    return _power_page(request, actor, power.cycle, power=power, initial=initial, bases=bases)


@login_required
@ui_view
@require_POST
def power_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    power = _get_power(actor, pk)
    try:
        services.delete_draft_power(actor, power)
    except ServiceError as exc:
        flash_service_error(request, exc)
        return redirect(power_url(power))
    messages.success(request, _("职权“%(name)s”已删除。") % {"name": power.name})
    return redirect(f"{reverse('powers:catalog')}?cycle={power.cycle_id}")


@login_required
@ui_view
def power_posts_field(request: HttpRequest) -> HttpResponse:
    """The posts checkboxes for the department just chosen on the power form (htmx)."""
    actor = actor_of(request)
    cycle = cycle_selectors.get_cycle(actor, int_param(request, "cycle") or 0)
    departments, _unit_level = place_choices(actor, cycle.unit, ObjectType.POWER)
    dept = _department(request, departments)
    form = PowerPostsForm(posts=unit_posts(actor, cycle.unit, dept))
    return render(request, "powers/_posts_field.html", {"field": form["posts"]})


@login_required
@ui_view
def power_basis_row(request: HttpRequest) -> HttpResponse:
    """One more empty basis row for the power form (htmx), and the formset's new row count."""
    total = int_param(request, "bases-TOTAL_FORMS") or 0
    total = max(0, min(total, 49))
    row = BasisForm(prefix=f"bases-{total}")
    return render(request, "powers/_basis_row.html", {"row": row, "total": total + 1})
