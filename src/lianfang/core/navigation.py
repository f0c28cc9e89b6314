"""The platform's navigation. Sections that later issues build are listed, marked as not yet available."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.core.actor import Actor


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str | None  # None: the section is not built yet

    @property
    def available(self) -> bool:
        return self.url is not None


def navigation(actor: Actor) -> list[NavItem]:
    items: list[NavItem] = []
    if any(
        can_anywhere(actor, Action.VIEW, t) for t in (ObjectType.UNIT, ObjectType.DEPARTMENT, ObjectType.POST)
    ):
        items.append(NavItem("org", str(_("组织机构")), reverse("org:tree")))
    for key, label, object_type, url_name in (
        ("powers", _("职权目录"), ObjectType.POWER, "powers:catalog"),
        ("flows", _("流程图"), ObjectType.FLOW, "powers:flow_list"),
        ("risks", _("风险点"), ObjectType.RISK, "risks:register"),
        ("measures", _("防控措施"), ObjectType.RISK, "risks:measures"),
    ):
        if can_anywhere(actor, Action.VIEW, object_type):
            items.append(NavItem(key, str(label), reverse(url_name)))
        else:
            items.append(NavItem(key, str(label), None))
    if can_anywhere(actor, Action.VIEW, ObjectType.RISK):
        items.append(NavItem("review", str(_("审核与进度")), reverse("review:sheets")))
    if can_anywhere(actor, Action.VIEW, ObjectType.CASE) or can_anywhere(
        actor, Action.VIEW, ObjectType.ALERT
    ):
        items.append(NavItem("supervision", str(_("电子监察")), reverse("supervision:board")))
    else:
        items.append(NavItem("supervision", str(_("电子监察")), None))
    for key, label in (
        ("warnings", _("预警处置")),
        ("inspection", _("检查考核")),
    ):
        items.append(NavItem(key, str(label), None))
    if can_anywhere(actor, Action.VIEW, ObjectType.FEEDBACK):
        items.append(NavItem("feedback", str(_("意见征集")), reverse("portal:queue")))
    if can_anywhere(actor, Action.VIEW, ObjectType.COMPLAINT):
        items.append(NavItem("complaints", str(_("举报箱")), reverse("complaints:queue")))
    # The public portal is open to everyone; staff see the internal publication there too.
    items.append(NavItem("portal", str(_("公开")), reverse("portal:index")))
    if can_anywhere(actor, Action.EDIT, ObjectType.CALENDAR):
        items.append(NavItem("workdays", str(_("工作日历")), reverse("workdays:calendar")))
    system_url = None
    if can_anywhere(actor, Action.VIEW, ObjectType.ACCOUNT) or can_anywhere(
        actor, Action.VIEW, ObjectType.GRANT
    ):
        system_url = reverse("accounts:user_list")
    elif can_anywhere(actor, Action.VIEW, ObjectType.AUDIT):
        system_url = reverse("audit:list")
    if system_url:
        items.append(NavItem("system", str(_("系统")), system_url))
    return items
