"""The flowchart editor: the step cards on the left, the live diagram and analysis on the right.

Every change is one POST: the flow as saved is read (`selectors.flow_spec`), one `flow_edit` operation is
applied, and the whole flow is saved through `services.save_flow_content`, which checks it. The response is
the part of the page that changed (htmx), with an `HX-Trigger: flow-changed` header that makes the diagram
and the analysis reload. Without JavaScript the same POSTs redirect back to the editor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import ui_view
from lianfang.org.models import Post

from .. import flow_edit, selectors, services
from ..flowspec import FlowSpec, StepSpec
from ..forms import DiscretionFormSet, LimitFields, SeparationForm, StepForm, TransitionForm, post_label
from ..models import Flowchart
from . import diagram
from .common import (
    Crumb,
    editable,
    editor_url,
    flow_crumbs,
    flow_url,
    map_errors,
    may,
    not_editable,
    unit_posts,
)


def editor_spec(flow: Flowchart) -> FlowSpec:
    """The flow as saved, with each step's own 办理主体 text (not the post name the selector fills in), so
    that saving it back changes nothing the user did not change."""
    spec = selectors.flow_spec(flow)
    raw = dict(flow.steps.values_list("code", "handler"))
    return dataclasses.replace(
        spec, steps=tuple(dataclasses.replace(s, handler=raw.get(s.code, s.handler)) for s in spec.steps)
    )


def _post_choices(actor: Actor, flow: Flowchart, spec: FlowSpec) -> list[tuple[int, str]]:
    used = [s.post_id for s in spec.steps if s.post_id is not None]
    visible = unit_posts(actor, flow.unit).values("pk")
    posts = (
        Post.objects.filter(Q(pk__in=visible) | Q(pk__in=used))
        .select_related("department")
        .order_by("department__path", "name")
    )
    return [(p.pk, post_label(p)) for p in posts]


@dataclass
class Card:
    index: int
    step: StepSpec
    form: StepForm
    link_form: TransitionForm
    outgoing: list[tuple[Any, str]]
    incoming: list[str]
    first: bool
    last: bool
    saved: bool = False


@dataclass
class Editor:
    """What one request changes: the bound form that was posted, the messages, what to show as saved."""

    request: HttpRequest
    actor: Actor
    flow: Flowchart
    spec: FlowSpec
    bound: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    focus: str = ""  # the step code whose name field gets the focus (a new step)
    saved: str = ""  # the bound key that was saved
    card: str = ""  # the step whose card a save-step redraws
    changed: bool = False

    def save(self, spec: FlowSpec) -> None:
        services.save_flow_content(self.actor, self.flow, spec)
        self.changed = True

    @property
    def post(self) -> Any:
        return self.request.POST


def _step_initial(step: StepSpec) -> dict[str, Any]:
    data = dataclasses.asdict(step)
    data["step"] = step.code
    data["post"] = step.post_id
    return data


def _choices(spec: FlowSpec, but: str = "") -> list[tuple[str, str]]:
    return [(s.code, f"{s.code} {s.name}") for s in spec.steps if s.code != but]


def _index(spec: FlowSpec, code: str) -> int:
    return next((i for i, s in enumerate(spec.steps) if s.code == code), len(spec.steps))


def context(ed: Editor) -> dict[str, Any]:
    spec = ed.spec
    names = {s.code: s.name for s in spec.steps}
    choices = _choices(spec)
    post_choices = _post_choices(ed.actor, ed.flow, spec)
    cards = []
    for i, s in enumerate(spec.steps):
        form = ed.bound.get(f"step:{s.code}") or StepForm(
            initial=_step_initial(s), posts=post_choices, auto_id=f"s{i}-%s"
        )
        if s.code == ed.focus:
            form.fields["name"].widget.attrs["autofocus"] = True
        link_form = ed.bound.get(f"link:{s.code}") or TransitionForm(
            initial={"source": s.code}, steps=_choices(spec, s.code), auto_id=f"t{i}-%s"
        )
        cards.append(
            Card(
                index=i,
                step=s,
                form=form,
                link_form=link_form,
                outgoing=[(t, names.get(t.target, t.target)) for t in spec.transitions if t.source == s.code],
                incoming=[names.get(t.source, t.source) for t in spec.transitions if t.target == s.code],
                first=i == 0,
                last=i == len(spec.steps) - 1,
                saved=ed.saved == f"step:{s.code}",
            )
        )
    flow = ed.flow
    limits = ed.bound.get("limits") or LimitFields(
        initial={
            "statutory_limit": flow.statutory_limit,
            "statutory_unit": flow.statutory_unit,
            "promised_limit": flow.promised_limit,
            "promised_unit": flow.promised_unit,
        },
        auto_id="lim-%s",
    )
    discretion = ed.bound.get("discretion") or DiscretionFormSet(
        initial=[dataclasses.asdict(d) for d in spec.discretion], prefix="disc"
    )
    return {
        "flow": flow,
        "cards": cards,
        "errors": ed.errors,
        "separations": [
            (p, names.get(p.first, p.first), names.get(p.second, p.second)) for p in spec.separations
        ],
        "separation_form": ed.bound.get("separation") or SeparationForm(steps=choices, auto_id="sep-%s"),
        "limits_form": limits,
        "discretion": discretion,
        "saved": ed.saved,
        "card": next((c for c in cards if c.step.code == ed.card), None),
    }


# --- the operations ------------------------------------------------------------------------------------


def _code(ed: Editor, name: str = "step") -> str:
    return str(ed.post.get(name, "")).strip()


def op_save_step(ed: Editor) -> None:
    code = _code(ed)
    index = _index(ed.spec, code)
    if index == len(ed.spec.steps):
        raise flow_edit.FlowEditError(f"环节“{code}”不存在，可能已被删除，请刷新页面")
    form = StepForm(ed.post, posts=_post_choices(ed.actor, ed.flow, ed.spec), auto_id=f"s{index}-%s")
    ed.bound[f"step:{code}"] = form
    ed.card = code
    if not form.is_valid():
        return
    d = form.cleaned_data
    step = StepSpec(
        code=d["code"],
        name=d["name"],
        kind=d["kind"],
        post_id=d["post"],
        handler=d["handler"],
        basis=d["basis"],
        conditions=d["conditions"],
        materials=d["materials"],
        time_limit=d["time_limit"],
        limit_unit=d["limit_unit"],
        supervision=d["supervision"],
        applicant_rights=d["applicant_rights"],
        is_start=d["is_start"],
    )
    ed.save(flow_edit.update_step(ed.spec, code, step))
    ed.saved = f"step:{step.code.strip()}"
    ed.card = step.code.strip()


def op_add_step(ed: Editor) -> None:
    after = _code(ed, "after") or (ed.spec.steps[-1].code if ed.spec.steps else None)
    spec, code = flow_edit.add_step(ed.spec, after)
    ed.save(spec)
    ed.focus = code


def op_remove_step(ed: Editor) -> None:
    ed.save(flow_edit.remove_step(ed.spec, _code(ed)))


def op_move_step(ed: Editor) -> None:
    ed.save(flow_edit.move_step(ed.spec, _code(ed), -1 if ed.post.get("direction") == "up" else 1))


def op_add_link(ed: Editor) -> None:
    source = _code(ed, "source")
    index = _index(ed.spec, source)
    form = TransitionForm(ed.post, steps=_choices(ed.spec, source), auto_id=f"t{index}-%s")
    ed.bound[f"link:{source}"] = form
    if form.is_valid():
        d = form.cleaned_data
        ed.save(flow_edit.add_transition(ed.spec, source, d["target"], d["label"]))
        ed.bound.pop(f"link:{source}")


def op_remove_link(ed: Editor) -> None:
    ed.save(
        flow_edit.remove_transition(
            ed.spec, _code(ed, "source"), _code(ed, "target"), str(ed.post.get("label", ""))
        )
    )


def op_add_separation(ed: Editor) -> None:
    form = SeparationForm(ed.post, steps=_choices(ed.spec), auto_id="sep-%s")
    ed.bound["separation"] = form
    if form.is_valid():
        d = form.cleaned_data
        ed.save(flow_edit.add_separation(ed.spec, d["first"], d["second"], d["note"]))
        ed.bound.pop("separation")


def op_remove_separation(ed: Editor) -> None:
    ed.save(flow_edit.remove_separation(ed.spec, _code(ed, "first"), _code(ed, "second")))


def op_discretion(ed: Editor) -> None:
    formset = DiscretionFormSet(ed.post, prefix="disc")
    ed.bound["discretion"] = formset
    if not formset.is_valid():
        return
    rows = [f.spec() for f in formset if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    ed.save(flow_edit.set_discretion(ed.spec, rows))
    ed.bound.pop("discretion")
    ed.saved = "discretion"


def op_limits(ed: Editor) -> None:
    form = LimitFields(ed.post, auto_id="lim-%s")
    ed.bound["limits"] = form
    if not form.is_valid():
        return
    d = form.cleaned_data
    flow = ed.flow
    data = services.FlowData(
        code=flow.code,
        name=flow.name,
        department=flow.department,
        description=flow.description,
        is_secret=flow.is_secret,
        statutory_limit=d["statutory_limit"],
        statutory_unit=d["statutory_unit"],
        promised_limit=d["promised_limit"],
        promised_unit=d["promised_unit"],
    )
    services.update_flow(ed.actor, flow, data)
    ed.changed = True
    ed.bound.pop("limits")
    ed.saved = "limits"


OPS: dict[str, Callable[[Editor], None]] = {
    "save-step": op_save_step,
    "add-step": op_add_step,
    "remove-step": op_remove_step,
    "move-step": op_move_step,
    "add-link": op_add_link,
    "remove-link": op_remove_link,
    "add-separation": op_add_separation,
    "remove-separation": op_remove_separation,
    "discretion": op_discretion,
    "limits": op_limits,
}
# The part of the page each operation redraws (htmx); the others redraw the whole editor column.
PARTIALS = {
    "save-step": "powers/editor/_step_saved.html",
    "limits": "powers/editor/_limits.html",
    "discretion": "powers/editor/_discretion.html",
}


def _refused(ed: Editor, message: str, field_errors: dict[str, list[str]] | None = None) -> None:
    """Show a refusal on the form that was posted, or above the steps."""
    posted = next(iter(ed.bound.values()), None)
    if isinstance(posted, forms.BaseFormSet):
        posted.non_form_errors().append(message)
    elif isinstance(posted, forms.Form):
        if field_errors:
            map_errors(posted, field_errors)
        else:
            posted.add_error(None, message)
    else:
        ed.errors.append(message)


def _editable_flow(actor: Actor, pk: int) -> Flowchart:
    flow = selectors.get_flow(actor, pk)
    if not may(actor, Action.EDIT, flow):
        raise PermissionDenied(_("您没有修改该流程图的权限"))
    return flow


@login_required
@ui_view
def flow_editor(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    flow = _editable_flow(actor, pk)
    if not editable(flow):
        return not_editable(request, flow, flow_url(flow))
    spec = selectors.flow_spec(flow)
    found = diagram.findings(spec)
    ed = Editor(request, actor, flow, editor_spec(flow))
    return render(
        request,
        "powers/editor/editor.html",
        {
            **context(ed),
            "crumbs": [*flow_crumbs(flow.cycle), Crumb(flow.name, flow_url(flow)), Crumb(_("编辑流程图"))],
            "svg": diagram.svg(spec),
            "findings": diagram.shown(spec, found),
        },
    )


@login_required
@ui_view
def flow_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor's right-hand side after a change: the diagram, and the analysis swapped in beside it
    (one request, so the two never race each other)."""
    actor = actor_of(request)
    spec = selectors.flow_spec(selectors.get_flow(actor, pk))
    found = diagram.findings(spec)
    markers_on = request.GET.get("markers") == "1"
    return render(
        request,
        "powers/editor/_preview.html",
        {"svg": diagram.svg(spec, found if markers_on else None), "findings": diagram.shown(spec, found)},
    )


