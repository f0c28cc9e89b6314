"""The complaint box's tests: a key file and a media folder of their own, and a filing helper."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lianfang.complaints import services
from lianfang.complaints.crypto import Identity
from lianfang.complaints.files import Upload
from lianfang.complaints.models import Category, TargetKind
from tests.conftest import TwoUnits

# Distinctive on purpose: the dump test looks for them in every table.
FILER = Identity(
    name="欧阳澄溪", id_number="35010219800101123X", phone="13987654321", email="oyangcx@example.org"
)


@pytest.fixture(autouse=True)
def complaint_files(settings: Any, tmp_path: Path) -> Path:
    settings.COMPLAINT_KEY_FILE = tmp_path / "keys" / "complaints.key"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def data(org: TwoUnits, **extra: Any) -> services.ComplaintData:
    values: dict[str, Any] = {
        "unit": org.college,
        "target_kind": TargetKind.DEPARTMENT,
        "department": org.finance,
        "category": Category.FUNDS,
        "title": "报销款被挪用",
        "body": "财务处有人把报销款挪作他用，时间是今年三月。",
        "is_anonymous": False,
        "identity": FILER,
    }
    values.update(extra)
    return services.ComplaintData(**values)


def file(
    org: TwoUnits, uploads: list[Upload] | None = None, address: str = "10.0.0.1", **extra: Any
) -> services.Receipt:
    return services.file_complaint(data(org, **extra), uploads or [], address=address)


PDF = Upload("凭证.pdf", b"%PDF-1.4\n% test\n")
