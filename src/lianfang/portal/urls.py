from __future__ import annotations

from django.urls import URLPattern, path

from .views import public, staff

app_name = "portal"

urlpatterns: list[URLPattern] = [
    path("", public.index, name="index"),
    path("sitemap.xml", public.sitemap, name="sitemap"),
    path("feedback/", staff.queue, name="queue"),
    path("feedback/<int:pk>/answer/", staff.answer, name="answer"),
    path("<str:unit_code>/", public.catalog, name="catalog"),
    path("<str:unit_code>/catalog.xlsx", public.catalog_download, name="catalog_xlsx"),
    path("<str:unit_code>/internal/", staff.internal, name="internal"),
    path("<str:unit_code>/powers/<str:code>/", public.power, name="power"),
    path("<str:unit_code>/flows/<str:code>/", public.flow, name="flow"),
    path("<str:unit_code>/risks/<str:code>/", staff.risk, name="risk"),
    path("<str:unit_code>/<str:kind_slug>/<str:code>/feedback/", public.feedback, name="feedback"),
]
