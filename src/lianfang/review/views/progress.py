"""Pages of the progress side of the review app: a cycle's phases (timeline, and the form of five rows for the
supervising office), the progress board, and the actor's notifications."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action, ObjectType, can, can_anywhere
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.ui import DateInput, paginate, ui_view
from lianfang.core.ui import actor as actor_of
from lianfang.cycles.models import CycleStatus
from lianfang.powers.views.common import pick_cycle

from .. import board as board_module
from .. import chain
from .. import selectors_progress as sel
from ..models import Phase
from ..services import notifications as notification_services
from ..services import phases as phase_services

# --- phases ----------------------------------------------------------------------------------------------


class PhasesForm(forms.Form):
    """Five rows, one per phase: start, end, what is asked. A row left empty removes that phase."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for value, _label in Phase.choices:
            self.fields[f"{value}_starts_on"] = forms.DateField(
                label=gettext_lazy("开始日期"), required=False, widget=DateInput()
            )
            self.fields[f"{value}_ends_on"] = forms.DateField(
                label=gettext_lazy("截止日期"), required=False, widget=DateInput()
            )
            self.fields[f"{value}_note"] = forms.CharField(
                label=gettext_lazy("工作要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "phase": value,
                "label": label,
                "starts_on": self[f"{value}_starts_on"],
                "ends_on": self[f"{value}_ends_on"],
                "note": self[f"{value}_note"],
            }
            for value, label in Phase.choices
        ]

    def phase_rows(self) -> list[phase_services.PhaseRow]:
        data = self.cleaned_data
        found: list[phase_services.PhaseRow] = []
        for value in Phase.values:
            starts, ends, note = (
                data.get(f"{value}_starts_on"),
                data.get(f"{value}_ends_on"),
                data.get(f"{value}_note"),
            )
            if starts is None and ends is None and not (note or "").strip():
                continue
            found.append((value, starts, ends, note or ""))
        return found


def _timeline(rows: list[Any]) -> list[dict[str, Any]]:
    """Each phase placed on the span of the whole cycle, as percentages of it (drawn with classes, since
    inline styles are refused by the CSP: the width is rounded to a step of 5%)."""
    if not rows:
        return []
    first = min(r.starts_on for r in rows)
    last = max(r.ends_on for r in rows)
    span = max((last - first).days, 1)
    today = timezone.localdate()
    out = []
    for r in rows:
        left = round((r.starts_on - first).days / span * 20) * 5
        width = max(5, round(((r.ends_on - r.starts_on).days + 1) / span * 20) * 5)
        state = "done" if r.ends_on < today else ("now" if r.starts_on <= today else "later")
        out.append(
            {"phase": r, "left": min(left, 95), "width": min(width, 100 - min(left, 95)), "state": state}
        )
    return out


@login_required
@ui_view
def phases_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can_anywhere(actor, Action.VIEW, ObjectType.PHASE):
        raise PermissionDenied(_("您没有查看工作阶段的权限"))
    cycle, choices = pick_cycle(request, actor)
    context: dict[str, Any] = {"cycle": cycle, "cycle_choices": choices}
    if cycle is None:
        return render(request, "review/phases.html", context)
    if not sel.may_view_phases(actor, cycle):
        raise NotFoundError("年度周期不存在或不在您的权限范围内")
    may_edit = cycle.status == CycleStatus.OPEN and can(actor, Action.EDIT, ObjectType.PHASE, cycle.unit.path)
    current = sel.phases(cycle)
    row_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not may_edit:
            raise PermissionDeniedError("您没有设置工作阶段的权限")
        form = PhasesForm(request.POST)
        if form.is_valid():
            try:
                phase_services.set_phases(actor, cycle, form.phase_rows())
            except (PermissionDeniedError, NotFoundError):
                raise
            except ServiceError as exc:
                for key, msgs in exc.field_errors.items():
                    if key in Phase.values:
                        row_errors.setdefault(key, []).extend(msgs)
                    else:
                        form.add_error(None, "；".join(msgs))
                if not exc.field_errors:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("工作阶段已保存。"))
                return redirect(reverse("review:phases") + f"?cycle={cycle.pk}")
    else:
        initial: dict[str, Any] = {}
        for p in current:
            initial.update(
                {
                    f"{p.phase}_starts_on": p.starts_on,
                    f"{p.phase}_ends_on": p.ends_on,
                    f"{p.phase}_note": p.note,
                }
            )
        form = PhasesForm(initial=initial)
    ends = {p.phase: p.ends_on for p in current}
    context.update(
        {
            "phases": current,
            "timeline": _timeline(current),
            "deadlines": [
                (d, board_module.phase_name(d.phase), board_module.stage_name(d.stage))
                for d in chain.deadlines(ends)
            ],
            "may_edit": may_edit,
            "form": form,
            "row_errors": row_errors,
            "today": timezone.localdate(),
        }
    )
    return render(request, "review/phases.html", context, status=400 if row_errors or form.errors else 200)


# --- the board -------------------------------------------------------------------------------------------


@login_required
@ui_view
def board_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can_anywhere(actor, Action.VIEW, ObjectType.RISK):
        raise PermissionDenied(_("您没有查看审核进度的权限"))
    cycle, choices = pick_cycle(request, actor)
    context: dict[str, Any] = {"cycle": cycle, "cycle_choices": choices}
    if cycle is None:
        return render(request, "review/board.html", context)
    stage = request.GET.get("stage", "")
    if stage not in dict(board_module.STAGE_FILTERS):
        stage = ""
    late_only = request.GET.get("late") == "1"
    found = board_module.build(actor, cycle, stage=stage, late_only=late_only)
    context.update(
        {
            "board": found,
            "stage": stage,
            "late_only": late_only,
            "stage_filters": board_module.STAGE_FILTERS,
            "buckets": board_module.BUCKETS,
            "deadlines": [
                (d, board_module.phase_name(d.phase), board_module.stage_name(d.stage))
                for d in found.deadlines
            ],
        }
    )
    if request.htmx and request.htmx.target == "board-results":  # type: ignore[attr-defined]
        return render(request, "review/board_results.html", context)
    return render(request, "review/board.html", context)


# --- notifications ---------------------------------------------------------------------------------------


@login_required
@ui_view
def notifications_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unread_only = request.GET.get("unread") == "1"
    qs = sel.notifications(actor.user_id)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    context = {
        "page_obj": paginate(request, qs),
        "unread_only": unread_only,
        "unread": sel.unread_count(actor.user_id),
    }
    if request.htmx and request.htmx.target == "notification-list":  # type: ignore[attr-defined]
        return render(request, "review/notifications_list.html", context)
    return render(request, "review/notifications.html", context)


@login_required
@ui_view
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    notification_services.mark_read(actor, None if request.POST.get("all") == "1" else ids)
    if request.htmx:  # type: ignore[attr-defined]
        return notifications_page(request)
    return redirect(reverse("review:notifications"))
