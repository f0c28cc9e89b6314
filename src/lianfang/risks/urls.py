from django.urls import include, path

from . import views

app_name = "risks"
urlpatterns = [
    path("", views.register, name="register"),
    path("dashboard/", include("lianfang.risks.urls_dashboard")),
    path("new/", views.risk_create, name="create"),
    path("post-field/", views.post_field, name="post_field"),
    path("step-field/", views.step_field, name="step_field"),
    path("manifestation-row/", views.manifestation_row, name="manifestation_row"),
    path("sheets/", views.sheet_page, name="sheets"),
    path("sheets/export/", views.sheet_export, name="sheet_export"),
    path("measures/", views.measure_list, name="measures"),
    path("measures/library/", views.template_picker, name="template_picker"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/remove/", views.measure_remove, name="measure_remove"),
    path("measures/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("assessments/<int:pk>/decide/", views.assessment_decide, name="assessment_decide"),
    path("<int:pk>/", views.risk_detail, name="detail"),
    path("<int:pk>/edit/", views.risk_edit, name="edit"),
    path("<int:pk>/delete/", views.risk_delete, name="delete"),
    path("<int:pk>/assess/", views.risk_assess, name="assess"),
    path("<int:pk>/grade-preview/", views.grade_preview, name="grade_preview"),
    path("<int:pk>/measures/new/", views.measure_add, name="measure_add"),
]
