"""Import and export flowcharts as YAML (docs/formats/flow.md), through the ordinary services and selectors.

Import is all or nothing (`core.importing.run_import`): every flow of the file is checked, its department,
the posts of its steps and the powers it lists are found by name and code in the cycle's unit, and it is
created or updated by code through `create_flow` / `update_flow` / `save_flow_content`; the listed powers
get the flow through `update_power`. A flow or power that is approved (or on its way) is not changed: an
unchanged one is skipped, a changed one is an error. Any error, or a dry run, rolls everything back.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from django.db import transaction

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record, record_export
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, ServiceError
from lianfang.core.i18n import source_text
from lianfang.core.importing import ImportReport, run_import
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post, Status

from .flow_yaml import FlowEntry, dump_flows, parse_document
from .models import ApprovalStatus, Flowchart, Power
from .selectors import external_catalog, flow_spec, flows, powers
from .services import FlowData, PowerData, create_flow, save_flow_content, update_flow, update_power
from .services.common import EDITABLE

# A service's field name → the key of the flow in the file.
_FIELD_KEYS = {
    "statutory_unit": "statutory_limit.unit",
    "promised_unit": "promised_limit.unit",
    "is_secret": "secret",
    "cycle": "",
}


def read_source(text_or_path: str | Path) -> tuple[str, str]:
    """(text, file name) of a YAML source. A Path is a file; so is a one-line string naming an existing
    file or ending in .yaml/.yml; any other string is the YAML text itself. Raises ServiceError (Chinese)."""
    if isinstance(text_or_path, str):
        one_line = "\n" not in text_or_path
        named = one_line and text_or_path.strip().lower().endswith((".yaml", ".yml"))
        if not one_line or not (named or Path(text_or_path).is_file()):
            return text_or_path, ""
    path = Path(text_or_path)
    if not path.is_file():
        raise ServiceError(f"找不到文件“{path}”")
    try:
        return path.read_text(encoding="utf-8"), path.name
    except UnicodeDecodeError:
        raise ServiceError("无法读取文件：应为 UTF-8 编码的 YAML 文本") from None


def import_flows_yaml(
    text_or_path: str | Path, *, actor: Actor, cycle: Cycle, dry_run: bool = False
) -> ImportReport:
    """Import the file's flows into `cycle` with `actor`'s permissions; all or nothing (module docstring)."""
    try:
        text, source = read_source(text_or_path)
    except ServiceError as exc:
        report = ImportReport(dry_run=dry_run)
        report.add_error("", None, "", exc.message)
        return report
    return run_import(lambda report: _FlowImport(actor, cycle, report).run(text, source), dry_run=dry_run)


def _error(report: ImportReport, location: str, message: str) -> None:
    report.add_error("", None, location, f"{location}: {message}" if location else message)


class _FlowImport:
    def __init__(self, actor: Actor, cycle: Cycle, report: ImportReport):
        self.actor, self.cycle, self.report = actor, cycle, report
        self.unit = cycle.unit

    def run(self, text: str, source: str) -> None:
        doc = parse_document(text)
        for e in doc.errors:
            _error(self.report, e.location, e.message)
        if doc.unit and doc.unit != self.unit.code:
            _error(self.report, "unit", f"文件属于单位“{doc.unit}”，而导入目标是单位“{self.unit.code}”")
        claimed: dict[str, str] = {}
        for entry in doc.flows:
            for k, code in enumerate(entry.spec.power_codes, start=1):
                if code in claimed:
                    where = f"{entry.where}.powers[{k}]"
                    _error(
                        self.report,
                        where,
                        f"职权“{code}”已列在 {claimed[code]} 中，一项职权只能使用一个流程图",
                    )
                claimed.setdefault(code, entry.where)
        for entry in doc.flows:
            self.import_flow(entry)
        if self.report.ok and not self.report.dry_run:
            # Each flow has its own entry from its service; this one says they came in together.
            record(
                self.actor,
                AuditAction.IMPORT,
                object_type="powers.flow_import",
                object_repr=f"流程图导入 {source}".strip(),
                scope_path=self.unit.path,
                after={
                    "file": source,
                    "cycle": self.cycle.pk,
                    "created": self.report.created,
                    "updated": self.report.updated,
                },
            )

    # --- look-ups in the cycle's unit ----------------------------------------------------------------

    def department(self, name: str, where: str) -> Department | None:
        found = list(Department.objects.filter(unit=self.unit, name=name).order_by("pk"))
        if not found:
            _error(self.report, where, f"单位“{self.unit.name}”中没有名为“{name}”的部门")
            return None
        # A retired department of the same name is taken only when there is no active one (the service
        # then says it is retired).
        return next((d for d in found if d.status == Status.ACTIVE), found[0])

    def post(self, path: str, where: str) -> Post | None:
        """A post written "部门名称/岗位名称", or just "岗位名称" if no other department has it."""
        dept_name, _, post_name = path.rpartition("/")
        qs = Post.objects.filter(department__unit=self.unit, name=post_name.strip())
        if dept_name.strip():
            qs = qs.filter(department__name=dept_name.strip())
        found = list(qs.select_related("department").order_by("pk"))
        active = [p for p in found if p.status == Status.ACTIVE and p.department.status == Status.ACTIVE]
        if not found:
            message = f"单位“{self.unit.name}”中没有岗位“{path}”（应写成“部门名称/岗位名称”）"
            _error(self.report, where, message)
            return None
        if len(active) > 1:
            depts = "、".join(p.department.name for p in active)
            _error(
                self.report, where, f"岗位“{post_name}”在多个部门中都有（{depts}），请写成“部门名称/岗位名称”"
            )
            return None
        return active[0] if active else found[0]

    def powers_of(self, entry: FlowEntry) -> list[Power] | None:
        codes = entry.spec.power_codes
        by_code = {p.code: p for p in Power.objects.filter(cycle=self.cycle, code__in=codes)}
        for k, code in enumerate(codes, start=1):
            if code not in by_code:
                _error(self.report, f"{entry.where}.powers[{k}]", f"本年度职权目录中没有职权编码“{code}”")
        if any(code not in by_code for code in codes):
            return None
        return [by_code[c] for c in codes]

    # --- one flow ------------------------------------------------------------------------------------

    def import_flow(self, entry: FlowEntry) -> None:
        where = entry.where
        dept = self.department(entry.department, f"{where}.department") if entry.department else None
        failed = entry.failed or bool(entry.department and dept is None)
        posts: dict[str, Post] = {}
        for n, step in enumerate(entry.spec.steps, start=1):
            if path := entry.post_of(step.code):
                post = self.post(path, f"{where}.steps[{n}].post")
                if post is None:
                    failed = True
                else:
                    posts[step.code] = post
        linked = self.powers_of(entry) if entry.link_powers else []
        if failed or linked is None:
            return
        steps = tuple(
            replace(s, post_id=posts[s.code].pk if s.code in posts else None) for s in entry.spec.steps
        )
        resolved = replace(
            entry,
            spec=replace(entry.spec, steps=steps),
            posts=tuple((code, _post_path(post)) for code, post in posts.items()),
        )
        existing = Flowchart.objects.filter(cycle=self.cycle, code=entry.spec.code).first()
        try:
            with transaction.atomic():
                flow, created, changed = self.save_flow(existing, resolved, dept)
                if flow is not None and entry.link_powers:
                    changed = self.link_powers(flow, linked, entry) or changed
        except ServiceError as exc:
            self.service_error(exc, where)
            return
        if created:
            self.report.created += 1
        elif changed:
            self.report.updated += 1

    def save_flow(
        self, existing: Flowchart | None, entry: FlowEntry, dept: Department | None
    ) -> tuple[Flowchart | None, bool, bool]:
        """(the flow, created, changed). A flow the file leaves as it is gets no write at all, so approved
        flows can be imported again unchanged."""
        spec = entry.spec
        data = FlowData(
            code=spec.code,
            name=spec.name,
            department=dept,
            description=spec.description,
            statutory_limit=spec.statutory_limit,
            statutory_unit=spec.statutory_unit,
            promised_limit=spec.promised_limit,
            promised_unit=spec.promised_unit,
            is_secret=entry.secret,
        )
        if existing is None:
            return create_flow(self.actor, self.cycle, data, spec), True, True
        if _same(_entry_of(existing), entry):
            return existing, False, False
        if existing.status not in EDITABLE:
            state = source_text(ApprovalStatus(existing.status).label)
            message = f"流程图“{existing.code} {existing.name}”处于“{state}”状态，不能通过导入修改"
            message += "；需先退回或重新修订"
            _error(self.report, entry.where, message)
            return None, False, False
        flow = save_flow_content(self.actor, update_flow(self.actor, existing, data), spec)
        return flow, False, True

    def link_powers(self, flow: Flowchart, linked: list[Power], entry: FlowEntry) -> bool:
        """Give the listed powers this flow, take it from powers no longer listed; whether any changed."""
        wanted = {p.pk for p in linked}
        moves: list[tuple[str, Power, Flowchart | None]] = [
            (f"{entry.where}.powers[{k}]", p, flow) for k, p in enumerate(linked, start=1)
        ]
        dropped = Power.objects.filter(flow=flow).exclude(pk__in=wanted).order_by("code")
        moves += [(f"{entry.where}.powers", p, None) for p in dropped]
        changed = False
        for where, power, target in moves:
            power.refresh_from_db()  # an earlier flow of the file may have moved it
            if power.flow_id == (target.pk if target else None):
                continue
            if power.status not in EDITABLE:
                state = source_text(ApprovalStatus(power.status).label)
                verb = "改用本流程图" if target else f"不再使用本流程图（文件未列出“{power.code}”）"
                _error(self.report, where, f"职权“{power.code} {power.name}”处于“{state}”状态，不能{verb}")
                continue
            try:
                update_power(self.actor, power, _power_data(power, target))
            except ServiceError as exc:
                for message in _messages(exc):
                    _error(self.report, where, message)
                continue
            changed = True
        return changed

    def service_error(self, exc: ServiceError, where: str) -> None:
        if not exc.field_errors:
            _error(self.report, where, exc.message)
        for name, messages in exc.field_errors.items():
            key = _FIELD_KEYS.get(name, name)
            for message in messages:
                _error(self.report, f"{where}.{key}" if key else where, message)


def _messages(exc: ServiceError) -> list[str]:
    return [m for msgs in exc.field_errors.values() for m in msgs] or [exc.message]


def _power_data(power: Power, flow: Flowchart | None) -> PowerData:
    """The power as it is, with another flow."""
    return PowerData(
        code=power.code,
        name=power.name,
        content=power.content,
        category=power.category,
        audience=power.audience,
        department=power.department,
        handler_text=power.handler_text,
        posts=list(power.posts.all()),
        bases=[(b.document, b.article) for b in power.bases.order_by("order", "id")],
        disposition=power.disposition,
        disposition_reason=power.disposition_reason,
        is_secret=power.is_secret,
        flow=flow,
        sort_order=power.sort_order,
    )


def _post_path(post: Post) -> str:
    return f"{post.department.name}/{post.name}"


def _same(stored: FlowEntry, incoming: FlowEntry) -> bool:
    """Whether the file says what is stored (power links apart): compared as the YAML both would be."""
    return dump_flows([replace(stored, link_powers=False)]) == dump_flows(
        [replace(incoming, link_powers=False)]
    )


# --- export --------------------------------------------------------------------------------------------


def _entry_of(flow: Flowchart, power_codes: tuple[str, ...] | None = None) -> FlowEntry:
    """A stored flow as an entry of the file: posts by path, steps without ids."""
    spec = flow_spec(flow)
    ids = {s.post_id for s in spec.steps if s.post_id is not None}
    paths = {p.pk: _post_path(p) for p in Post.objects.filter(pk__in=ids).select_related("department")}
    posts = tuple((s.code, paths[s.post_id]) for s in spec.steps if s.post_id is not None)
    return FlowEntry(
        replace(
            spec,
            steps=tuple(replace(s, post_id=None) for s in spec.steps),
            power_codes=spec.power_codes if power_codes is None else power_codes,
        ),
        department=flow.department.name if flow.department else "",
        secret=flow.is_secret,
        posts=posts,
    )


def export_flows_yaml(
    actor: Actor, cycle: Cycle, *, codes: list[str] | None = None, external_only: bool = False
) -> str:
    """The cycle's flows the actor may see, as YAML (all of them, or those with the given codes).

    `external_only` gives what may go to society: flows used by powers of `external_catalog` and never
    a secret one, listing only those powers. Otherwise every visible power using a flow is listed.
    Raises NotFoundError naming the codes that are not there or not visible.
    """
    qs = flows(actor).filter(cycle=cycle).order_by("code")
    public = external_catalog(cycle)
    if external_only:
        qs = qs.filter(
            is_secret=False,
            status__in=(ApprovalStatus.APPROVED, ApprovalStatus.PUBLISHED),
            pk__in=public.values("flow"),
        )
    if codes:
        qs = qs.filter(code__in=codes)
        missing = sorted(set(codes) - set(qs.values_list("code", flat=True)))
        if missing:
            raise NotFoundError(
                f"没有可导出的流程图：{'、'.join(missing)}（不存在、不在权限范围内或不可对外公开）"
            )
    visible = public if external_only else powers(actor).filter(cycle=cycle)
    entries = []
    for flow in qs:
        used_by = tuple(visible.filter(flow=flow).order_by("code").values_list("code", flat=True))
        entries.append(_entry_of(flow, used_by))
    text = dump_flows(entries, unit=cycle.unit.code, year=cycle.year)
    record_export(
        actor,
        what=f"导出流程图 {cycle.unit.name} {cycle.year}年度",
        object_type="powers.flow_export",
        details={
            "cycle": cycle.pk,
            "codes": [e.spec.code for e in entries],
            "external_only": external_only,
        },
    )
    return text
