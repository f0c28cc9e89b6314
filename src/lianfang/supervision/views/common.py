"""Small helpers shared by the supervision pages."""

from __future__ import annotations

from django.http import HttpRequest


def int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None
