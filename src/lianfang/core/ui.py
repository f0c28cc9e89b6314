"""Helpers shared by the web views: turning service errors into form errors, 403 and 404."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.accounts.selectors import request_actor
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError

F = TypeVar("F", bound=Callable[..., Any])


def ui_view(view: F) -> F:
    """Let a view raise the services' errors: permission → 403 page, not found → 404 page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFoundError as exc:
            raise Http404(exc.message) from exc

    return wrapper  # type: ignore[return-value]


def actor(request: HttpRequest) -> Actor:
    return request_actor(request)


def apply_service_error(
    form: forms.Form, exc: ServiceError, field_map: Mapping[str, str] | None = None
) -> None:
    """Put a refused request's messages on the form: each on its field where the form has it."""
    if isinstance(exc, PermissionDeniedError | NotFoundError):
        raise exc
    field_map = field_map or {}
    unplaced: list[str] = []
    for field, messages in exc.field_errors.items():
        name = field_map.get(field, field)
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
        else:
            unplaced.extend(messages)
    if not exc.field_errors:
        form.add_error(None, exc.message)
    elif unplaced:
        form.add_error(None, "；".join(unplaced))


def paginate(request: HttpRequest, qs: QuerySet[Any] | list[Any], per_page: int = 50) -> Page[Any]:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class EndDateForm(forms.Form):
    """The one question before retiring or ending something: from which day."""

    date = forms.DateField(label=_("日期"), widget=DateInput())

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["date"].label = label
        self.fields["date"].initial = timezone.localdate

    def cleaned_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["date"]
        return value


def include_retired(request: HttpRequest) -> bool:
    return request.GET.get("retired") == "1"


def flash_service_error(request: HttpRequest, exc: ServiceError) -> None:
    """For buttons without a form page: show the refusal as a message (403/404 still propagate)."""
    from django.contrib import messages

    if isinstance(exc, PermissionDeniedError | NotFoundError):
        raise exc
    messages.error(request, exc.message)
