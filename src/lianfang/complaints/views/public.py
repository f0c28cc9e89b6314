"""The public pages: filing a complaint (the receipt is shown once, on the answer to the POST, and never
stored readable) and following it with the receipt code and secret. No login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lianfang.core.errors import ServiceError
from lianfang.core.ui import apply_service_error
from lianfang.org.models import Unit

from .. import files, guard, selectors, services
from ..crypto import Identity
from ..forms import HONEYPOT, FilingForm, FollowForm
from ..models import TargetKind


def _unit(request: HttpRequest) -> Unit | None:
    """The unit the form is for: the posted one, or ?unit= (an id or a unit code, for links from the
    portal)."""
    value = (request.POST.get("unit") or request.GET.get("unit") or "").strip()
    if not value:
        return None
    units = selectors.public_units()
    found = units.filter(pk=int(value)).first() if value.isdigit() else None
    return found or units.filter(code=value).first()


def _page(request: HttpRequest, form: FilingForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "honeypot": form[HONEYPOT],
        "max_bytes": files.megabytes(files.max_bytes()),
        "max_files": files.max_files(),
        "allowed": files.ALLOWED_TEXT,
        "accept": ",".join(files.ALLOWED),
        "kinds": TargetKind,
    }
    return render(request, "complaints/new.html", context, status=status)


def _uploads(request: HttpRequest, form: FilingForm) -> list[files.Upload] | None:
    """The posted files, read only when their declared total is within the limit."""
    posted = request.FILES.getlist("attachments")
    total = sum(f.size or 0 for f in posted)
    if total > files.max_bytes():
        form.add_error(None, f"附件总大小不能超过 {files.megabytes(files.max_bytes())}")
        return None
    if len(posted) > files.max_files():
        form.add_error(None, f"附件最多 {files.max_files()} 个")
        return None
    return [files.Upload(f.name or "附件", f.read()) for f in posted]


@never_cache
@require_http_methods(["GET", "POST"])
def file_complaint(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, FilingForm(unit=_unit(request)))
    form = FilingForm(request.POST, unit=_unit(request))
    uploads = _uploads(request, form)
    if uploads is None or not form.is_valid():
        return _page(request, form, status=400)
    c = form.cleaned_data
    data = services.ComplaintData(
        unit=c["unit"],
        target_kind=c["target_kind"],
        category=c["category"],
        title=c["title"],
        body=c["body"],
        is_anonymous=c["is_anonymous"],
        identity=Identity(
            name=c["name"], id_number=c["id_number"], phone=c["phone"], email=c["email"], address=c["address"]
        ),
        department=c["department"],
        post=c["post"],
        power=c["power"],
        target_name=c["target_name"],
        honeypot=c[HONEYPOT],
    )
    try:
        receipt = services.file_complaint(data, uploads, address=guard.client_address(request))
    except ServiceError as exc:
        apply_service_error(form, exc)
        return _page(request, form, status=400)
    # Shown on this answer only: the secret is not kept anywhere readable (not in the session either).
    return render(request, "complaints/receipt.html", {"receipt": receipt, "complaint": receipt.complaint})


@require_GET
def targets(request: HttpRequest) -> HttpResponse:
    """The department, post and power pickers for the chosen unit (htmx)."""
    form = FilingForm(unit=_unit(request))
    return render(request, "complaints/_targets.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "complaints/follow.html", {"form": FollowForm()})
    form = FollowForm(request.POST)
    result = None
    if form.is_valid():
        try:
            result = services.follow(
                form.cleaned_data["receipt_code"],
                form.cleaned_data["secret"],
                address=guard.client_address(request),
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
    status = 200 if result is not None else 400
    return render(request, "complaints/follow.html", {"form": form, "result": result}, status=status)
