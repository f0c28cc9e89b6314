"""The REST API: django-ninja under /api/, session auth for the UI and bearer tokens for systems."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, django_auth

from lianfang import __version__
from lianfang.accounts.selectors import actor_for_token, request_actor, token_by_key
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_by_key(token)
        if found is None:
            return None
        request._lianfang_actor = actor_for_token(found)  # type: ignore[attr-defined]
        return found


def actor_of(request: HttpRequest) -> Actor:
    return request_actor(request)


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese left as it is, so responses and logs are readable."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ReadableJSONRenderer(),
    title="廉防 Lianfang API",
    version=__version__,
    description="廉政风险防控平台接口。系统调用请使用 `Authorization: Bearer <令牌>`；浏览器内使用登录会话。"
    '错误响应统一为 `{"detail": 说明, "errors": {字段: [说明…]}}`。',
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


def _error(
    request: HttpRequest, status: int, detail: str, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


@api.exception_handler(PermissionDeniedError)
def _permission_denied(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return _error(request, 403, exc.message)


@api.exception_handler(NotFoundError)
def _not_found(request: HttpRequest, exc: NotFoundError) -> HttpResponse:
    return _error(request, 404, exc.message)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, 400, exc.message, exc.field_errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "未登录或令牌无效")


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", []) if p not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(loc) or "请求", []).append(_translate(item))
    return _error(request, 422, "请求数据格式有误", errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


def _translate(item: dict[str, Any]) -> str:
    kind = item.get("type", "")
    return {
        "missing": "必填项缺失",
        "string_type": "应为文本",
        "int_type": "应为整数",
        "int_parsing": "应为整数",
        "date_type": "应为日期（YYYY-MM-DD）",
        "date_parsing": "应为日期（YYYY-MM-DD）",
        "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
        "bool_parsing": "应为布尔值",
        "bool_type": "应为布尔值",
        "enum": "取值无效",
        "literal_error": "取值无效",
        "list_type": "应为列表",
        "json_invalid": "JSON 格式错误",
        "model_attributes_type": "应为对象",
    }.get(kind, str(item.get("msg", "取值无效")))


class GrantOut(Schema):
    role: str
    scope_path: str


class MeOut(Schema):
    kind: str
    name: str
    grants: list[GrantOut]
    token_scopes: list[str]
    token_path: str


@api.get("/me", response=MeOut, tags=["账号"], summary="当前调用者及其权限范围")
def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    return {
        "kind": actor.kind,
        "name": actor.name,
        "grants": [{"role": role, "scope_path": path} for role, path in actor.grants],
        "token_scopes": sorted(actor.token_scopes),
        "token_path": actor.token_path,
    }


api.add_router("/org/", "lianfang.org.api.router")
api.add_router("/cycles", "lianfang.cycles.api.router")
api.add_router("/powers", "lianfang.powers.api.catalog.router")
api.add_router("/flows", "lianfang.powers.api.flows.router")
api.add_router("/risks", "lianfang.risks.api.router")
api.add_router("/review", "lianfang.review.api.router")
api.add_router("/public", "lianfang.portal.api.router")
api.add_router("/complaints", "lianfang.complaints.api.router")
api.add_router("/workdays", "lianfang.workdays.api.router")
api.add_router("/supervision", "lianfang.supervision.api.router")
