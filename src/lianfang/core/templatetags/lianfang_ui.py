"""Small template helpers for the UI shell: permission checks, the actor's unit, display formatting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.http import HttpRequest

from lianfang.accounts.permissions import can, can_anywhere
from lianfang.core.actor import Actor

register = template.Library()


@register.simple_tag
def can_do(actor: Actor | None, action: str, object_type: str, path: str) -> bool:
    """`{% can_do actor "edit" "unit" unit.path as may_edit %}`: whether to show a button."""
    if actor is None:
        return False
    return can(actor, action, object_type, path or "")


@register.simple_tag(takes_context=True)
def actor_unit(context: template.Context) -> str:
    """The name of the unit the signed-in user belongs to, for the header."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    person = getattr(user, "person", None)
    if person is not None:
        return str(person.unit.name)
    grant = user.grants.filter(revoked_at__isnull=True).select_related("unit", "department__unit").first()
    if grant is None:
        return ""
    return str(grant.unit.name if grant.unit else grant.department.unit.name)


@register.filter
def minutes(value: Any) -> int:
    """A timedelta as whole minutes (rounded up): for the lock-out page."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        return int(-(-seconds // 60))
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@register.filter
def query_without(querydict: Any, key: str) -> str:
    """The current query string without one key (e.g. `page`), for pagination links."""
    params = querydict.copy()
    params.pop(key, None)
    return str(params.urlencode())


SECTION_OF_NAMESPACE = {
    "org": "org",
    "accounts": "system",
    "audit": "system",
    "powers": "powers",
    "risks": "risks",
    "risks:risk_dashboard": "risks",
}


@register.simple_tag(takes_context=True)
def active_section(context: template.Context) -> str:
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.url_name in {"password_change", "login", "logout"}:
        return ""
    if match.namespace == "powers" and match.url_name.startswith("flow"):
        return "flows"
    if match.namespace == "risks" and match.url_name.startswith("measure"):
        return "measures"
    return SECTION_OF_NAMESPACE.get(match.namespace, "")


@register.simple_tag(takes_context=True)
def my_grants(context: template.Context) -> list[Any]:
    """The signed-in user's active role grants, with their nodes, for the dashboard."""
    from lianfang.accounts.selectors import active_grants

    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(active_grants(user).select_related("unit", "department__unit"))


@register.simple_tag
def visible_counts(actor: Actor | None) -> dict[str, int]:
    """How many active units, departments, posts and persons the actor can see."""
    from lianfang.org import selectors
    from lianfang.org.models import Status

    if actor is None:
        return {}
    return {
        "units": selectors.units(actor).filter(status=Status.ACTIVE).count(),
        "departments": selectors.departments(actor).filter(status=Status.ACTIVE).count(),
        "posts": selectors.posts(actor).filter(status=Status.ACTIVE).count(),
        "persons": selectors.persons(actor).filter(status=Status.ACTIVE).count(),
    }


@register.simple_tag
def can_any(actor: Actor | None, action: str, object_type: str) -> bool:
    """`{% can_any actor "view" "audit" as may_audit %}`: the permission somewhere in the tree."""
    if actor is None:
        return False
    return can_anywhere(actor, action, object_type)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
