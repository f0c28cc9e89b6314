from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("entries/<int:seq>/", views.entry_detail, name="detail"),
    path("verify/", views.verify, name="verify"),
    path("export/", views.export, name="export"),
]
