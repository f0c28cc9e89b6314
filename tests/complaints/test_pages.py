"""The complaint box's pages through Django's test client: the public form (with attachments, the honeypot
and errors), the one-time receipt, the follow-up page, and the office's queue, detail, status change,
identity reveal and attachment download."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianfang.accounts.models import Role
from lianfang.audit.models import AuditEntry
from lianfang.complaints.models import Complaint, ComplaintAttachment
from tests.complaints.conftest import FILER, file
from tests.conftest import TwoUnits
from tests.factories import user_with_role
from tests.ui.pages import html_of, main_of


def office(role: str, node: Any) -> Client:
    client = Client()
    client.force_login(user_with_role(role, node))
    return client


def form(org: TwoUnits, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "unit": org.college.pk,
        "target_kind": "department",
        "department": org.finance.pk,
        "category": "funds",
        "title": "科研经费报销造假",
        "body": "有人用虚假发票报销科研经费，涉及金额较大。",
        "name": FILER.name,
        "phone": FILER.phone,
        "website": "",
    }
    values.update(extra)
    return values


def test_public_form_is_open_without_login_and_has_no_inline_styles(org: TwoUnits) -> None:
    html = html_of(Client(), f"/complaints/new/?unit={org.college.code}")
    assert "举报箱" in html and 'name="website"' in html and 'class="hp-field"' in html
    assert f'value="{org.finance.pk}"' in html and "出纳" in html
    assert "style=" not in html and "<script>" not in html
    part = html_of(Client(), f"/complaints/new/targets/?unit={org.other.pk}")
    assert "办公室" in part and "财务处" not in part


def test_filing_with_attachments_shows_the_receipt_once(org: TwoUnits) -> None:
    pdf = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = Client().post("/complaints/new/", form(org, attachments=[pdf]))
    assert response.status_code == 200, main_of(response.content.decode())
    html = response.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.receipt_code in html and "查询密码只显示这一次" in html
    secret = re.search(r'id="receipt-secret">([^<]+)<', html)
    assert secret is not None
    assert "no-store" in response["Cache-Control"]
    assert ComplaintAttachment.objects.get().name == "发票.pdf"
    # Following it with the receipt.
    follow = Client().post(
        "/complaints/follow/", {"receipt_code": complaint.receipt_code, "secret": secret.group(1)}
    )
    assert follow.status_code == 200 and "已受理" in follow.content.decode()
    assert FILER.name not in follow.content.decode()
    wrong = Client().post("/complaints/follow/", {"receipt_code": complaint.receipt_code, "secret": "X"})
    assert wrong.status_code == 400 and "受理编号或查询密码不正确" in wrong.content.decode()


def test_form_errors_honeypot_and_bad_files_are_shown_in_chinese(org: TwoUnits) -> None:
    response = Client().post("/complaints/new/", form(org, title="", name=""))
    html = response.content.decode()
    assert response.status_code == 400 and "请填写标题" in html and "实名举报请填写姓名" in html
    exe = SimpleUploadedFile("a.exe", b"MZ")
    response = Client().post("/complaints/new/", form(org, attachments=[exe]))
    assert response.status_code == 400 and "类型不允许" in response.content.decode()
    response = Client().post("/complaints/new/", form(org, website="http://spam"))
    assert response.status_code == 400 and "提交未被接受" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_oversized_upload_is_refused_before_reading(org: TwoUnits, settings: Any) -> None:
    settings.COMPLAINT_MAX_UPLOAD_BYTES = 100
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200)
    response = Client().post("/complaints/new/", form(org, attachments=[big]))
    assert response.status_code == 400 and "附件总大小不能超过" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_office_queue_detail_reveal_and_download(org: TwoUnits) -> None:
    from lianfang.complaints.files import Upload

    complaint = file(org, [Upload("证据.pdf", b"%PDF-1.4 x")]).complaint
    client = office(Role.SUPERVISOR, org.college)
    queue = main_of(html_of(client, "/complaints/"))
    assert complaint.receipt_code in queue and "实名" in queue
    detail = main_of(html_of(client, f"/complaints/{complaint.pk}/"))
    assert "查看举报人信息" in detail and FILER.name not in detail and FILER.phone not in detail
    revealed = client.post(f"/complaints/{complaint.pk}/identity/")
    page = revealed.content.decode()
    assert revealed.status_code == 200 and FILER.name in page and FILER.phone in page
    assert "no-store" in revealed["Cache-Control"]
    assert AuditEntry.objects.filter(object_type="complaints.complaint_identity").count() == 1
    # Reading it again is another entry; the page alone never shows it.
    client.post(f"/complaints/{complaint.pk}/identity/")
    assert AuditEntry.objects.filter(object_type="complaints.complaint_identity").count() == 2
    assert FILER.name not in html_of(client, f"/complaints/{complaint.pk}/")
    attachment = ComplaintAttachment.objects.get()
    download = client.get(f"/complaints/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 x"
    assert download["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(object_type="complaints.complaintattachment").count() == 1


def test_office_changes_status_with_a_reply(org: TwoUnits) -> None:
    complaint = file(org).complaint
    client = office(Role.SUPERVISOR, org.college)
    refused = client.post(f"/complaints/{complaint.pk}/status/", {"status": "concluded", "reply": ""})
    assert refused.status_code == 400 and "请填写给举报人的答复" in refused.content.decode()
    done = client.post(
        f"/complaints/{complaint.pk}/status/", {"status": "concluded", "reply": "已查实并处理"}
    )
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "concluded" and complaint.public_reply == "已查实并处理"
    note = client.post(f"/complaints/{complaint.pk}/note/", {"note": "归档"})
    assert note.status_code == 302


def test_others_get_403_or_404(org: TwoUnits) -> None:
    complaint = file(org).complaint
    attachment_url = f"/complaints/{complaint.pk}/"
    assert office(Role.UNIT_LEADER, org.college).get("/complaints/").status_code == 403
    assert office(Role.SYSADMIN, org.college).get(attachment_url).status_code == 403
    other = office(Role.SUPERVISOR, org.other)
    assert complaint.receipt_code not in html_of(other, "/complaints/")
    assert other.get(attachment_url).status_code == 404
    assert other.post(f"/complaints/{complaint.pk}/identity/").status_code == 404
    assert Client().get("/complaints/").status_code == 302
    assert not AuditEntry.objects.filter(object_type="complaints.complaint_identity").exists()
