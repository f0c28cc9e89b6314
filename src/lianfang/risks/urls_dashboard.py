"""The register dashboard, in its own URL module (included under /risks/dashboard/)."""

from django.urls import path

from .views_dashboard import dashboard

app_name = "risk_dashboard"
urlpatterns = [path("", dashboard, name="dashboard")]
