"""Control measure endpoints (防控措施): add, change, remove, evidence files (stored with their SHA-256 and
downloaded only inside the caller's scope), and the measure library to pick from."""

# No `from __future__ import annotations` here: the list filters' types must be real objects, since
# ninja resolves string annotations of a @paginate'd view in the pagination module's namespace.

from typing import Any

from django.db.models import Q
from django.http import FileResponse, HttpRequest
from ninja import File, Query, Router
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate

from lianfang.accounts.selectors import request_actor
from lianfang.core.errors import NotFoundError, ServiceError
from lianfang.powers.api.common import payload_names

from .. import selectors as sel
from .. import services
from ..models import Measure, MeasureEvidence, MeasureTemplate, RiskPoint
from ..services.measures import MAX_EVIDENCE_BYTES
from .common import MEASURE_NAMES, get_evidence, get_measure, owner_ref, template_ref
from .schemas import EvidenceOut, LibraryQuery, MeasureFields, MeasureOut, TemplateOut

router = Router(tags=["防控措施"])


def _data(risk: RiskPoint, payload: MeasureFields) -> services.MeasureData:
    return services.MeasureData(
        category=payload.category,
        text=payload.text,
        owner=owner_ref(risk, payload.owner_id),
        owner_text=payload.owner_text,
        due_date=payload.due_date,
        status=payload.status,
        review_date=payload.review_date,
        template=template_ref(payload.template_id),
    )


def _out(measure_id: int) -> Measure:
    return Measure.objects.select_related("owner").prefetch_related("evidence").get(pk=measure_id)


@router.get("/measure-library", response=list[TemplateOut], summary="措施库（可选用的防控措施范例）")
@paginate
def measure_library(request: HttpRequest, filters: Query[LibraryQuery]) -> Any:
    qs = MeasureTemplate.objects.filter(active=True)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.risk_type:
        qs = qs.filter(Q(risk_type=filters.risk_type) | Q(risk_type=""))
    for word in filters.q.split():
        qs = qs.filter(text__icontains=word)
    return qs


@router.post("/{int:risk_id}/measures", response={201: MeasureOut}, summary="为风险点添加防控措施")
def add_measure(request: HttpRequest, risk_id: int, payload: MeasureFields) -> Any:
    actor = request_actor(request)
    risk = sel.get_risk(actor, risk_id)
    with payload_names(MEASURE_NAMES):
        measure = services.add_measure(actor, risk, _data(risk, payload))
    return HttpStatus(201, _out(measure.pk))


@router.put("/measures/{int:measure_id}", response=MeasureOut, summary="修改防控措施（含落实状态）")
def update_measure(request: HttpRequest, measure_id: int, payload: MeasureFields) -> Measure:
    actor = request_actor(request)
    measure = get_measure(actor, measure_id)
    with payload_names(MEASURE_NAMES):
        services.update_measure(actor, measure, _data(measure.risk, payload))
    return _out(measure_id)


@router.delete("/measures/{int:measure_id}", response={204: None}, summary="删除防控措施（无佐证时）")
def remove_measure(request: HttpRequest, measure_id: int) -> Any:
    actor = request_actor(request)
    services.remove_measure(actor, get_measure(actor, measure_id))
    return HttpStatus(204, None)


@router.post(
    "/measures/{int:measure_id}/evidence",
    response={201: EvidenceOut},
    summary="上传落实佐证（multipart 字段 file；返回 SHA-256）",
)
def upload_evidence(
    request: HttpRequest,
    measure_id: int,
    file: UploadedFile | None = File(None),  # noqa: B008  (ninja's parameter marker)
) -> Any:
    actor = request_actor(request)
    measure = get_measure(actor, measure_id)
    if file is None:
        raise ServiceError("请选择要上传的佐证文件（multipart 字段 file）", field="file")
    # One byte past the limit is enough for the service to refuse an oversized file without reading it all.
    content = file.read(MAX_EVIDENCE_BYTES + 1)
    evidence = services.add_evidence(actor, measure, name=file.name or "", content=content)
    return HttpStatus(201, evidence)


@router.get("/evidence/{int:evidence_id}", response={200: None}, summary="下载落实佐证文件")
def download_evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence: MeasureEvidence = get_evidence(request_actor(request), evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFoundError(f"佐证文件“{evidence.name}”在存储中找不到，请联系系统管理员") from exc
    response = FileResponse(handle, as_attachment=True, filename=evidence.name)
    response["X-Content-SHA256"] = evidence.sha256
    return response
