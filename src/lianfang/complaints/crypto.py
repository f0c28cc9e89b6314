"""Encrypting a filer's identity with a key held in a file outside the database.

The key file (settings.COMPLAINT_KEY_FILE) holds one Fernet key a line: the first encrypts, every line
decrypts (so an old key can stay readable after a new one is put first). It is not in the database and not
in `lianfang backup`: a database dump alone does not reveal who filed. Back it up separately.

A missing key file is created on first use only while no encrypted identity exists yet (a fresh or demo
installation). Once identities exist, a missing key is an error: a new key could never read them.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from lianfang.core.errors import ServiceError

log = logging.getLogger(__name__)

MISSING_KEY = "举报人信息加密密钥文件不存在，请联系系统管理员（lianfang complaints keygen）"
WRONG_KEY = "举报人信息无法解密：密钥文件与数据不匹配，请联系系统管理员"


@dataclass(frozen=True)
class Identity:
    """Who filed, as they gave it. Every field is optional except the name (checked by the services)."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""

    def masked(self) -> Identity:
        return Identity(
            name=mask(self.name, 1, 0),
            id_number=mask(self.id_number, 3, 2),
            phone=mask(self.phone, 3, 2),
            email=mask(self.email, 1, 0),
            address=mask(self.address, 0, 0),
        )


def mask(text: str, keep_start: int, keep_end: int) -> str:
    if not text:
        return ""
    if len(text) <= keep_start + keep_end:
        return "＊" * len(text)
    end = text[len(text) - keep_end :] if keep_end else ""
    return text[:keep_start] + "＊" * (len(text) - keep_start - keep_end) + end


def key_path() -> Path:
    return Path(settings.COMPLAINT_KEY_FILE)


def write_key(path: Path, *, force: bool = False) -> None:
    """Write a new key file readable by its owner only (0600, folder 0700). Refuses to overwrite unless
    forced: the old key is the only way to read the identities it encrypted."""
    if path.exists() and not force:
        raise ServiceError(
            f"密钥文件 {path} 已存在；覆盖将使已加密的举报人信息无法读取，确需覆盖请加 --force"
        )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(Fernet.generate_key() + b"\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _keys(create: bool) -> MultiFernet:
    path = key_path()
    if not path.exists():
        if not create:
            raise ServiceError(MISSING_KEY)
        from .models import Complaint

        if Complaint.objects.exclude(identity_token="").exists():
            raise ServiceError(MISSING_KEY)
        log.warning("complaint key file %s missing and no identity stored yet: creating it", path)
        write_key(path)
    lines = [line.strip() for line in path.read_bytes().splitlines() if line.strip()]
    try:
        return MultiFernet([Fernet(line) for line in lines])
    except (ValueError, TypeError) as exc:
        raise ServiceError(f"密钥文件 {path} 格式无效") from exc


def encrypt_identity(identity: Identity) -> str:
    text = json.dumps(asdict(identity), ensure_ascii=False, sort_keys=True)
    return _keys(create=True).encrypt(text.encode()).decode()


def decrypt_identity(token: str) -> Identity:
    try:
        data = json.loads(_keys(create=False).decrypt(token.encode()))
    except InvalidToken as exc:
        raise ServiceError(WRONG_KEY) from exc
    return Identity(**{k: str(v) for k, v in data.items() if k in Identity.__dataclass_fields__})
