"""Staff pages of the portal: the internal publication (内部公示) and the feedback queue (意见征集)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from lianfang.accounts.permissions import Action, ObjectType, can, can_anywhere
from lianfang.accounts.selectors import request_actor
from lianfang.core.errors import NotFoundError, ServiceError

from .. import selectors
from ..feedback import answer_feedback, close_feedback
from ..models import FeedbackStatus, PublicationKind
from .public import _item, _unit

LEVEL_ORDER = {"high": 0, "medium": 1, "low": 2, "": 3}


@login_required
@require_GET
def internal(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = _unit(unit_code)
    actor = request_actor(request)
    try:
        pubs = list(selectors.internal(actor, unit).order_by("sort_key"))
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    powers = [p for p in pubs if p.kind == PublicationKind.POWER]
    flows = [p for p in pubs if p.kind == PublicationKind.FLOW]
    risks: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for p in sorted(
        (p for p in pubs if p.kind == PublicationKind.RISK),
        key=lambda p: (p.sort_key, LEVEL_ORDER.get(p.content.get("level", ""), 3)),
    ):
        c = p.content
        risks[c.get("department") or "单位（领导班子）"][c.get("post") or "部门/单位层面"].append(p)
    context = {
        "unit": unit,
        "powers": powers,
        "flows": flows,
        "risks": [(d, list(posts.items())) for d, posts in risks.items()],
        "staff": True,
    }
    return render(request, "portal/internal.html", context)


@login_required
@require_GET
def risk(request: HttpRequest, unit_code: str, code: str) -> HttpResponse:
    return _item(request, unit_code, PublicationKind.RISK, code)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not can_anywhere(actor, Action.VIEW, ObjectType.FEEDBACK):
        raise Http404
    status = request.GET.get("status", FeedbackStatus.OPEN)
    if status not in FeedbackStatus.values and status != "all":
        status = FeedbackStatus.OPEN
    items = list(selectors.feedback_queue(actor, "" if status == "all" else status)[:200])
    editable = {f.pk for f in items if can(actor, Action.EDIT, ObjectType.FEEDBACK, f.path)}
    context = {"items": items, "status": status, "statuses": FeedbackStatus.choices, "editable": editable}
    return render(request, "portal/queue.html", context)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    try:
        item = selectors.get_feedback(actor, pk)
        if request.POST.get("close"):
            close_feedback(actor, item)
            messages.success(request, "已关闭该意见")
        else:
            answer_feedback(
                actor, item, request.POST.get("answer", ""), public=request.POST.get("public") == "on"
            )
            messages.success(request, "答复已保存")
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("portal:queue")
