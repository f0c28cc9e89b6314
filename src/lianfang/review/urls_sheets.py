from __future__ import annotations

from django.urls import path

from .views import sheets

urlpatterns = [
    path("sheets/", sheets.sheet_list, name="sheets"),
    path("sheets/open/", sheets.sheet_open, name="sheet_open"),
    path("sheets/risk/<int:risk_pk>/", sheets.sheet_of_risk, name="sheet_of_risk"),
    path("sheets/<int:pk>/", sheets.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/move/", sheets.sheet_move, name="sheet_move"),
]
