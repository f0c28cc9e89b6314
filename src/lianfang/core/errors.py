"""Errors that services raise. Messages are Chinese and meant to be shown to the user as they are."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that the business rules refuse. `field_errors` maps a field name to its messages."""

    def __init__(
        self, message: str = "", *, field: str | None = None, field_errors: dict[str, list[str]] | None = None
    ):
        self.field_errors: dict[str, list[str]] = dict(field_errors or {})
        if field and message:
            self.field_errors.setdefault(field, []).append(message)
        if not message:
            message = "；".join(m for msgs in self.field_errors.values() for m in msgs) or "操作未能完成"
        self.message = message
        super().__init__(message)


class PermissionDeniedError(ServiceError):
    def __init__(self, message: str = "您没有执行此操作的权限"):
        super().__init__(message)


class NotFoundError(ServiceError):
    def __init__(self, message: str = "对象不存在或不在您的权限范围内"):
        super().__init__(message)


class Checker:
    """Collects every problem with an input before failing, so a form shows them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def require(self, condition: bool, field: str, message: str) -> None:
        if not condition:
            self.errors.setdefault(field, []).append(message)

    def done(self) -> None:
        if self.errors:
            raise ServiceError(field_errors=self.errors)
