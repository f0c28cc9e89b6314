"""The demo's publication: last year's approved catalog published through the chain, three comments
with one public answer, and nothing internal on the anonymous catalog page."""

from __future__ import annotations

from django.test import Client

from lianfang.core.demo import load_demo
from lianfang.core.demo_data import UNIT
from lianfang.core.demo_portal import load_portal_demo
from lianfang.org.models import Unit
from lianfang.portal.models import Feedback, Publication, PublicAudience
from lianfang.powers.models import ApprovalStatus, Power
from tests.factories import SYSTEM


def test_demo_publication(db: None, client: Client) -> None:
    load_demo()
    unit = Unit.objects.get(code=UNIT["code"])
    if not Publication.objects.filter(unit=unit).exists():  # the demo may publish by itself
        counts = load_portal_demo(SYSTEM, unit)
        assert counts["publications"] > 0 and counts["feedback"] == 3
    assert Power.objects.filter(unit=unit, status=ApprovalStatus.PUBLISHED).exists()
    assert Feedback.objects.filter(unit=unit, answer_public=True).count() == 1
    page = client.get(f"/public/{unit.code}/").content.decode()
    internal = Publication.objects.filter(unit=unit, audience=PublicAudience.INTERNAL, kind="power")
    assert internal.exists()
    for pub in internal:
        if not Publication.objects.filter(
            unit=unit, kind="power", title=pub.title, audience="external"
        ).exists():
            assert pub.title not in page
    external = Publication.objects.filter(
        unit=unit, audience="external", kind="power", is_current=True
    ).first()
    assert external is not None and external.title in page
