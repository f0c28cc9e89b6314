"""The supervising office's pages: the queue in its scope, one complaint with its attachments and record,
status changes with the reply to the filer, internal notes, and revealing the filer's identity (audited;
shown on the answer to that POST only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action, ObjectType, can, can_anywhere
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import apply_service_error, paginate, ui_view

from .. import selectors, services
from ..crypto import Identity
from ..forms import NoteForm, QueueFilterForm, StatusForm
from ..models import Complaint, ComplaintStatus


def _require_queue(actor: Actor) -> None:
    if not can_anywhere(actor, Action.VIEW, ObjectType.COMPLAINT):
        raise PermissionDenied(_("举报箱仅由纪检监察机构（防控办）查阅"))


@login_required
@ui_view
def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_queue(actor)
    form = QueueFilterForm(request.GET or None)
    f = selectors.QueueFilter()
    if form.is_valid():
        c = form.cleaned_data
        f = selectors.QueueFilter(status=c["status"], category=c["category"], q=c["q"].strip())
    page = paginate(request, selectors.queue(actor, f).prefetch_related("attachments"))
    counts = {s: selectors.complaints(actor).filter(status=s).count() for s in ComplaintStatus.values}
    context = {
        "form": form,
        "page_obj": page,
        "open_count": counts[ComplaintStatus.RECEIVED] + counts[ComplaintStatus.IN_PROGRESS],
        "received_count": counts[ComplaintStatus.RECEIVED],
    }
    return render(request, "complaints/queue.html", context)


def _status_choices(complaint: Complaint) -> list[tuple[str, str]]:
    return [(s, str(ComplaintStatus(s).label)) for s in services.NEXT_STATUS.get(complaint.status, ())]


def _detail(
    request: HttpRequest,
    actor: Actor,
    complaint: Complaint,
    *,
    identity: Identity | None = None,
    status_form: StatusForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    choices = _status_choices(complaint)
    context: dict[str, Any] = {
        "complaint": complaint,
        "events": selectors.events(complaint),
        "attachments": complaint.attachments.all(),
        "identity": identity,
        "may_edit": can(actor, Action.EDIT, ObjectType.COMPLAINT, complaint.path),
        "may_reveal": can(actor, Action.VIEW, ObjectType.COMPLAINT_IDENTITY, complaint.path),
        "status_form": status_form or StatusForm(choices=choices),
        "has_next_status": bool(choices),
        "note_form": note_form or NoteForm(),
    }
    return render(request, "complaints/detail.html", context, status=status)


@login_required
@ui_view
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    _require_queue(actor)
    return _detail(request, actor, selectors.get_complaint(actor, pk))


@never_cache
@login_required
@ui_view
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The filer's identity, on this answer only (not cached, not kept in the session)."""
    actor = actor_of(request)
    _require_queue(actor)
    complaint = selectors.get_complaint(actor, pk)
    try:
        identity = services.reveal_identity(actor, complaint)
    except (PermissionDeniedError, NotFoundError):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("complaints:detail", pk=pk)
    return _detail(request, actor, complaint, identity=identity)


@login_required
@ui_view
@require_POST
def complaint_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    _require_queue(actor)
    complaint = selectors.get_complaint(actor, pk)
    form = StatusForm(request.POST, choices=_status_choices(complaint))
    if form.is_valid():
        c = form.cleaned_data
        try:
            services.change_status(actor, complaint, status=c["status"], reply=c["reply"], note=c["note"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            label = ComplaintStatus(complaint.status).label
            messages.success(request, _("举报已改为“%(status)s”。") % {"status": label})
            return redirect("complaints:detail", pk=pk)
    complaint.refresh_from_db()
    return _detail(request, actor, complaint, status_form=form, status=400)


@login_required
@ui_view
@require_POST
def complaint_note(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    _require_queue(actor)
    complaint = selectors.get_complaint(actor, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(actor, complaint, form.cleaned_data["note"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("办理记录已保存。"))
            return redirect("complaints:detail", pk=pk)
    return _detail(request, actor, complaint, note_form=form, status=400)


@login_required
@ui_view
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, only for the supervising office in scope; each download is audited."""
    actor = actor_of(request)
    _require_queue(actor)
    attachment = selectors.get_attachment(actor, pk)
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        raise NotFoundError("附件文件已丢失，请联系系统管理员") from exc
    try:
        services.record_attachment_read(actor, attachment)
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-SHA256"] = attachment.sha256
    response["Cache-Control"] = "no-store"
    return response