@login_required
@ui_view
@require_POST
def flow_editor_op(request: HttpRequest, pk: int, op: str) -> HttpResponse:
    if op not in OPS:
        raise Http404
    actor = actor_of(request)
    flow = _editable_flow(actor, pk)
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    if not editable(flow):
        if not htmx:
            return not_editable(request, flow, flow_url(flow))
        ed = Editor(request, actor, flow, editor_spec(flow))
        ed.errors.append(_("流程图已提交审核或已审定，不能修改；需先退回或重新修订。"))
        response = render(request, "powers/editor/_main.html", context(ed))
        response["HX-Retarget"] = "#editor-main"
        response["HX-Reswap"] = "outerHTML"
        return response
    ed = Editor(request, actor, flow, editor_spec(flow))
    try:
        OPS[op](ed)
    except flow_edit.FlowEditError as exc:
        _refused(ed, exc.message)
    except ServiceError as exc:
        if isinstance(exc, PermissionDeniedError | NotFoundError):
            raise
        _refused(ed, exc.message, exc.field_errors)
    if not htmx:
        problems = ed.errors + [str(e) for form in ed.bound.values() for e in _all_errors(form)]
        if problems:
            messages.error(request, "；".join(problems))
        elif ed.changed:
            messages.success(request, _("已保存。"))
        return redirect(editor_url(flow))
    if ed.changed:
        flow.refresh_from_db()
        ed.spec = editor_spec(flow)
        ed.bound = {k: v for k, v in ed.bound.items() if not _is_valid(v)}
    ctx = context(ed)
    template = PARTIALS.get(op, "powers/editor/_main.html")
    retarget = op == "save-step" and ctx["card"] is None  # the step is gone: redraw everything
    response = render(request, "powers/editor/_main.html" if retarget else template, ctx)
    if retarget:
        response["HX-Retarget"] = "#editor-main"
        response["HX-Reswap"] = "outerHTML"
    if ed.changed:
        response["HX-Trigger"] = "flow-changed"
    return response


def _is_valid(form: Any) -> bool:
    return bool(form.is_bound and form.is_valid() and not _all_errors(form))


def _all_errors(form: Any) -> list[str]:
    if isinstance(form, forms.BaseFormSet):
        found = [str(e) for e in form.non_form_errors()]
        for f in form.forms:
            found.extend(str(e) for errs in f.errors.values() for e in errs)
        return found
    return [str(e) for errs in form.errors.values() for e in errs]
