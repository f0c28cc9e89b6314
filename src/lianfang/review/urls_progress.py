"""Pages of comments, phases, the progress board and notifications (names under the `review:` namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import comments, progress

urlpatterns: list[URLPattern] = [
    path("comments/<str:kind>/<int:pk>/", comments.comment_thread, name="comment_thread"),
    path("comments/<str:kind>/<int:pk>/add/", comments.comment_add, name="comment_add"),
    path("comments/<int:pk>/resolve/", comments.comment_resolve, name="comment_resolve"),
    path("comments/<int:pk>/reopen/", comments.comment_reopen, name="comment_reopen"),
    path("phases/", progress.phases_page, name="phases"),
    path("board/", progress.board_page, name="board"),
    path("notifications/", progress.notifications_page, name="notifications"),
    path("notifications/read/", progress.notifications_read, name="notifications_read"),
]
