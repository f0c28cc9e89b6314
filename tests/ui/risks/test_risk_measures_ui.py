"""Measures on the risk page and the measures list: editing, the library, evidence, responsibility, CSP."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from lianfang.accounts.models import Role
from lianfang.cycles.models import Cycle
from lianfang.risks.models import Measure, MeasureEvidence, MeasureTemplate, RiskPoint
from lianfang.risks.services import MeasureData, add_measure, assess
from lianfang.risks.vocabulary import MeasureStatus
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, PersonFactory, user_with_role
from tests.risk_factories import make_risk, post_risk_data
from tests.ui.conftest import Logins, client_for
from tests.ui.pages import html_of

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "lianfang" / "risks" / "templates"
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


# --- measures and evidence ----------------------------------------------------------------------------------


def measure_post(prefix: str = "new", **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "category": "process",
        "text": "实行报销双人复核",
        "owner": "",
        "owner_text": "财务处处长",
        "due_date": "2026-06-30",
        "status": "planned",
        "review_date": "",
        "template": "",
    }
    data.update({k: v for k, v in overrides.items()})
    return {f"{prefix}-{k}": v for k, v in data.items()}


def test_measures_are_added_edited_and_removed_on_the_risk_page(
    org: TwoUnits, logins: Logins, cycle: Cycle
) -> None:
    risk = make_risk(cycle, post_risk_data(org.cashier))
    person = PersonFactory(department=org.finance, unit=org.college, name="赵处长")
    client = client_for(logins.dept_head)
    add = reverse("risks:measure_add", args=[risk.pk])
    bad = client.post(add, measure_post(text="", review_date="2026-01-01"))
    assert bad.status_code == 400 and "这个字段是必填项。" in bad.content.decode()
    bad = client.post(add, measure_post(review_date="2026-01-01"))
    assert bad.status_code == 400 and "复查日期不能早于完成时限" in bad.content.decode()
    assert not Measure.objects.exists()
    ok = client.post(add, measure_post(owner=person.pk))
    measure = Measure.objects.get()
    assert ok.status_code == 302 and ok["Location"].endswith(f"#measure-{measure.pk}")
    assert (measure.owner, measure.due_date, measure.category) == (person, dt.date(2026, 6, 30), "process")
    page = html_of(client, reverse("risks:detail", args=[risk.pk]))
    assert "实行报销双人复核" in page and "赵处长" in page and "2026-06-30" in page
    edit = reverse("risks:measure_edit", args=[measure.pk])
    inline = client.get(edit, **HTMX).content.decode()
    assert "<html" not in inline and f'id="measure-{measure.pk}"' in inline
    assert f'name="m{measure.pk}-text"' in inline and "从措施库选择" in inline
    assert "<html" in html_of(client, edit)  # without htmx: its own page
    saved = client.post(edit, measure_post(f"m{measure.pk}", status="done", text="已实行双人复核"))
    assert saved.status_code == 302
    measure.refresh_from_db()
    assert (measure.status, measure.text) == ("done", "已实行双人复核")
    assert client.post(reverse("risks:measure_remove", args=[measure.pk])).status_code == 302
    assert not Measure.objects.exists()


def test_the_measure_library_is_filtered_by_category(org: TwoUnits, logins: Logins) -> None:
    MeasureTemplate.objects.create(category="structure", text="实行管采分离")
    MeasureTemplate.objects.create(category="education", text="开展廉政警示教育")
    MeasureTemplate.objects.create(category="education", text="停用的条目", active=False)
    client = client_for(logins.dept_head)
    url = reverse("risks:template_picker")
    everything = html_of(client, url + "?prefix=new")
    assert (
        "实行管采分离" in everything and "开展廉政警示教育" in everything and "停用的条目" not in everything
    )
    education = html_of(client, url + "?prefix=m12&pick-category=education")
    assert "实行管采分离" not in education and "开展廉政警示教育" in education
    assert 'data-prefix="m12"' in education and 'data-category="education"' in education
    assert 'data-text="开展廉政警示教育"' in education


def test_evidence_upload_then_download_gives_the_same_bytes(
    org: TwoUnits, logins: Logins, cashier_risk: RiskPoint, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    measure = cashier_risk.measures.get()
    content = "报销台帐 2026 年第一季度\n".encode() + bytes(range(256))
    client = client_for(logins.dept_head)
    upload = reverse("risks:evidence_upload", args=[measure.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    empty = client.post(upload, {"file": SimpleUploadedFile("空.txt", b"")})
    assert empty.status_code == 400 and "所提交的是空文件。" in empty.content.decode()
    done = client.post(upload, {"file": SimpleUploadedFile("台帐.bin", content)})
    assert done.status_code == 302
    evidence = MeasureEvidence.objects.get()
    digest = hashlib.sha256(content).hexdigest()
    page = html_of(client, reverse("risks:detail", args=[cashier_risk.pk]))
    assert "台帐.bin" in page and digest in page
    response = client.get(reverse("risks:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body == content and hashlib.sha256(body).hexdigest() == evidence.sha256
    assert "attachment" in response["Content-Disposition"]
    outsider = client_for(user_with_role(Role.SUPERVISOR, org.other, "other-jiwei"))
    assert outsider.get(reverse("risks:evidence_download", args=[evidence.pk])).status_code == 404
    assert (
        client_for(logins.liaison).get(reverse("risks:evidence_download", args=[evidence.pk])).status_code
        == 404
    )


def test_measures_page_filters_status_category_and_overdue(
    org: TwoUnits, logins: Logins, cycle: Cycle, academic_risk: RiskPoint
) -> None:
    risk = make_risk(cycle, post_risk_data(org.cashier))
    add_measure(
        SYSTEM, risk, MeasureData(category="rules", text="修订报销制度", due_date=dt.date(2020, 1, 31))
    )
    add_measure(
        SYSTEM,
        risk,
        MeasureData(
            category="rules", text="建立台帐", due_date=dt.date(2020, 1, 31), status=MeasureStatus.DONE
        ),
    )
    add_measure(
        SYSTEM, academic_risk, MeasureData(category="technology", text="成绩系统留痕", owner_text="教务处长")
    )
    client = client_for(logins.supervisor)
    url = reverse("risks:measures") + f"?cycle={cycle.pk}"
    texts = ("修订报销制度", "建立台帐", "成绩系统留痕")

    def found(query: str) -> set[str]:
        html = html_of(client, url + query)
        table = html[html.index('<table class="data measures-table">') :]
        return {t for t in texts if t in table}

    assert found("") == set(texts)
    assert found("&status=done") == {"建立台帐"}
    assert found("&category=technology") == {"成绩系统留痕"}
    assert found("&overdue=on") == {"修订报销制度"}
    assert found(f"&department={org.academic.pk}") == {"成绩系统留痕"}
    assert found("&q=台帐") == {"建立台帐"}
    page = html_of(client, url)
    assert page.count('<span class="badge badge--danger">逾期</span>') == 1 and "教务处长" in page
    head = html_of(client_for(logins.dept_head), reverse("risks:measures"))
    assert "修订报销制度" in head and "成绩系统留痕" not in head


def test_responsibility_is_shown_or_its_problem_explained(
    org: TwoUnits, logins: Logins, cashier_risk: RiskPoint
) -> None:
    client = client_for(logins.dept_head)
    ungraded = html_of(client, reverse("risks:detail", args=[cashier_risk.pk]))
    assert "尚未评定风险等级，责任随等级确定" in ungraded
    assess(SYSTEM, cashier_risk, {"probability": "high", "harm": "minor"})
    graded = html_of(client, reverse("risks:detail", args=[cashier_risk.pk]))
    assert "尚未设置主要领导" in graded


# --- CSP ---------------------------------------------------------------------------------------------------


def test_templates_have_no_inline_scripts_or_styles() -> None:
    files = list(TEMPLATES.rglob("*.html"))
    assert len(files) > 15
    for path in files:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, (path.name, tag)
        assert not re.search(r"<script\b[^>]*>\s*(?!</script>)\S", text), path.name
        assert " style=" not in text and "<style" not in text, path.name
        assert not re.search(r"\son[a-z]+=", text), path.name  # no inline event handlers


def test_pages_load_their_script_and_styles_from_static(
    org: TwoUnits, logins: Logins, cashier_risk: RiskPoint
) -> None:
    client = client_for(logins.dept_head)
    assess(SYSTEM, cashier_risk, {"probability": "high", "harm": "minor"})
    measure = cashier_risk.measures.get()
    for url in (
        reverse("risks:register"),
        reverse("risks:measures"),
        reverse("risks:create") + f"?cycle={cashier_risk.cycle_id}",
        reverse("risks:edit", args=[cashier_risk.pk]),
        reverse("risks:measure_edit", args=[measure.pk]),
        reverse("risks:detail", args=[cashier_risk.pk]),
    ):
        page = html_of(client, url)
        assert "style=" not in page and "<style" not in page, url
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page)), url
        assert not re.search(r"\son[a-z]+=", page), url
    html = html_of(client, reverse("risks:detail", args=[cashier_risk.pk]))
    assert '<script src="/static/risks/risks.js" defer></script>' in html
    assert '<link rel="stylesheet" href="/static/risks/risks.css">' in html
    for url in ("/static/risks/risks.js", "/static/risks/risks.css"):
        response = client.get(url)
        assert response.status_code == 200
        response.close()
