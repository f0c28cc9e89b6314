"""What anonymous readers see: frozen publication (edits never change the public page until republication)
and no leaks of anything secret, internal or personal across pages, search, API, export and sitemap."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from django.test import Client
from openpyxl import load_workbook

from lianfang.powers.models import Disposition, ReviewAction
from lianfang.powers.services import review, update_power
from tests.factories import SYSTEM

from .conftest import INTERNAL_POST, PERSON, PHONE, Portal, publish_through_chain
from .test_publishing import as_data

SECRETS = ("涉密经费审批", "P-SEC", "机密事项")
INTERNAL = (
    "内部报销审核",
    "P-INT",
    "内部报销流程",
    "违规审批退费",
    "建立退费台帐",
    INTERNAL_POST,
    "审核与决定分离",
)
PERSONAL = ("司马光耀", "13800001111", PERSON, PHONE)
FORBIDDEN = SECRETS + INTERNAL + PERSONAL


def get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode() if status == 200 and "xlsx" not in url else ""


def assert_clean(text: str, where: str) -> None:
    for word in FORBIDDEN:
        assert word not in text, (where, word)


def test_public_pages_show_the_external_catalog(client: Client, portal: Portal) -> None:
    assert "某职业学院" in get(client, "/public/")
    page = get(client, "/public/COLLEGE/")
    assert "学费退费审批" in page and "学费退费流程" in page and "核算科" in page
    power = get(client, "/public/COLLEGE/powers/P-EXT/")
    for shown in ("对退学学生办理退费", "《中华人民共和国行政许可法》第三十二条", "20个工作日", "10个工作日"):
        assert shown in power
    assert "<svg" in power and "纪委监督电话" in power and "第1版" in power
    assert 'name="website"' in power  # the honeypot is there, hidden by the stylesheet
    assert "style=" not in power and "<script" not in power  # CSP: no inline styles or scripts


def test_nothing_secret_internal_or_personal_reaches_anonymous_readers(
    client: Client, portal: Portal
) -> None:
    pages = ["/public/", "/public/COLLEGE/", "/public/COLLEGE/powers/P-EXT/", "/public/COLLEGE/flows/FX/"]
    pages += ["/public/COLLEGE/?q=报销", "/public/COLLEGE/?q=涉密", "/public/COLLEGE/?q=退费"]
    for url in pages:
        assert_clean(get(client, url), url)
    for url in (
        "/public/COLLEGE/powers/P-INT/",
        "/public/COLLEGE/powers/P-SEC/",
        "/public/COLLEGE/flows/FI/",
        f"/public/COLLEGE/risks/{portal.risk.code}/",
        "/public/COLLEGE/internal/",
    ):
        assert client.get(url).status_code in (302, 404), url  # login page, or not found
    sitemap = get(client, "/public/sitemap.xml")
    assert "/public/COLLEGE/powers/P-EXT/" in sitemap and "/public/COLLEGE/flows/FX/" in sitemap
    assert "P-INT" not in sitemap and "FI/" not in sitemap and "risks" not in sitemap
    assert_clean(sitemap, "sitemap")


def test_api_and_export_leak_nothing(client: Client, portal: Portal) -> None:
    for url in (
        "/api/public/units",
        "/api/public/units/COLLEGE/catalog",
        "/api/public/units/COLLEGE/powers/P-EXT",
        "/api/public/units/COLLEGE/flows/FX",
        "/api/public/search?q=报销",
        "/api/public/search?q=审核",
        "/api/public/search?q=退费",
    ):
        assert_clean(get(client, url), url)
    assert "学费退费审批" in get(client, "/api/public/search?q=退费")
    for url in (
        "/api/public/units/COLLEGE/powers/P-INT",
        "/api/public/units/COLLEGE/powers/P-SEC",
        "/api/public/units/COLLEGE/flows/FI",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/public/internal/COLLEGE").status_code == 401
    assert client.get("/api/public/feedback").status_code == 401
    response = client.get("/public/COLLEGE/catalog.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None)
    assert "学费退费审批" in cells
    assert_clean(cells, "xlsx")


@pytest.mark.parametrize("where", ["page", "api"])
def test_frozen_publication(client: Client, portal: Portal, where: str) -> None:
    """Editing after publishing never changes what the public sees until republication."""
    url = "/public/COLLEGE/powers/P-EXT/" if where == "page" else "/api/public/units/COLLEGE/powers/P-EXT"
    assert "对退学学生办理退费" in get(client, url)
    power = review(SYSTEM, portal.ext_power, ReviewAction.REVISE, "")
    update_power(SYSTEM, power, replace(as_data(power), content="修订后的具体内容：新增网上办理"))
    page = get(client, url)
    assert "对退学学生办理退费" in page and "修订后的具体内容" not in page
    for action in (ReviewAction.SUBMIT, ReviewAction.CHECK, ReviewAction.VERIFY, ReviewAction.APPROVE):
        power = review(SYSTEM, power, action, "")
        assert "修订后的具体内容" not in get(client, url)  # still the published version
    review(SYSTEM, power, ReviewAction.PUBLISH, "")
    page = get(client, url)
    assert "修订后的具体内容：新增网上办理" in page and "对退学学生办理退费" not in page


def test_abolished_power_leaves_the_portal(client: Client, portal: Portal) -> None:
    get(client, "/public/COLLEGE/powers/P-EXT/")
    power = review(SYSTEM, portal.ext_power, ReviewAction.REVISE, "")
    update_power(
        SYSTEM, power, replace(as_data(power), disposition=Disposition.ABOLISH, disposition_reason="职能划转")
    )
    publish_through_chain(power)
    get(client, "/public/COLLEGE/powers/P-EXT/", 404)
    assert "学费退费审批" not in get(client, "/public/COLLEGE/")
    assert "P-EXT" not in get(client, "/public/sitemap.xml")
    assert "P-EXT" not in get(client, "/api/public/units/COLLEGE/catalog")


def test_a_pending_message_is_never_cached_into_the_public_page(portal: Portal) -> None:
    """A visitor who has just logged out carries a flash message; the page they get is their own, and the
    next anonymous reader is served a page without it."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "您已安全退出")
    carrier = HttpResponse()
    storage.update(carrier)
    leaving = Client()
    leaving.cookies["messages"] = carrier.cookies["messages"].value
    assert "您已安全退出" in get(leaving, "/public/COLLEGE/")
    assert "您已安全退出" not in get(Client(), "/public/COLLEGE/")
    assert "您已安全退出" not in get(Client(), "/public/COLLEGE/")  # the cached copy too
