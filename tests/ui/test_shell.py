"""The shell around every page: navigation, language switch, local htmx, error pages, print styles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.conftest import TwoUnits

from .conftest import Logins, client_for

pytestmark = pytest.mark.django_db


def nav_of(html: str) -> str:
    return html[
        html.index('<nav class="side-nav"') : html.index("</nav>", html.index('<nav class="side-nav"'))
    ]


def test_navigation_lists_the_whole_platform_with_unbuilt_sections_disabled(
    org: TwoUnits, logins: Logins
) -> None:
    html = client_for(logins.supervisor).get(reverse("core:home")).content.decode()
    nav = nav_of(html)
    assert f'href="{reverse("org:tree")}"' in nav and "组织机构" in nav
    # 职权目录 and 流程图 are built: links for whoever may read the catalog.
    assert f'href="{reverse("powers:catalog")}"' in nav and f'href="{reverse("powers:flow_list")}"' in nav
    assert f'href="{reverse("risks:register")}"' in nav and f'href="{reverse("risks:measures")}"' in nav
    # Built in the review issue: the sheets' review, the complaint box and the public portal.
    for name in (
        "review:sheets",
        "complaints:queue",
        "portal:index",
        "supervision:board",
        "workdays:calendar",
    ):
        assert f'href="{reverse(name)}"' in nav, name
    for label in ("预警处置", "检查考核"):
        item = re.search(
            rf'<span class="side-nav__item is-disabled"[^>]*><span class="side-nav__label">{label}</span>'
            '<span class="badge badge--soon">即将上线',
            nav,
        )
        assert item, label
        assert not re.search(rf"<a [^>]*>{label}", nav), label
    assert "系统" not in nav  # the supervisor administers nothing


def test_dashboard_shows_roles_scope_and_counts(org: TwoUnits, logins: Logins) -> None:
    response = client_for(logins.dept_head).get(reverse("core:home"))
    html = response.content.decode()
    assert "部门负责人" in html and "财务处" in html and "depthead" in html
    # 财务处 and 核算科; one post (出纳); no unit.
    assert re.search(r'stat__value">2</span><span class="stat__label">部门', html)
    assert re.search(r'stat__value">1</span><span class="stat__label">岗位', html)
    assert re.search(r'stat__value">0</span><span class="stat__label">单位', html)


def test_switching_to_english_shows_english_navigation(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.sysadmin)
    chinese = client.get(reverse("core:home")).content.decode()
    assert "组织机构" in nav_of(chinese) and 'lang="zh-CN"' in chinese
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("core:home")})
    assert response.status_code == 302
    english = client.get(reverse("core:home")).content.decode()
    nav = nav_of(english)
    assert 'lang="en"' in english
    for label in ("Dashboard", "Organisation", "Power catalogue", "Coming soon", "System"):
        assert label in nav, label
    assert "组织机构" not in nav and "即将上线" not in nav
    assert "Sign out" in english and "My roles and scopes" in english
    tree = client.get(reverse("org:tree")).content.decode()
    assert "Staff roster" in tree and "Show retired" in tree
    # …and back.
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "组织机构" in nav_of(client.get(reverse("core:home")).content.decode())


def test_htmx_and_assets_are_served_locally(client: Client, logins: Logins) -> None:
    html = client_for(logins.sysadmin).get(reverse("org:tree")).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any("django_htmx/htmx-2" in s for s in scripts)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    for url in [*scripts, *styles]:
        assert url.startswith("/static/"), url  # no CDN
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()
    assert 'name="htmx-config"' in html and '"includeIndicatorStyles": false' in html  # no inline <style>


def test_stylesheet_has_print_and_tablet_rules() -> None:
    path = finders.find("lianfang/css/app.css")
    assert path
    css = Path(str(path)).read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    assert ".side-nav" in print_rules and "display: none" in print_rules
    assert "@media (max-width: 960px)" in css
    assert "@import" not in css and "url(http" not in css  # no web fonts, nothing from outside


def test_error_pages_are_in_chinese(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.outsider)
    missing = client.get(reverse("org:unit_detail", args=[org.college.pk]))
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    denied = client_for(logins.sysadmin).get(reverse("audit:list"))
    assert denied.status_code == 403 and "无权访问" in denied.content.decode()
    assert "只有审计管理员可以查看审计日志" in denied.content.decode()


def test_server_error_page_stands_alone() -> None:
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "系统错误" in html and "<script" not in html


def test_locked_out_template_names_the_minutes(rf) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.template.loader import render_to_string

    html = render_to_string(
        "accounts/locked_out.html", {"failure_limit": 5, "cooloff_timedelta": timedelta(minutes=15)}
    )
    assert "连续 5 次登录失败" in html and "锁定 15 分钟" in html
