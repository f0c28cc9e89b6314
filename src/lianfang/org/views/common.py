"""What the organisation views share: fetching in scope, permission flags, breadcrumbs, the form flow."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, can
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.core.ui import EndDateForm, apply_service_error

from .. import selectors
from ..models import Department, Unit


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str | None = None


def flags(actor: Actor, object_type: str, path: str) -> dict[str, bool]:
    """Which buttons to show for an object: the services check again on every write."""
    return {
        a: can(actor, a, object_type, path) for a in (Action.VIEW, Action.CREATE, Action.EDIT, Action.RETIRE)
    }


_NODE = re.compile(r"([UD])(\d+)/")


def path_crumbs(actor: Actor, path: str, include_last: bool = True) -> list[Crumb]:
    """Breadcrumbs for the units and departments along a path that the actor may see."""
    nodes = _NODE.findall(path)
    if not include_last and nodes:
        nodes = nodes[:-1]
    unit_ids = [int(n) for k, n in nodes if k == "U"]
    dept_ids = [int(n) for k, n in nodes if k == "D"]
    units = {u.pk: u for u in selectors.units(actor).filter(pk__in=unit_ids)}
    depts = {d.pk: d for d in selectors.departments(actor).filter(pk__in=dept_ids)}
    crumbs = [Crumb(_("组织机构"), reverse("org:tree"))]
    for kind, ident in nodes:
        node: Unit | Department | None = (units if kind == "U" else depts).get(int(ident))
        if node is None:
            continue
        name = "org:unit_detail" if kind == "U" else "org:department_detail"
        crumbs.append(Crumb(node.name, reverse(name, args=[node.pk])))
    return crumbs


def form_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Model],
    *,
    title: str,
    crumbs: list[Crumb],
    cancel_url: str,
    success: Callable[[Model], str],
    success_url: Callable[[Model], str],
    field_map: Mapping[str, str] | None = None,
    intro: str = "",
) -> HttpResponse:
    """The shape of every create/edit page: parse, call the service, redirect with a message."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc, field_map)
        else:
            messages.success(request, success(obj))
            return redirect(success_url(obj))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "org/form.html",
        {
            "form": form,
            "title": title,
            "crumbs": [*crumbs, Crumb(title)],
            "cancel_url": cancel_url,
            "intro": intro,
        },
        status=status,
    )


def date_page(
    request: HttpRequest,
    act: Callable[[Any], Model],
    *,
    title: str,
    question: str,
    date_label: str,
    crumbs: list[Crumb],
    cancel_url: str,
    success: str,
    success_url: str,
    danger: bool = True,
) -> HttpResponse:
    """Retiring or ending something: ask for the date, then POST to the service."""
    form = EndDateForm(request.POST or None, label=date_label)
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_date())
        except ServiceError as exc:
            apply_service_error(form, exc, {"end_date": "date", "retired_on": "date"})
        else:
            messages.success(request, success)
            return redirect(success_url)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "org/confirm_date.html",
        {
            "form": form,
            "title": title,
            "question": question,
            "crumbs": [*crumbs, Crumb(title)],
            "cancel_url": cancel_url,
            "danger": danger,
        },
        status=status,
    )


def int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name) or request.POST.get(name)
    try:
        return int(value) if value else None
    except ValueError:
        return None
