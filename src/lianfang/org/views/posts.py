"""Posts and who holds them: detail, create, edit, retire, assign, end an assignment."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can
from lianfang.core.actor import Actor
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import ui_view

from .. import selectors, services
from ..forms import AssignmentForm, PostForm
from ..models import Department, Post, PostAssignment, Status
from ..services import POST_FLAGS
from .common import Crumb, date_page, flags, form_page, int_param, path_crumbs


def _post_url(post: Any) -> str:
    return reverse("org:post_detail", args=[post.pk])


def posts_with_holders(actor: Actor, dept: Department, retired: bool = False) -> list[Post]:
    """The department's posts, each with `holders`: the current assignments, persons attached."""
    qs = selectors.posts(actor).filter(department=dept).order_by("status", "level", "name")
    if not retired:
        qs = qs.filter(status=Status.ACTIVE)
    current = (
        PostAssignment.objects.filter(end_date__isnull=True).select_related("person").order_by("start_date")
    )
    return list(qs.prefetch_related(Prefetch("assignments", queryset=current, to_attr="holders")))


@login_required
@ui_view
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    post = selectors.get_or_404(selectors.posts(actor), pk=pk)
    history = (
        selectors.assignments(actor)
        .filter(post=post)
        .select_related("person")
        .order_by("end_date", "-start_date")
    )
    path = post.department.path
    return render(
        request,
        "org/post_detail.html",
        {
            "post": post,
            "crumbs": path_crumbs(actor, path),
            "holders": [a for a in history if a.end_date is None],
            "history": history,
            "perm": flags(actor, ObjectType.POST, path),
            "may_assign": post.status == Status.ACTIVE
            and can(actor, Action.CREATE, ObjectType.ASSIGNMENT, path),
            "may_end_assignment": can(actor, Action.EDIT, ObjectType.ASSIGNMENT, path),
            "today": timezone.localdate(),
        },
    )


def _flags_of(post: Post) -> list[str]:
    return [f for f in POST_FLAGS if getattr(post, f)]


@login_required
@ui_view
def post_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    dept = selectors.get_or_404(selectors.departments(actor), pk=int_param(request, "department"))
    if not can(actor, Action.CREATE, ObjectType.POST, dept.path):
        raise PermissionDenied(_("您没有在此部门新增岗位的权限"))
    form = PostForm(request.POST or None)

    def save(data: dict[str, Any]) -> Post:
        return services.create_post(
            actor,
            department=dept,
            name=data["name"],
            duties=data["duties"],
            level=data["level"],
            code=data["code"],
            headcount=data["headcount"],
            flags=data["flags"],
        )

    return form_page(
        request,
        form,
        save,
        title=_("新增岗位"),
        intro=_("所属部门：%(name)s") % {"name": dept.name},
        crumbs=path_crumbs(actor, dept.path),
        cancel_url=reverse("org:department_detail", args=[dept.pk]),
        success=lambda p: _("岗位“%(name)s”已创建。") % {"name": p},
        success_url=_post_url,
    )


@login_required
@ui_view
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    post = selectors.get_or_404(selectors.posts(actor), pk=pk)
    if not can(actor, Action.EDIT, ObjectType.POST, post.department.path):
        raise PermissionDenied(_("您没有修改该岗位的权限"))
    initial = {
        "name": post.name,
        "code": post.code,
        "level": post.level,
        "headcount": post.headcount,
        "flags": _flags_of(post),
        "duties": post.duties,
    }
    form = PostForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Post:
        return services.update_post(
            actor,
            post,
            name=data["name"],
            duties=data["duties"],
            level=data["level"],
            code=data["code"],
            headcount=data["headcount"],
            flags=data["flags"],
        )

    return form_page(
        request,
        form,
        save,
        title=_("修改岗位信息"),
        crumbs=[*path_crumbs(actor, post.department.path), Crumb(post.name, _post_url(post))],
        cancel_url=_post_url(post),
        success=lambda p: _("岗位“%(name)s”已保存。") % {"name": p},
        success_url=_post_url,
    )


