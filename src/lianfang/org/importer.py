"""Import the organisation from one .xlsx workbook, through the same services as the screens.

Sheets (any may be missing): 单位, 部门, 岗位, 人员, 任职, 领导分工, 联络员 — see docs/formats/org-import.md.
Everything runs in one transaction; every problem is collected with its sheet, Excel row and column, and
if there is any, nothing is written. Re-importing updates the rows it matches instead of adding copies:
units by 单位代码, departments by unit + name, posts by department + name, persons by unit + 工号,
assignments by person + post + start date, leadership by unit + person + kind, liaisons by department.
On an update a blank cell keeps the stored value (the import never clears data), except for the structure
columns 上级部门 and 分管部门, which say exactly where things belong.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor
from lianfang.core.importing import (
    ImportReport,
    Row,
    SheetSpec,
    UnreadableFileError,
    find_sheet,
    open_workbook,
    ordered_by_parent,
    read_sheet,
    rows_of,
    run_import,
)

from . import services
from .import_layout import (
    ASSIGNMENTS,
    DEPARTMENTS,
    DEPT_KINDS,
    FLAG_COLUMNS,
    LEAD_KINDS,
    LEADERSHIP,
    LEVELS,
    LIAISONS,
    LIST_SPLIT,
    PERSONS,
    POSTS,
    SHEETS,
    UNIT_KINDS,
    UNITS,
)
from .models import (
    Department,
    DepartmentKind,
    LeadershipRole,
    Liaison,
    Person,
    Post,
    PostAssignment,
    PostLevel,
    Status,
    Unit,
    UnitKind,
)


def import_org_workbook(
    path_or_file: str | Path | IO[bytes], *, actor: Actor, dry_run: bool = False
) -> ImportReport:
    """Import the workbook with `actor`'s permissions; all or nothing. See the module docstring."""
    report = ImportReport(dry_run=dry_run)
    try:
        workbook = open_workbook(path_or_file)
    except UnreadableFileError as exc:
        report.add_error("", None, "", str(exc))
        return report
    if not any(find_sheet(workbook, spec) for spec in SHEETS):
        names = "、".join(spec.name for spec in SHEETS)
        report.add_error("", None, "", f"工作簿中没有可导入的工作表（应为：{names}），请使用导入模板")
        return report
    if isinstance(path_or_file, str | Path):
        source = Path(path_or_file).name
    else:
        source = Path(str(getattr(path_or_file, "name", "") or "")).name
    return run_import(lambda report: _OrgImport(workbook, actor, report).run(source), dry_run=dry_run)


def _keep(new: Any, old: Any) -> Any:
    return old if new is None or new == "" else new


