from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lianfang import __version__
from lianfang.accounts.selectors import request_actor
from lianfang.review.selectors_progress import unread_count

from .navigation import navigation


def shell(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"lianfang_version": __version__, "nav_items": []}
    actor = request_actor(request)
    return {
        "lianfang_version": __version__,
        "nav_items": navigation(actor),
        "actor": actor,
        "unread_notifications": unread_count(request.user.pk),
    }
