from __future__ import annotations

from django import template

from lianfang.core.actor import Actor

from ..worklist import WorkItem, awaiting

register = template.Library()


@register.simple_tag
def catalog_worklist(actor: Actor | None) -> dict[str, object]:
    """The home page's 待我处理 panel: catalog items waiting for this actor's move."""
    if actor is None:
        return {"items": [], "total": 0}
    items: list[WorkItem]
    items, total = awaiting(actor)
    return {"items": items, "total": total}