@login_required
@ui_view
def post_retire(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    post = selectors.get_or_404(selectors.posts(actor), pk=pk)
    if not can(actor, Action.RETIRE, ObjectType.POST, post.department.path):
        raise PermissionDenied(_("您没有停用该岗位的权限"))
    return date_page(
        request,
        lambda day: services.retire_post(actor, post, day),
        title=_("停用岗位"),
        question=_("确定停用岗位“%(name)s”吗？停用前须先结束在任人员的任职；任职历史仍会保留。")
        % {"name": post.name},
        date_label=_("停用日期"),
        crumbs=[*path_crumbs(actor, post.department.path), Crumb(post.name, _post_url(post))],
        cancel_url=_post_url(post),
        success=_("岗位“%(name)s”已停用。") % {"name": post.name},
        success_url=_post_url(post),
    )


@login_required
@ui_view
def assignment_create(request: HttpRequest) -> HttpResponse:
    """Put a person on a post. Reached from a post (?post=) or from a person (?person=)."""
    actor = actor_of(request)
    post_id, person_id = int_param(request, "post"), int_param(request, "person")
    post = selectors.get_or_404(selectors.posts(actor), pk=post_id) if post_id else None
    person = selectors.get_or_404(selectors.persons(actor), pk=person_id) if person_id else None
    if post is None and person is None:
        raise PermissionDenied(_("请从岗位或人员页面进入任职登记"))
    unit = post.department.unit if post else person.unit  # type: ignore[union-attr]
    posts = selectors.posts(actor, Action.VIEW).filter(department__unit=unit, status=Status.ACTIVE)
    assignable = [p.pk for p in posts if can(actor, Action.CREATE, ObjectType.ASSIGNMENT, p.department.path)]
    if post is not None and post.pk not in assignable:
        raise PermissionDenied(_("您没有为该岗位登记任职的权限"))
    if not assignable:
        raise PermissionDenied(_("您没有登记任职的权限"))
    persons = selectors.persons(actor).filter(unit=unit, status=Status.ACTIVE).order_by("name")
    form = AssignmentForm(
        request.POST or None,
        initial={"post": post, "person": person, "start_date": timezone.localdate()},
        persons=persons,
        posts=posts.filter(pk__in=assignable).order_by("department__path", "name"),
    )

    def save(data: dict[str, Any]) -> PostAssignment:
        return services.assign_post(
            actor,
            person=data["person"],
            post=data["post"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            note=data["note"],
        )

    if post is not None:
        back, crumbs = _post_url(post), path_crumbs(actor, post.department.path)
    else:
        assert person is not None
        back = reverse("org:person_detail", args=[person.pk])
        crumbs = path_crumbs(actor, services.person_path(person))
    return form_page(
        request,
        form,
        save,
        title=_("登记任职"),
        crumbs=crumbs,
        cancel_url=back,
        success=lambda a: _("已登记任职。"),
        success_url=lambda a: back,
    )


@login_required
@ui_view
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    assignment = selectors.get_or_404(selectors.assignments(actor), pk=pk)
    path = assignment.post.department.path
    if not can(actor, Action.EDIT, ObjectType.ASSIGNMENT, path):
        raise PermissionDenied(_("您没有结束该任职的权限"))
    back = request.GET.get("from") == "person"
    url = reverse("org:person_detail", args=[assignment.person_id]) if back else _post_url(assignment.post)
    names = {"person": assignment.person.name, "post": assignment.post.name}
    return date_page(
        request,
        lambda day: services.end_assignment(actor, assignment, day),
        title=_("结束任职"),
        question=_("结束%(person)s在“%(post)s”岗位的任职。") % names,
        date_label=_("任职结束日期"),
        crumbs=path_crumbs(actor, path),
        cancel_url=url,
        success=_("%(person)s在“%(post)s”的任职已结束。") % names,
        success_url=url,
        danger=False,
    )
