"""The comment thread widget: the threads of one target (htmx partial, or a page of its own without
JavaScript), writing a comment or a reply, resolving and reopening a thread."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import ui_view

from .. import comments_selectors as sel
from ..services import comments as services

PARTIAL = "review/comments_thread.html"


def dom_id(kind: str, pk: int) -> str:
    return f"comments-{kind}-{pk}"


def thread_context(
    actor: Actor, kind: str, pk: int, *, errors: list[str] | None = None, body: str = "", reply_to: int = 0
) -> dict[str, Any]:
    """What the widget draws: the target, its threads (each marked whether the actor may resolve it),
    the errors of a refused comment and the text typed, kept."""
    target, threads = sel.threads(actor, kind, pk)
    any_thread = services.may_resolve_any(actor, target)
    for t in threads:
        mine = actor.user_id is not None and t.root.author_id == actor.user_id
        t.may_resolve = any_thread or mine  # type: ignore[attr-defined]
    return {
        "target": target,
        "threads": threads,
        "open_count": sum(1 for t in threads if not t.resolved),
        "dom_id": dom_id(target.kind, target.pk),
        "errors": errors or [],
        "body": body,
        "reply_to": reply_to,
    }


def _respond(request: HttpRequest, kind: str, pk: int, status: int = 200, **extra: Any) -> HttpResponse:
    context = thread_context(actor_of(request), kind, pk, **extra)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, PARTIAL, context, status=status)
    return render(request, "review/comments_page.html", context, status=status)


@login_required
@ui_view
@require_GET
def comment_thread(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return _respond(request, kind, pk)


def _back(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return redirect(reverse("review:comment_thread", args=[kind, pk]))


@login_required
@ui_view
@require_POST
def comment_add(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    actor = actor_of(request)
    body = request.POST.get("body", "")
    raw_parent = request.POST.get("parent", "")
    parent = int(raw_parent) if raw_parent.isdigit() else None
    try:
        services.add_comment(actor, kind, pk, body, parent=parent)
    except (PermissionDeniedError, NotFoundError):
        raise
    except ServiceError as exc:
        problems = [m for msgs in exc.field_errors.values() for m in msgs] or [exc.message]
        # htmx swaps only 2xx answers: the form comes back with its messages and the text kept.
        status = 200 if request.htmx else 400  # type: ignore[attr-defined]
        return _respond(request, kind, pk, status=status, errors=problems, body=body, reply_to=parent or 0)
    if request.htmx:  # type: ignore[attr-defined]
        return _respond(request, kind, pk)
    messages.success(request, _("评论已发表。"))
    return _back(request, kind, pk)


def _resolution(request: HttpRequest, pk: int, resolved: bool) -> HttpResponse:
    actor = actor_of(request)
    comment = sel.get_comment(actor, pk)
    kind, target_id = comment.target_kind, comment.target_id
    try:
        if resolved:
            services.resolve_thread(actor, comment)
        else:
            services.reopen_thread(actor, comment)
    except (PermissionDeniedError, NotFoundError):
        raise
    except ServiceError as exc:
        if request.htmx:  # type: ignore[attr-defined]
            return _respond(request, kind, target_id, errors=[exc.message])
        messages.error(request, exc.message)
        return _back(request, kind, target_id)
    if request.htmx:  # type: ignore[attr-defined]
        return _respond(request, kind, target_id)
    messages.success(request, _("讨论已标记为解决。") if resolved else _("讨论已重新打开。"))
    return _back(request, kind, target_id)


@login_required
@ui_view
@require_POST
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _resolution(request, pk, True)


@login_required
@ui_view
@require_POST
def comment_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _resolution(request, pk, False)
