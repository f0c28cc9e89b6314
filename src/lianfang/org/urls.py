from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/retire/", views.unit_retire, name="unit_retire"),
    path("units/<int:unit_pk>/leadership/new/", views.leadership_create, name="leadership_create"),
    path("leadership/<int:pk>/edit/", views.leadership_edit, name="leadership_edit"),
    path("leadership/<int:pk>/end/", views.leadership_end, name="leadership_end"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:pk>/children/", views.department_children, name="department_children"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/retire/", views.department_retire, name="department_retire"),
    path("departments/<int:dept_pk>/liaison/", views.liaison_designate, name="liaison_designate"),
    path("liaisons/<int:pk>/end/", views.liaison_end, name="liaison_end"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/retire/", views.post_retire, name="post_retire"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/retire/", views.person_retire, name="person_retire"),
]
