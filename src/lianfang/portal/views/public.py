"""The public portal (no login): units, a unit's catalog with search, power and flow pages, the sitemap, the
catalog download and the feedback form. Staff who are signed in see the same pages plus what the internal
publication adds (internal items, posts on internal flows).

Anonymous pages are cached whole, keyed by the unit's portal version (bumped by each publication and each
published answer), so a page costs one small query when nothing changed. The feedback form carries no CSRF
token (a cached page cannot carry one per visitor): filing a comment needs no login and changes nothing of
the visitor's, so there is nothing to forge; the honeypot and the per-address throttle guard it instead.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any
from urllib.parse import quote

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lianfang.accounts.selectors import request_actor
from lianfang.audit.services import record_export
from lianfang.core.errors import NotFoundError, ServiceError
from lianfang.org.models import Unit

from .. import selectors
from ..export import catalog_xlsx
from ..feedback import FeedbackData, ThrottledError, submit_feedback
from ..models import Publication, PublicationKind

CACHE_SECONDS = 600
KIND_SLUGS: dict[str, str] = {
    "powers": PublicationKind.POWER,
    "flows": PublicationKind.FLOW,
    "risks": PublicationKind.RISK,
}
SLUG_OF: dict[str, str] = {v: k for k, v in KIND_SLUGS.items()}


def _unit(code: str) -> Unit:
    try:
        return selectors.unit_by_code(code)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def cache_key(request: HttpRequest, unit_code: str, what: str) -> str | None:
    """The cache key of an anonymous GET without a query string (None for anything else): the unit's portal
    version is part of it, so a publication or a published answer makes every older entry unreachable."""
    if request.user.is_authenticated or request.GET or _has_messages(request):
        return None
    stamp = selectors.stamp_by_code(unit_code)
    return f"portal:{translation.get_language()}:{unit_code}:{stamp}:{what}"


def _has_messages(request: HttpRequest) -> bool:
    """A visitor with a pending flash message (after logging out, say) gets a page of their own: the message
    must never be cached into the page everyone else is served."""
    session = getattr(request, "session", None)
    return "messages" in request.COOKIES or (session is not None and "_messages" in session)


def from_cache(key: str | None) -> HttpResponse | None:
    html = cache.get(key) if key else None
    return HttpResponse(html) if html is not None else None


def rendered(key: str | None, html: str) -> HttpResponse:
    if key:
        cache.set(key, html, CACHE_SECONDS)
    return HttpResponse(html)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    units = list(selectors.public_units())
    return render(request, "portal/index.html", {"units": units})


def _groups(pubs: list[Publication]) -> list[tuple[str, list[Publication]]]:
    return [
        (name or "单位层面", list(items)) for name, items in groupby(pubs, key=lambda p: p.department_name)
    ]


@require_GET
def catalog(request: HttpRequest, unit_code: str) -> HttpResponse:
    key = cache_key(request, unit_code, "catalog")
    hit = from_cache(key)
    if hit is not None:
        return hit
    unit = _unit(unit_code)
    actor = request_actor(request)
    q = request.GET.get("q", "").strip()[:100]
    pubs = list(selectors.public_catalog(unit, q))
    context = {
        "unit": unit,
        "q": q,
        "groups": _groups(pubs),
        "count": len(pubs),
        "flows": [] if q else list(selectors.public_flows(unit)),
        "staff": selectors.may_see_internal(actor, unit),
    }
    return rendered(key, render_to_string("portal/catalog.html", context, request=request))


def _item_context(request: HttpRequest, unit: Unit, pub: Publication) -> dict[str, Any]:
    actor = request_actor(request)
    flow = None
    if pub.kind == PublicationKind.POWER and pub.content.get("flow"):
        flow = selectors.visible_or_none(actor, unit, PublicationKind.FLOW, pub.content["flow"]["code"])
    return {
        "unit": unit,
        "pub": pub,
        "c": pub.content,
        "flow": flow,
        "flow_pub": flow or (pub if pub.kind == PublicationKind.FLOW else None),
        "fc": flow.content if flow else (pub.content if pub.kind == PublicationKind.FLOW else None),
        "history": selectors.history(pub),
        "answers": list(selectors.public_answers(pub)),
        "staff": selectors.may_see_internal(actor, unit),
        "feedback_url": reverse("portal:feedback", args=[unit.code, SLUG_OF[pub.kind], pub.code]),
        "form": {},
        "errors": {},
        "sent": request.GET.get("feedback") == "sent",
    }


def _template(kind: str) -> str:
    return {"power": "portal/power.html", "flow": "portal/flow.html", "risk": "portal/risk.html"}[kind]


def _item(request: HttpRequest, unit_code: str, kind: str, code: str) -> HttpResponse:
    # Only public pages are ever cached, and any publication in the unit changes the key: a hit is current.
    key = cache_key(request, unit_code, f"{kind}:{code}")
    hit = from_cache(key)
    if hit is not None:
        return hit
    unit = _unit(unit_code)
    actor = request_actor(request)
    try:
        pub = selectors.visible(actor, unit, kind, code)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    html = render_to_string(_template(kind), _item_context(request, unit, pub), request=request)
    return rendered(key if pub.is_public else None, html)


@require_GET
def power(request: HttpRequest, unit_code: str, code: str) -> HttpResponse:
    return _item(request, unit_code, PublicationKind.POWER, code)


@require_GET
def flow(request: HttpRequest, unit_code: str, code: str) -> HttpResponse:
    return _item(request, unit_code, PublicationKind.FLOW, code)


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@csrf_exempt
@require_POST
def feedback(request: HttpRequest, unit_code: str, kind_slug: str, code: str) -> HttpResponse:
    unit = _unit(unit_code)
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    actor = request_actor(request)
    try:
        pub = selectors.visible(actor, unit, kind, code)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    data = FeedbackData(
        text=request.POST.get("text", ""),
        name=request.POST.get("name", ""),
        contact=request.POST.get("contact", ""),
        website=request.POST.get("website", ""),
    )
    try:
        submit_feedback(actor, pub, data, client_address(request))
    except ServiceError as exc:
        context = _item_context(request, unit, pub)
        context["form"] = {"text": data.text[:4000], "name": data.name[:100], "contact": data.contact[:200]}
        context["errors"] = exc.field_errors or {"form": [exc.message]}
        status = 429 if isinstance(exc, ThrottledError) else 400
        return render(request, _template(kind), context, status=status)
    url = reverse(f"portal:{kind}", args=[unit.code, code])
    return redirect(f"{url}?feedback=sent#feedback")


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """External publications only: the unit catalogs, power pages and flow pages."""
    rows = selectors.public().select_related("unit").order_by("unit__path", "kind", "sort_key")
    urls: list[tuple[str, str]] = []
    for unit in selectors.public_units():
        urls.append((reverse("portal:catalog", args=[unit.code]), ""))
    for pub in rows.only("kind", "code", "published_at", "unit__code", "unit__path"):
        if pub.kind in (PublicationKind.POWER, PublicationKind.FLOW):
            urls.append(
                (
                    reverse(f"portal:{pub.kind}", args=[pub.unit.code, pub.code]),
                    pub.published_at.date().isoformat(),
                )
            )
    body = render_to_string(
        "portal/sitemap.xml", {"urls": [(request.build_absolute_uri(u), d) for u, d in urls]}
    )
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_GET
def catalog_download(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = _unit(unit_code)
    key = f"portal:xlsx:{unit.pk}:{selectors.stamp_of(unit)}"
    data = cache.get(key)
    if data is None:
        data = catalog_xlsx(unit)
        cache.set(key, data, CACHE_SECONDS)
    if request.user.is_authenticated:
        record_export(
            request_actor(request),
            what="公示职权目录",
            object_type="portal.publication",
            details={"unit": unit.code},
        )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{unit.name}职权目录（公示）.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
