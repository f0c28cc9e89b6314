from __future__ import annotations

from django.urls import path

from . import views

app_name = "workdays"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("day/", views.day_edit, name="day"),
    path("year/", views.year_add, name="year"),
    path("import/", views.upload, name="import"),
    path("<int:year>.csv", views.year_csv, name="csv"),
]
