"""The approval chain on the detail pages: which buttons to show, and one POST for every move."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.core.ui import apply_service_error

from .. import services
from ..forms import ReviewForm
from ..models import Flowchart, Power, ReviewAction

# What each button says (the history keeps the longer ReviewAction labels).
BUTTONS = {
    ReviewAction.SUBMIT: gettext_lazy("提交审核"),
    ReviewAction.CHECK: gettext_lazy("审核通过"),
    ReviewAction.VERIFY: gettext_lazy("组织审核通过"),
    ReviewAction.APPROVE: gettext_lazy("审定通过"),
    ReviewAction.PUBLISH: gettext_lazy("公示"),
    ReviewAction.RETURN: gettext_lazy("退回"),
    ReviewAction.REVISE: gettext_lazy("重新修订"),
}
DONE = {
    ReviewAction.SUBMIT: gettext_lazy("已提交分管领导审核。"),
    ReviewAction.CHECK: gettext_lazy("已审核通过，待纪检监察机构组织审核。"),
    ReviewAction.VERIFY: gettext_lazy("已组织审核通过，待领导班子审定。"),
    ReviewAction.APPROVE: gettext_lazy("已审定，待公示。"),
    ReviewAction.PUBLISH: gettext_lazy("已公示。"),
    ReviewAction.RETURN: gettext_lazy("已退回。"),
    ReviewAction.REVISE: gettext_lazy("已转为草稿，可以重新修订。"),
}


def review_buttons(actor: Actor, item: Power | Flowchart) -> list[tuple[str, str]]:
    return [(a, str(BUTTONS[ReviewAction(a)])) for a in services.allowed_actions(actor, item)]


def review_post(
    request: HttpRequest,
    actor: Actor,
    item: Power | Flowchart,
    url: str,
    render_detail: Callable[[ReviewForm], HttpResponse],
) -> HttpResponse:
    """Apply the pressed button; a refusal is shown on the comment box of the detail page."""
    form = ReviewForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            services.review(actor, item, action, form.cleaned_data["comment"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("“%(name)s”%(done)s") % {"name": item.name, "done": DONE[action]})
            return redirect(url)
    response = render_detail(form)
    response.status_code = 400
    return response