class _OrgImport:
    def __init__(self, workbook: Workbook, actor: Actor, report: ImportReport):
        self.workbook, self.actor, self.report = workbook, actor, report
        self.units: dict[str, Unit | None] = {}
        self.depts: dict[tuple[int, str], Department | None] = {}
        self.posts: dict[tuple[int, str], Post | None] = {}
        self.persons: dict[tuple[int, str], Person | None] = {}
        # Keys of workbook rows that failed: rows referring to them are skipped without a second error.
        self.failed: set[tuple[str, ...]] = set()
        self.default_unit = ""

    def run(self, source: str) -> None:
        for step in (
            self.import_units,
            self.import_departments,
            self.import_posts,
            self.import_persons,
            self.import_assignments,
            self.import_leadership,
            self.import_liaisons,
        ):
            start = len(self.report.errors)
            step()
            self.report.errors[start:] = sorted(self.report.errors[start:], key=lambda e: e.row or 0)
        if self.report.ok and not self.report.dry_run:
            # Each row has its own entry from its service; this one says the rows came in together.
            record(
                self.actor,
                AuditAction.IMPORT,
                object_type="org.import",
                object_repr=f"组织机构导入 {source}".strip(),
                after={"file": source, "created": self.report.created, "updated": self.report.updated},
            )

    def rows(self, spec: SheetSpec) -> Iterator[Row]:
        ws = find_sheet(self.workbook, spec)
        return rows_of(self.report, read_sheet(ws, spec, self.report) if ws is not None else None)

    def count(self, created: bool) -> None:
        if created:
            self.report.created += 1
        else:
            self.report.updated += 1

    # --- look-ups: this workbook's rows first (through the caches), then the database ----------------

    def find_unit(self, code: str) -> Unit | None:
        if code not in self.units:
            self.units[code] = Unit.objects.filter(code=code).first()
        return self.units[code]

    def find_dept(self, unit: Unit, name: str) -> Department | None:
        if (unit.pk, name) not in self.depts:
            found = Department.objects.filter(unit=unit, name=name, status=Status.ACTIVE).first()
            self.depts[(unit.pk, name)] = found
        return self.depts[(unit.pk, name)]

    def find_post(self, dept: Department, name: str) -> Post | None:
        if (dept.pk, name) not in self.posts:
            found = Post.objects.filter(department=dept, name=name, status=Status.ACTIVE).first()
            self.posts[(dept.pk, name)] = found
        return self.posts[(dept.pk, name)]

    def find_person(self, unit: Unit, staff_no: str) -> Person | None:
        if (unit.pk, staff_no) not in self.persons:
            self.persons[(unit.pk, staff_no)] = Person.objects.filter(unit=unit, staff_no=staff_no).first()
        return self.persons[(unit.pk, staff_no)]

    def missing(self, row: Row, key: tuple[str, ...], column: str, message: str) -> None:
        """A reference that resolves to nothing: silent when it names a row that already failed."""
        if key in self.failed:
            row.failed = True
        else:
            row.error(column, message)

    def unit_of(self, row: Row) -> tuple[str, Unit | None]:
        code = row.code("单位代码", max_length=40) or self.default_unit
        if not code:
            row.error("单位代码", "“单位代码”不能为空（工作簿涉及多个单位时必须填写）")
            return "", None
        unit = self.find_unit(code)
        if unit is None:
            self.missing(row, ("unit", code), "单位代码", f"单位代码“{code}”不存在（“单位”表和系统中都没有）")
        return code, unit

    def dept_of(
        self, row: Row, code: str, unit: Unit | None, header: str, required: bool = True
    ) -> Department | None:
        name = row.text(header, required=required, max_length=200)
        if not name or unit is None:
            return None
        dept = self.find_dept(unit, name)
        if dept is None:
            self.missing(row, ("dept", code, name), header, f"部门“{name}”不存在（“部门”表和系统中都没有）")
        return dept

    def post_of(self, row: Row, code: str, dept: Department | None) -> Post | None:
        name = row.text("岗位名称", required=True, max_length=200)
        if not name or dept is None:
            return None
        post = self.find_post(dept, name)
        if post is None:
            message = f"“{dept.name}”没有名为“{name}”的岗位"
            self.missing(row, ("post", code, dept.name, name), "岗位名称", message)
        return post

    def person_of(self, row: Row, code: str, unit: Unit | None) -> Person | None:
        staff_no = row.code("工号", required=True, max_length=40)
        name = row.text("姓名", max_length=100)
        if not staff_no or unit is None:
            return None
        person = self.find_person(unit, staff_no)
        if person is None:
            message = f"工号“{staff_no}”的人员不存在（“人员”表和系统中都没有）"
            self.missing(row, ("person", code, staff_no), "工号", message)
        elif name and name != person.name:
            row.error("姓名", f"工号“{staff_no}”对应的人员是“{person.name}”，与填写的“{name}”不一致")
        return person

    @staticmethod
    def duplicate(row: Row, seen: dict[Any, int], key: Any, column: str, what: str) -> None:
        if key in seen:
            row.error(column, f"{what}与第 {seen[key]} 行重复")
        else:
            seen[key] = row.number

    # --- units and departments: parents may come later in the sheet, so rows are put in order first ---

    def import_units(self) -> None:
        items: list[tuple[Row, dict[str, Any]]] = []
        seen: dict[Any, int] = {}
        for row in self.rows(UNITS):
            data = {
                "code": row.code("单位代码", required=True, max_length=40),
                "name": row.text("单位名称", required=True, max_length=200),
                "short_name": row.text("简称", max_length=60),
                "kind": row.choice("单位类型", UNIT_KINDS),
                "parent": row.code("上级单位代码", max_length=40),
            }
            if data["code"]:
                self.duplicate(row, seen, data["code"], "单位代码", f"单位代码“{data['code']}”")
            if data["parent"] and data["parent"] == data["code"]:
                row.error("上级单位代码", "上级单位不能是本单位")
            items.append((row, data))
        codes = [d["code"] for _, d in items if d["code"]]
        if len(codes) == 1:
            self.default_unit = codes[0]
        elif not items and Unit.objects.count() == 1:
            self.default_unit = Unit.objects.get().code
        ordered, cyclic = ordered_by_parent(items, lambda i: i[1]["code"], lambda i: i[1]["parent"] or None)
        for row, _ in cyclic:
            row.error("上级单位代码", "上级单位关系出现循环")
        for row, data in ordered:
            if not row.failed:
                self.save_unit(row, data)
        self.failed |= {("unit", d["code"]) for row, d in items if row.failed}

    def save_unit(self, row: Row, data: dict[str, Any]) -> None:
        parent = self.find_unit(data["parent"]) if data["parent"] else None
        if data["parent"] and parent is None:
            message = f"上级单位代码“{data['parent']}”不存在"
            return self.missing(row, ("unit", data["parent"]), "上级单位代码", message)
        existing = Unit.objects.filter(code=data["code"]).select_related("parent").first()
        if existing is None:
            unit = row.attempt(
                partial(
                    services.create_unit,
                    self.actor,
                    name=data["name"],
                    code=data["code"],
                    kind=data["kind"] or UnitKind.INSTITUTION,
                    parent=parent,
                    short_name=data["short_name"],
                )
            )
        elif parent is not None and existing.parent_id != parent.pk:
            where = existing.parent.name if existing.parent else "顶级单位"
            return row.error("上级单位代码", f"导入不能更改已有单位的上级单位（系统中为“{where}”）")
        else:
            unit = row.attempt(
                partial(
                    services.update_unit,
                    self.actor,
                    existing,
                    name=data["name"],
                    code=data["code"],
                    kind=_keep(data["kind"], existing.kind),
                    short_name=_keep(data["short_name"], existing.short_name),
                )
            )
        if unit is not None:
            self.units[unit.code] = unit
            self.count(existing is None)

    def import_departments(self) -> None:
        items: list[tuple[Row, dict[str, Any]]] = []
        seen: dict[Any, int] = {}
        for index, row in enumerate(self.rows(DEPARTMENTS), start=1):
            code, unit = self.unit_of(row)
            data = {
                "code": code,
                "unit": unit,
                "index": index,
                "name": row.text("部门名称", required=True, max_length=200),
                "parent": row.text("上级部门", max_length=200),
                "dept_code": row.code("部门代码", max_length=40),
                "kind": row.choice("部门类型", DEPT_KINDS),
                "sort_order": row.integer("排序"),
                "duties": row.text("部门职责", multiline=True),
            }
            if data["name"]:
                self.duplicate(row, seen, (code, data["name"]), "部门名称", f"部门“{data['name']}”")
            if data["parent"] and data["parent"] == data["name"]:
                row.error("上级部门", "上级部门不能是本部门")
            items.append((row, data))
        ordered, cyclic = ordered_by_parent(
            items,
            lambda i: (i[1]["code"], i[1]["name"]),
            lambda i: (i[1]["code"], i[1]["parent"]) if i[1]["parent"] else None,
        )
        for row, _ in cyclic:
            row.error("上级部门", "上级部门关系出现循环")
        for row, data in ordered:
            if not row.failed:
                self.save_department(row, data)
        self.failed |= {("dept", d["code"], d["name"]) for row, d in items if row.failed}

    def save_department(self, row: Row, data: dict[str, Any]) -> None:
        unit: Unit = data["unit"]
        parent = self.dept_of(row, data["code"], unit, "上级部门") if data["parent"] else None
        if data["parent"] and parent is None:
            return
        existing = self.find_dept(unit, data["name"])
        if existing is None:
            dept = row.attempt(
                partial(
                    services.create_department,
                    self.actor,
                    unit=unit,
                    name=data["name"],
                    parent=parent,
                    code=data["dept_code"],
                    kind=data["kind"] or DepartmentKind.FUNCTIONAL,
                    duties=data["duties"],
                    sort_order=_keep(data["sort_order"], data["index"]),
                )
            )
        else:
            dept = row.attempt(
                partial(
                    services.update_department,
                    self.actor,
                    existing,
                    name=data["name"],
                    parent=parent if row.has("上级部门") else existing.parent,
                    code=_keep(data["dept_code"], existing.code),
                    kind=_keep(data["kind"], existing.kind),
                    duties=_keep(data["duties"], existing.duties),
                    sort_order=_keep(data["sort_order"], existing.sort_order),
                )
            )
        if dept is not None:
            self.depts[(unit.pk, dept.name)] = dept
            self.count(existing is None)

    # --- posts and persons ----------------------------------------------------------------------------

    def import_posts(self) -> None:
        seen: dict[Any, int] = {}
        for row in self.rows(POSTS):
            code, unit = self.unit_of(row)
            dept = self.dept_of(row, code, unit, "部门名称")
            name = row.text("岗位名称", required=True, max_length=200)
            post_code = row.code("岗位代码", max_length=40)
            level = row.choice("岗位层级", LEVELS)
            headcount = row.integer("编制人数", minimum=1)
            flags = {attr: row.flag(label) for attr, label in FLAG_COLUMNS}
            duties = row.text("岗位职责", multiline=True)
            key = ("post", code, dept.name if dept else "", name)
            if name and dept is not None:
                self.duplicate(row, seen, (dept.pk, name), "岗位名称", f"同一部门中岗位“{name}”")
            existing = self.find_post(dept, name) if dept is not None and name else None
            if row.failed or dept is None:
                post = None
            elif existing is None:
                post = row.attempt(
                    partial(
                        services.create_post,
                        self.actor,
                        department=dept,
                        name=name,
                        duties=duties,
                        level=level or PostLevel.GENERAL,
                        code=post_code,
                        headcount=headcount or 1,
                        flags=[f for f, on in flags.items() if on],
                    )
                )
            else:
                post = row.attempt(
                    partial(
                        services.update_post,
                        self.actor,
                        existing,
                        name=name,
                        duties=_keep(duties, existing.duties),
                        level=_keep(level, existing.level),
                        code=_keep(post_code, existing.code),
                        headcount=_keep(headcount, existing.headcount),
                        flags=[f for f, on in flags.items() if _keep(on, getattr(existing, f))],
                    )
                )
            if post is None:
                self.failed.add(key)
            else:
                self.posts[(post.department_id, name)] = post
                self.count(existing is None)

    def import_persons(self) -> None:
        seen: dict[Any, int] = {}
        for row in self.rows(PERSONS):
            code, unit = self.unit_of(row)
            staff_no = row.code("工号", required=True, max_length=40)
            name = row.text("姓名", required=True, max_length=100)
            dept = self.dept_of(row, code, unit, "所在部门", required=False)
            title, phone = row.text("职务", max_length=100), row.code("联系电话", max_length=40)
            if staff_no:
                self.duplicate(row, seen, (code, staff_no), "工号", f"工号“{staff_no}”")
            existing = self.find_person(unit, staff_no) if unit is not None and staff_no else None
            if row.failed or unit is None:
                person = None
            elif existing is None:
                person = row.attempt(
                    partial(
                        services.create_person,
                        self.actor,
                        unit=unit,
                        name=name,
                        staff_no=staff_no,
                        department=dept,
                        title=title,
                        phone=phone,
                    )
                )
            else:
                person = row.attempt(
                    partial(
                        services.update_person,
                        self.actor,
                        existing,
                        name=name,
                        staff_no=staff_no,
                        department=dept or existing.department,
                        title=_keep(title, existing.title),
                        phone=_keep(phone, existing.phone),
                    )
                )
            if person is None:
                self.failed.add(("person", code, staff_no))
            else:
                self.persons[(person.unit_id, staff_no)] = person
                self.count(existing is None)

    # --- who holds what ----------------------------------------------------------------------------------

    def import_assignments(self) -> None:
        seen: dict[Any, int] = {}
        for row in self.rows(ASSIGNMENTS):
            code, unit = self.unit_of(row)
            person = self.person_of(row, code, unit)
            post = self.post_of(row, code, self.dept_of(row, code, unit, "部门名称"))
            start, end = row.date("任职开始", required=True), row.date("任职结束")
            note = row.text("备注", max_length=200)
            if person and post and start:
                what = "同一人员、岗位和任职开始日期"
                self.duplicate(row, seen, (person.pk, post.pk, start), "任职开始", what)
            if row.failed or person is None or post is None or start is None:
                continue
            existing = PostAssignment.objects.filter(person=person, post=post, start_date=start).first()
            if existing is None:
                done = row.attempt(
                    partial(
                        services.assign_post,
                        self.actor,
                        person=person,
                        post=post,
                        start_date=start,
                        end_date=end,
                        note=note,
                    )
                )
            elif end is not None and existing.end_date is None:
                done = row.attempt(partial(services.end_assignment, self.actor, existing, end))
            elif end is not None and existing.end_date != end:
                row.error("任职结束", f"该任职已于 {existing.end_date} 结束，导入不能修改结束日期")
                continue
            else:
                done = existing
            if done is not None:
                self.count(existing is None)

    def import_leadership(self) -> None:
        seen: dict[Any, int] = {}
        for row in self.rows(LEADERSHIP):
            code, unit = self.unit_of(row)
            person = self.person_of(row, code, unit)
            kind = row.choice("类别", LEAD_KINDS, required=True)
            title = row.text("职务", required=True, max_length=100)
            start = row.date("开始日期", required=True)
            depts: list[Department] = []
            for name in LIST_SPLIT.split(row.text("分管部门", multiline=True)):
                dept = self.find_dept(unit, name) if name and unit is not None else None
                if name and unit is not None and dept is None:
                    self.missing(row, ("dept", code, name), "分管部门", f"分管部门“{name}”不存在")
                elif dept is not None and dept not in depts:
                    depts.append(dept)
            if person and kind:
                self.duplicate(row, seen, (person.pk, kind), "类别", "同一人员的同一领导类别")
            if row.failed or unit is None or person is None or kind is None or start is None:
                continue
            existing = LeadershipRole.objects.filter(
                unit=unit, person=person, kind=kind, end_date__isnull=True
            ).first()
            if existing is None:
                role = row.attempt(
                    partial(
                        services.create_leadership,
                        self.actor,
                        unit=unit,
                        person=person,
                        kind=kind,
                        title=title,
                        start_date=start,
                        departments=depts,
                    )
                )
            else:
                keep = list(existing.departments.all())
                role = row.attempt(
                    partial(
                        services.update_leadership,
                        self.actor,
                        existing,
                        kind=kind,
                        title=title,
                        departments=depts if row.has("分管部门") else keep,
                    )
                )
            if role is not None:
                self.count(existing is None)

    def import_liaisons(self) -> None:
        seen: dict[Any, int] = {}
        for row in self.rows(LIAISONS):
            code, unit = self.unit_of(row)
            dept = self.dept_of(row, code, unit, "部门名称")
            person = self.person_of(row, code, unit)
            start = row.date("开始日期", required=True)
            if dept is not None:
                what = f"部门“{dept.name}”的联络员（每个部门只能有一名）"
                self.duplicate(row, seen, dept.pk, "部门名称", what)
            if row.failed or dept is None or person is None or start is None:
                continue
            current = Liaison.objects.filter(department=dept, end_date__isnull=True).first()
            if current is not None and current.person_id == person.pk:
                self.count(False)
            elif (
                row.attempt(
                    partial(
                        services.designate_liaison,
                        self.actor,
                        department=dept,
                        person=person,
                        start_date=start,
                    )
                )
                is not None
            ):
                self.count(True)
