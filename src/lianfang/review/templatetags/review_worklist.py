from __future__ import annotations

from django import template

from lianfang.core.actor import Actor
from lianfang.portal.selectors import open_feedback

from ..selectors import awaiting

register = template.Library()


@register.simple_tag
def sheet_worklist(actor: Actor | None) -> dict[str, object]:
    """The home page's panel of risk sheets waiting for this actor's move."""
    if actor is None:
        return {"items": [], "total": 0}
    items, total = awaiting(actor, limit=10)
    return {"items": items, "total": total}


@register.simple_tag
def feedback_worklist(actor: Actor | None) -> int:
    """How many public comments (意见征集) wait for an answer in the actor's scope: review input."""
    if actor is None:
        return 0
    return open_feedback(actor).count()
