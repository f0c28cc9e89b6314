"""Publishing freezes snapshots: what each kind holds, secret items never published, no personal data, the
lineage's versions and history, the abolished power withdrawn, the audit entry."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from lianfang.audit.models import AuditAction, AuditEntry
from lianfang.core.errors import ServiceError
from lianfang.portal.models import Publication, PublicationKind, PublicAudience
from lianfang.portal.publishing import publish
from lianfang.portal.snapshots import safe_svg
from lianfang.powers.models import Disposition, ReviewAction
from lianfang.powers.services import review, update_power
from lianfang.powers.services.catalog import PowerData
from lianfang.risks.models import RiskPoint, RiskStatus
from tests.factories import SYSTEM, make_power
from tests.risk_factories import make_risk, post_risk_data

from .conftest import INTERNAL_POST, PERSON, PHONE, Portal, publish_through_chain


def current(kind: str, code: str) -> Publication:
    return Publication.objects.get(kind=kind, code=code, is_current=True)


def as_data(power: object) -> PowerData:
    p = power
    return PowerData(
        code=p.code,  # type: ignore[attr-defined]
        name=p.name,  # type: ignore[attr-defined]
        content=p.content,  # type: ignore[attr-defined]
        audience=p.audience,  # type: ignore[attr-defined]
        department=p.department,  # type: ignore[attr-defined]
        bases=[(b.document, b.article) for b in p.bases.all()],  # type: ignore[attr-defined]
        flow=p.flow,  # type: ignore[attr-defined]
    )


def test_power_snapshot_holds_what_the_page_needs(portal: Portal) -> None:
    pub = current(PublicationKind.POWER, "P-EXT")
    assert pub.audience == PublicAudience.EXTERNAL and pub.version == 1 and pub.year == 2026
    c = pub.content
    assert c["name"] == "学费退费审批" and c["content"] == "对退学学生办理退费"
    assert c["bases"] == [{"document": "《中华人民共和国行政许可法》", "article": "第三十二条"}]
    assert c["flow"] == {"code": "FX", "name": "学费退费流程"}
    assert c["statutory"]["text"] == "20个工作日" and c["promised"]["text"] == "10个工作日"
    assert "posts" not in c  # the internal post is for the internal publication
    assert current(PublicationKind.POWER, "P-INT").content["posts"] == []
    assert AuditEntry.objects.filter(action=AuditAction.PUBLISH, object_id=str(pub.pk)).exists()


def test_external_flow_snapshot_has_no_internal_information(portal: Portal) -> None:
    ext = current(PublicationKind.FLOW, "FX")
    assert ext.audience == PublicAudience.EXTERNAL
    steps = ext.content["steps"]
    assert [s["name"] for s in steps] == ["受理申请", "审核材料", "作出决定"]
    assert steps[0]["handler"] == "核算科"  # the post's department, not the post
    assert steps[0]["supervision"] == "纪委监督电话" and steps[0]["limit"] == "1个工作日"
    assert "separations" not in ext.content and all("post" not in s for s in steps)
    text = json.dumps(ext.content, ensure_ascii=False)
    assert INTERNAL_POST not in text and "不相容" not in text and "审核与决定分离" not in text
    assert ext.content["svg"].startswith("<svg") and "<script" not in ext.content["svg"]
    assert [p["code"] for p in ext.content["powers"]] == ["P-EXT"]  # not the secret one

    internal = current(PublicationKind.FLOW, "FI")
    assert internal.audience == PublicAudience.INTERNAL
    assert internal.content["steps"][0]["post"] == INTERNAL_POST
    assert internal.content["separations"] == [
        {"first": "审核材料", "second": "作出决定", "note": "审核与决定分离"}
    ]
    assert "不相容" in internal.content["svg"]


def test_risk_snapshot_is_internal_with_measures_and_roles_not_persons(portal: Portal) -> None:
    pub = current(PublicationKind.RISK, portal.risk.code)
    assert pub.audience == PublicAudience.INTERNAL
    c = pub.content
    assert c["name"] == "违规审批退费" and c["post"] == INTERNAL_POST and c["level"] == "high"
    assert c["manifestations"] == ["票据审核不严", "违规报销"]
    assert c["measures"][0]["text"] == "建立退费台帐"
    text = json.dumps(c, ensure_ascii=False)
    for personal in ("司马光耀", "13800001111", PERSON, PHONE):
        assert personal not in text


def test_no_snapshot_holds_personal_data(portal: Portal) -> None:
    for pub in Publication.objects.all():
        text = json.dumps(pub.content, ensure_ascii=False) + pub.search_text
        for personal in ("司马光耀", "13800001111", PERSON, PHONE):
            assert personal not in text, (pub.kind, pub.code)


def test_secret_items_are_never_published(portal: Portal) -> None:
    assert portal.secret_power.pk and not Publication.objects.filter(code="P-SEC").exists()
    assert publish(SYSTEM, portal.secret_power) is None
    assert not Publication.objects.filter(code="P-SEC").exists()


def test_marking_a_published_item_secret_withdraws_it(portal: Portal) -> None:
    power = review(SYSTEM, portal.int_power, ReviewAction.REVISE, "")
    update_power(SYSTEM, power, replace(as_data(power), is_secret=True))
    publish_through_chain(power)
    pub = current(PublicationKind.POWER, "P-INT")
    assert pub.withdrawn and pub.version == 1


def test_unapproved_items_are_refused(portal: Portal) -> None:
    draft = make_power(portal.cycle, portal.org.academic, "P-DRAFT")
    with pytest.raises(ServiceError):
        publish(SYSTEM, draft)
    risk = make_risk(portal.cycle, post_risk_data(portal.org.cashier))
    with pytest.raises(ServiceError):
        publish(SYSTEM, risk)


def test_republication_is_a_new_version_and_history_is_kept(portal: Portal) -> None:
    power = review(SYSTEM, portal.ext_power, ReviewAction.REVISE, "")
    update_power(SYSTEM, power, replace(as_data(power), name="学费退费审批（修订）"))
    publish_through_chain(power)
    versions = list(Publication.objects.filter(code="P-EXT").order_by("version"))
    assert [(p.version, p.is_current, p.title) for p in versions] == [
        (1, False, "学费退费审批"),
        (2, True, "学费退费审批（修订）"),
    ]
    assert versions[0].content["name"] == "学费退费审批"  # the old version is frozen as it was


def test_risk_point_lineage_across_publications(portal: Portal) -> None:
    RiskPoint.objects.filter(pk=portal.risk.pk).update(
        name="违规审批退费（修订）", status=RiskStatus.PUBLISHED
    )
    second = publish(SYSTEM, RiskPoint.objects.get(pk=portal.risk.pk))
    assert second is not None and second.version == 2
    assert Publication.objects.filter(kind="risk", code=portal.risk.code).count() == 2


def test_abolished_power_published_withdraws_the_lineage(portal: Portal) -> None:
    power = review(SYSTEM, portal.ext_power, ReviewAction.REVISE, "")
    data = replace(as_data(power), disposition=Disposition.ABOLISH, disposition_reason="职能划转")
    update_power(SYSTEM, power, data)
    publish_through_chain(power)
    pub = current(PublicationKind.POWER, "P-EXT")
    assert pub.withdrawn and pub.version == 2 and pub.content["abolish_reason"] == "职能划转"
    assert Publication.objects.filter(code="P-EXT", version=1, withdrawn=False).exists()  # history kept


def test_safe_svg_drops_scripts_links_and_handlers() -> None:
    dirty = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">'
        '<script>alert(1)</script><a href="javascript:alert(1)"><text>x</text></a>'
        '<g style="fill:red" onclick="x()"><text x="1">步骤</text></g><foreignObject/></svg>'
    )
    clean = safe_svg(dirty)
    for bad in ("script", "onload", "onclick", "javascript", "style", "foreignObject", "<a"):
        assert bad not in clean
    assert "步骤" in clean and clean.startswith("<svg")
