from django.urls import path

from . import views

app_name = "powers"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("export.xlsx", views.catalog_export, name="catalog_export"),
    path("compare/", views.catalog_compare, name="catalog_compare"),
    path("new/", views.power_create, name="power_create"),
    path("posts-field/", views.power_posts_field, name="power_posts_field"),
    path("basis-row/", views.power_basis_row, name="power_basis_row"),
    path("<int:pk>/", views.power_detail, name="power_detail"),
    path("<int:pk>/edit/", views.power_edit, name="power_edit"),
    path("<int:pk>/review/", views.power_review, name="power_review"),
    path("<int:pk>/delete/", views.power_delete, name="power_delete"),
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/next/", views.cycle_open_next, name="cycle_open_next"),
    path("cycles/<int:pk>/close/", views.cycle_close, name="cycle_close"),
    path("flows/", views.flow_list, name="flow_list"),
    path("flows/new/", views.flow_create, name="flow_create"),
    path("flows/<int:pk>/", views.flow_detail, name="flow_detail"),
    path("flows/<int:pk>/edit/", views.flow_edit, name="flow_edit"),
    path("flows/<int:pk>/delete/", views.flow_delete, name="flow_delete"),
    path("flows/<int:pk>/review/", views.flow_review, name="flow_review"),
    path("flows/<int:pk>/pdf/", views.flow_pdf, name="flow_pdf"),
    path("flows/<int:pk>/risk-drafts/", views.flow_risk_drafts, name="flow_risk_drafts"),
    path("flows/<int:pk>/diagram/", views.flow_diagram, name="flow_diagram"),
    path("flows/<int:pk>/editor/", views.flow_editor, name="flow_editor"),
    path("flows/<int:pk>/editor/preview/", views.flow_preview, name="flow_preview"),
    path("flows/<int:pk>/editor/<slug:op>/", views.flow_editor_op, name="flow_editor_op"),
]
