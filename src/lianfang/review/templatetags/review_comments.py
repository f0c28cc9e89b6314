"""`{% comment_thread "risk" risk.pk %}`: the comment widget of a target, drawn in place; with `lazy=True`
a collapsed box that fetches the threads when opened (for the many measures or steps of one page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from lianfang.core.errors import NotFoundError
from lianfang.core.ui import actor as actor_of

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_thread(
    context: dict[str, Any], kind: str, pk: int, lazy: bool = False, label: str = ""
) -> SafeString:
    from ..views.comments import dom_id, thread_context

    request = context.get("request")
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return SafeString("")
    if lazy:
        url = reverse("review:comment_thread", args=[kind, pk])
        return render_to_string(
            "review/comments_lazy.html",
            {"url": url, "dom_id": dom_id(kind, pk), "label": label},
            request=request,
        )
    try:
        data = thread_context(actor_of(request), kind, int(pk))
    except NotFoundError:
        return SafeString("")
    return render_to_string("review/comments_block.html", data, request=request)
