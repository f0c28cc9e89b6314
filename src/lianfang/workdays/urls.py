from __future__ import annotations

from django.urls import URLPattern

app_name = "workdays"

urlpatterns: list[URLPattern] = []
