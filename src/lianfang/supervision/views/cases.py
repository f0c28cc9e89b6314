"""A case's page: its facts, its events in time order, its alerts and its path on the flowchart."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import ui_view

from .. import alerts_selectors, selectors
from ..models import Event
from ..render_case import badge, case_svg


@login_required
@ui_view
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.get_case(actor, pk)
    events = list(
        Event.objects.filter(case=case).select_related("step", "person").order_by("timestamp", "id")
    )
    alerts = list(alerts_selectors.alerts(actor, alerts_selectors.AlertFilters(case_id=case.pk)))
    timeline = [(badge(i), e) for i, e in enumerate(events, start=1)]
    context = {
        "case": case,
        "timeline": timeline,
        "alerts": alerts,
        "svg": case_svg(case, events, alerts),
    }
    return render(request, "supervision/case_detail.html", context)
