"""Receipts and abuse resistance, without third-party services: receipt codes and secrets, the client
address as a keyed hash, and per-address throttling kept in the database (shared by every worker process).

Limits (settings, with these defaults):
  COMPLAINT_FILINGS_PER_HOUR          5   complaints filed from one address in an hour
  COMPLAINT_FOLLOW_FAILURES_PER_HOUR  10  wrong receipt code or secret from one address (or for one code)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.http import HttpRequest
from django.utils import timezone

from lianfang.core.errors import ServiceError

from .models import AttemptKind, ComplaintAttempt

# No 0/O, 1/I/L: typed from a printed receipt.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
SECRET_GROUPS = 3
SECRET_GROUP_LENGTH = 4
KEEP_ATTEMPTS = timedelta(days=1)
WINDOW = timedelta(hours=1)

TOO_MANY_FILINGS = "提交过于频繁，请一小时后再试；如情况紧急，请直接来电或来访"
TOO_MANY_FAILURES = "查询失败次数过多，请一小时后再试"


def filings_per_hour() -> int:
    return int(getattr(settings, "COMPLAINT_FILINGS_PER_HOUR", 5))


def follow_failures_per_hour() -> int:
    return int(getattr(settings, "COMPLAINT_FOLLOW_FAILURES_PER_HOUR", 10))


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_receipt_code(year: int) -> str:
    """E.g. JB-2026-7K3QX9 (举报). Uniqueness is the database's; the caller retries on a clash."""
    return f"JB-{year}-{_random(CODE_LENGTH)}"


def new_secret() -> str:
    """E.g. 4F7K-9QXM-2HTR: 12 characters of a 31-letter alphabet (about 59 bits)."""
    return "-".join(_random(SECRET_GROUP_LENGTH) for _ in range(SECRET_GROUPS))


def normal_code(text: str) -> str:
    return "".join((text or "").split()).upper().replace("—", "-").replace("－", "-")


def normal_secret(text: str) -> str:
    """Case, spaces and dashes do not matter when the secret is typed back."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def hash_secret(secret: str) -> str:
    return make_password(normal_secret(secret))


def secret_matches(secret: str, stored_hash: str | None) -> bool:
    if stored_hash is None:
        # Spend the same time as a real check, so a wrong code and a wrong secret look alike.
        make_password(normal_secret(secret))
        return False
    return check_password(normal_secret(secret), stored_hash)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind the reverse proxy (LIANFANG_BEHIND_PROXY) the address
    the proxy appended last to X-Forwarded-For."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return str(request.META.get("REMOTE_ADDR", ""))


def address_hash(address: str) -> str:
    """Keyed with the site's secret key: the stored value does not give the address back, even though
    the address space is small enough to try every address against a plain hash."""
    key = hashlib.sha256(("complaints:" + str(settings.SECRET_KEY)).encode()).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def _recent(kind: str, **match: str) -> int:
    since = timezone.now() - WINDOW
    return ComplaintAttempt.objects.filter(kind=kind, at__gte=since, **match).count()


def _prune() -> None:
    ComplaintAttempt.objects.filter(at__lt=timezone.now() - KEEP_ATTEMPTS).delete()


def check_filing_allowed(address: str) -> None:
    _prune()
    if _recent(AttemptKind.FILING, address_hash=address_hash(address)) >= filings_per_hour():
        raise ServiceError(TOO_MANY_FILINGS)


def note_filing(address: str) -> None:
    ComplaintAttempt.objects.create(kind=AttemptKind.FILING, address_hash=address_hash(address))


def check_follow_allowed(address: str, code: str) -> None:
    _prune()
    limit = follow_failures_per_hour()
    by_address = _recent(AttemptKind.FOLLOW_FAILED, address_hash=address_hash(address))
    by_code = _recent(AttemptKind.FOLLOW_FAILED, receipt_code=code) if code else 0
    if by_address >= limit or by_code >= limit:
        raise ServiceError(TOO_MANY_FAILURES)


def note_follow_failure(address: str, code: str) -> None:
    ComplaintAttempt.objects.create(
        kind=AttemptKind.FOLLOW_FAILED, address_hash=address_hash(address), receipt_code=code[:20]
    )
