from __future__ import annotations

from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    # Public (no login): file, follow.
    path("new/", views.file_complaint, name="new"),
    path("new/targets/", views.targets, name="targets"),
    path("follow/", views.follow, name="follow"),
    # The supervising office's queue.
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/status/", views.complaint_status, name="status"),
    path("<int:pk>/note/", views.complaint_note, name="note"),
    path("<int:pk>/identity/", views.reveal, name="reveal"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
