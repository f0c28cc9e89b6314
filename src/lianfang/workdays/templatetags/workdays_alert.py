from __future__ import annotations

from django import template
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.core.actor import Actor

from ..selectors import missing_year_alert

register = template.Library()


@register.simple_tag
def calendar_alert(actor: Actor | None) -> str | None:
    """For those who keep the calendar: the sentence saying which year still has to be entered."""
    if actor is None or not can_anywhere(actor, Action.EDIT, ObjectType.CALENDAR):
        return None
    return missing_year_alert(timezone.localdate())
