"""Pages of electronic supervision (names under the `supervision:` namespace, mounted at /supervision/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import alerts, board, cases

app_name = "supervision"

urlpatterns: list[URLPattern] = [
    path("", board.board_page, name="board"),
    path("cases/<int:pk>/", cases.case_page, name="case_detail"),
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/<str:action>/", alerts.alert_action, name="alert_action"),
    path("appeals/", alerts.appeal_queue, name="appeals"),
]
