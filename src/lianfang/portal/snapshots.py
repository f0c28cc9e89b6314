"""What a publication freezes: an item's content as plain JSON, built once at publication from the live rows.

Rules (DOMAIN §9): the external audience gets the catalog, the external flowchart and the discretion
benchmarks; the internal audience (the unit's staff) also gets posts, separation-of-duty pairs, risk points,
levels, measures and responsibility. Never personal data: no person's name, phone or staff number — posts and
departments by name only; measure owners and responsibility as role labels (the register's `owner` points at
a person and `owner_text` is free text that may name one, so neither is copied); review comments, reasons
and notes stay out too.

An external flow's diagram carries what an applicant needs (办理主体, 依据, 期限, 监督渠道, 材料): the
internal post a step is assigned to (岗位) and the 不相容 pairs (internal controls) are internal-only, so the
external diagram is drawn from a copy of the flow without them, a step known only by its post showing the
post's department as its handler.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from lianfang.core.i18n import source_text
from lianfang.core.vocabulary import LimitUnit, RiskType
from lianfang.powers.flowspec import FlowSpec, StepKind
from lianfang.powers.models import Audience, Disposition, Flowchart, FlowStep, Power, PowerCategory
from lianfang.powers.render_svg import flow_svg, limit_text
from lianfang.powers.selectors import flow_spec
from lianfang.risks.models import Cause, MeasureCategory, MeasureStatus, RiskKind, RiskLevel, RiskPoint
from lianfang.risks.responsibility import ResponsibilityError, responsibility_for
from lianfang.risks.search import index_text
from lianfang.risks.vocabulary import SubjectKind

from .models import PublicAudience


def _label(choices: Any, value: str) -> str:
    return source_text(choices(value).label) if value in choices.values else value


def _limit(value: int | None, unit: str) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"value": value, "unit": unit, "text": limit_text(value, unit or LimitUnit.WORKING_DAYS)}


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


# --- safe SVG -----------------------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
SVG_TAGS = frozenset(
    {"svg", "g", "title", "desc", "text", "tspan", "path", "polygon", "polyline", "ellipse", "rect", "line"}
)
SVG_ATTRS = frozenset(
    {
        "xmlns", "id", "class", "viewBox", "width", "height", "preserveAspectRatio", "role", "transform",
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "rx", "ry", "r", "d", "points", "fill", "stroke",
        "stroke-width", "stroke-dasharray", "font-family", "font-size", "font-weight", "text-anchor",
        "data-width", "data-height", "data-step", "data-for-step", "fill-opacity", "stroke-opacity",
    }
)  # fmt: skip


def safe_svg(svg: str) -> str:
    """Our own rendering, kept to plain drawing: known elements and presentation attributes only (no script,
    no links, no event handlers, no style attributes — the CSP would refuse those anyway)."""
    ET.register_namespace("", SVG_NS)
    root = ET.fromstring(svg)  # noqa: S314 (Graphviz output re-serialised by our renderer; no entities)

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    def walk(node: ET.Element) -> None:
        for child in list(node):
            if local(child.tag) not in SVG_TAGS:
                node.remove(child)
                continue
            walk(child)
        for attr in list(node.attrib):
            if local(attr) not in SVG_ATTRS or attr.startswith("on"):
                del node.attrib[attr]

    if local(root.tag) != "svg":
        return ""
    walk(root)
    for element in root.iter():
        element.tag = local(element.tag)
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")


# --- flows --------------------------------------------------------------------------------------------------


def _public_spec(spec: FlowSpec, handlers: dict[str, str]) -> FlowSpec:
    """The flow as society may see it: the handling body instead of the internal post, no 不相容 pairs."""
    steps = tuple(dataclasses.replace(s, post_id=None, handler=handlers.get(s.code, "")) for s in spec.steps)
    return dataclasses.replace(spec, steps=steps, separations=())


def flow_is_external(flow: Flowchart) -> bool:
    """External when an external, non-secret power in force uses it."""
    return (
        flow.powers.filter(audience=Audience.EXTERNAL, is_secret=False)
        .exclude(disposition=Disposition.ABOLISH)
        .exists()
    )


def flow_content(flow: Flowchart, audience: str) -> dict[str, Any]:
    external = audience == PublicAudience.EXTERNAL
    dept_name = flow.department.name if flow.department else ""
    spec = flow_spec(flow)
    rows = list(FlowStep.objects.filter(flow=flow).select_related("post__department"))
    posts = {s.code: (s.post.name if s.post else "") for s in rows}
    # The written handler (a body or a role) is public; a step known only by its post shows the post's
    # department, the body the applicant deals with.
    bodies = {
        s.code: s.handler or (s.post.department.name if s.post else "") or dept_name or flow.unit.name
        for s in rows
    }
    shown = _public_spec(spec, bodies) if external else spec
    steps = []
    for s in shown.steps:
        step: dict[str, Any] = {
            "code": s.code,
            "name": s.name,
            "kind": _label(StepKind, s.kind),
            "handler": s.handler,
            "basis": s.basis,
            "conditions": s.conditions,
            "materials": s.materials,
            "limit": limit_text(s.time_limit, s.limit_unit),
            "supervision": s.supervision,
            "applicant_rights": s.applicant_rights,
        }
        if not external:
            step["post"] = posts.get(s.code, "")
        steps.append(step)
    names = {s.code: s.name for s in spec.steps}
    powers = flow.powers.filter(is_secret=False).exclude(disposition=Disposition.ABOLISH)
    if external:
        powers = powers.filter(audience=Audience.EXTERNAL)
    content: dict[str, Any] = {
        "kind": "flow",
        "code": flow.code,
        "name": flow.name,
        "description": flow.description,
        "unit": flow.unit.name,
        "department": dept_name,
        "year": flow.cycle.year,
        "statutory": _limit(flow.statutory_limit, flow.statutory_unit),
        "promised": _limit(flow.promised_limit, flow.promised_unit),
        "steps": steps,
        "transitions": [
            {"from": names.get(t.source, t.source), "to": names.get(t.target, t.target), "label": t.label}
            for t in shown.transitions
        ],
        "discretion": [
            {
                "violation": d.violation,
                "circumstance": d.circumstance,
                "min": _money(d.min_amount),
                "max": _money(d.max_amount),
                "measure": d.measure,
                "basis": d.basis,
            }
            for d in spec.discretion
        ],
        "powers": [{"code": p.code, "name": p.name} for p in powers.order_by("sort_order", "code")],
        "svg": safe_svg(flow_svg(shown)),
    }
    if not external:
        content["separations"] = [
            {"first": names.get(x.first, x.first), "second": names.get(x.second, x.second), "note": x.note}
            for x in spec.separations
        ]
    return content


def flow_search(content: dict[str, Any]) -> str:
    parts = [content["code"], content["name"], content["description"], content["department"]]
    for s in content["steps"]:
        parts += [s["name"], s["handler"], s["basis"], s["supervision"]]
    return index_text(parts)


# --- powers -------------------------------------------------------------------------------------------------


def power_audience(power: Power) -> str:
    """External by its own field, unless its flow is secret (the catalog then keeps it inside the unit)."""
    if power.audience == Audience.EXTERNAL and not (power.flow is not None and power.flow.is_secret):
        return PublicAudience.EXTERNAL
    return PublicAudience.INTERNAL


def power_content(power: Power, audience: str) -> dict[str, Any]:
    flow = power.flow if power.flow is not None and not power.flow.is_secret else None
    content: dict[str, Any] = {
        "kind": "power",
        "code": power.code,
        "name": power.name,
        "content": power.content,
        "category": _label(PowerCategory, power.category),
        "unit": power.unit.name,
        "department": power.department.name if power.department else "",
        "handler": power.handler_text or (power.department.name if power.department else power.unit.name),
        "bases": [
            {"document": b.document, "article": b.article} for b in power.bases.order_by("order", "id")
        ],
        "disposition": power.disposition,
        "disposition_label": _label(Disposition, power.disposition),
        "year": power.cycle.year,
        "flow": {"code": flow.code, "name": flow.name} if flow else None,
        "statutory": _limit(flow.statutory_limit, flow.statutory_unit) if flow else None,
        "promised": _limit(flow.promised_limit, flow.promised_unit) if flow else None,
    }
    if power.disposition == Disposition.ABOLISH:
        content["abolish_reason"] = power.disposition_reason
    if audience == PublicAudience.INTERNAL:
        content["posts"] = sorted({p.name for p in power.posts.all()})
    return content


def power_search(content: dict[str, Any]) -> str:
    bases = [b["document"] + b["article"] for b in content["bases"]]
    parts = [content["code"], content["name"], content["content"], content["handler"], content["department"]]
    return index_text([*parts, *bases, content["category"]])


# --- risk points --------------------------------------------------------------------------------------------


def _party_label(role: str, title: str, department_name: str) -> str:
    what = " ".join(p for p in (department_name, title) if p)
    return f"{role}：{what}" if what else role


def _responsibility(risk: RiskPoint) -> dict[str, Any] | None:
    try:
        r = responsibility_for(risk)
    except ResponsibilityError:
        return None
    supervisors = dict.fromkeys(_party_label(p.role, p.title, p.department_name) for p in r.supervisors)
    return {
        "control_line": r.control_line,
        "manager": _party_label(r.manager.role, r.manager.title, r.manager.department_name),
        "supervisors": list(supervisors),
        "direct": list(dict.fromkeys(f"{p.role}：{risk.post.name}" for p in r.direct)) if risk.post else [],
    }


def risk_content(risk: RiskPoint) -> dict[str, Any]:
    if risk.subject_kind == SubjectKind.POST and risk.post is not None:
        subject = risk.post.name
    elif risk.department is not None:
        subject = risk.department.name
    else:
        subject = "领导班子"
    return {
        "kind": "risk",
        "code": risk.code,
        "name": risk.name,
        "duty": risk.duty,
        "unit": risk.unit.name,
        "subject_kind": risk.subject_kind,
        "subject_label": _label(SubjectKind, risk.subject_kind),
        "subject": subject,
        "department": risk.department.name if risk.department else "",
        "post": risk.post.name if risk.post else "",
        "year": risk.cycle.year,
        "risk_type": _label(RiskType, risk.risk_type),
        "risk_kind": _label(RiskKind, risk.risk_kind),
        "causes": [_label(Cause, c) for c in risk.causes or []],
        "level": risk.level,
        "level_label": _label(RiskLevel, risk.level) if risk.level else "",
        "manifestations": [m.text for m in risk.manifestations.order_by("order", "id")],
        "measures": [
            {
                "category": _label(MeasureCategory, m.category),
                "text": m.text,
                "due_date": m.due_date.isoformat() if m.due_date else "",
                "status": _label(MeasureStatus, m.status),
            }
            for m in risk.measures.order_by("order", "id")
        ],
        "responsibility": _responsibility(risk),
        "power": {"code": risk.power.code, "name": risk.power.name}
        if risk.power and not risk.power.is_secret
        else None,
        "step": risk.step.name if risk.step and not risk.step.flow.is_secret else "",
    }


def risk_search(content: dict[str, Any]) -> str:
    parts = [content["code"], content["name"], content["duty"], content["subject"], content["department"]]
    return index_text([*parts, *content["manifestations"], *(m["text"] for m in content["measures"])])
