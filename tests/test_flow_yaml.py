"""Flowcharts as YAML: the pure format (dump/parse), the import and export through the services, the CLI."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from lianfang.audit.models import AuditAction, AuditEntry
from lianfang.core.errors import NotFoundError
from lianfang.powers.flow_import import export_flows_yaml, import_flows_yaml
from lianfang.powers.flow_yaml import parse_document, parse_flows
from lianfang.powers.flowspec import (
    StepSpec,
)
from lianfang.powers.models import ApprovalStatus, Flowchart, Power
from lianfang.powers.selectors import flow_spec
from lianfang.powers.services import review
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, make_cycle, make_flow, make_power
from tests.flow_yaml_support import BROKEN, make_rich_flow, new_year, rich_spec

# --- a flow with every field filled -----------------------------------------------------------------


# --- export → import ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_then_import_gives_the_same_flow_in_another_cycle(org: TwoUnits) -> None:
    old = make_rich_flow(org, make_cycle(org.college, 2026))
    text = export_flows_yaml(SYSTEM, old.cycle)
    cycle = new_year(org)
    report = import_flows_yaml(text, actor=SYSTEM, cycle=cycle)
    assert report.errors == []
    assert (report.created, report.updated) == (1, 0)
    new = Flowchart.objects.get(cycle=cycle, code="F-JC-01")
    for name in (
        "name",
        "description",
        "department_id",
        "is_secret",
        "statutory_limit",
        "statutory_unit",
        "promised_limit",
        "promised_unit",
        "unit_id",
        "path",
    ):
        assert getattr(new, name) == getattr(old, name), name
    assert new.status == ApprovalStatus.DRAFT
    got, want = flow_spec(new), flow_spec(old)
    assert got == want
    assert got.steps[0] == StepSpec(
        "S1",
        "初步审查",
        "review",
        org.teacher.pk,
        "教学秘书",
        "《行政机关公务员处分条例》",
        "有违纪线索",
        "举报材料\n相关证据",
        5,
        "working",
        "纪委监督",
        "陈述、申辩",
        True,
    )
    assert got.steps[2].limit_unit == "calendar" and got.steps[2].post_id == org.cashier.pk
    assert got.steps[4] == StepSpec("S5", "送达", "deliver", None, "监察室", limit_unit="calendar")
    assert got.transitions == rich_spec(org).transitions
    assert got.separations == rich_spec(org).separations
    assert [(d.min_amount, d.max_amount) for d in got.discretion] == [
        (Decimal("1000.50"), Decimal("5000.00")),
        (None, None),
    ]
    assert got.power_codes == ("P-JC-01", "P-JC-02")
    assert Power.objects.get(cycle=cycle, code="P-JC-03").flow is None
    # The step handled by a post keeps no copy of the post's name.
    assert new.steps.get(code="S1").handler == ""


@pytest.mark.django_db
def test_export_import_export_is_byte_identical(org: TwoUnits) -> None:
    first = export_flows_yaml(SYSTEM, make_rich_flow(org, make_cycle(org.college, 2026)).cycle)
    assert "    statutory_limit: {days: 60, unit: 自然日}\n" in first
    assert "    powers: [P-JC-01, P-JC-02]\n" in first
    assert "        next: [S4, {to: S1, when: 补充线索}]\n" in first
    assert "        post: 教务处/教学秘书\n" in first
    assert "      - [S3, S4, 调查与处理决定分离]\n" in first
    assert "        min: 1000.5\n        max: 5000\n" in first
    cycle = new_year(org)
    import_flows_yaml(first, actor=SYSTEM, cycle=cycle)
    second = export_flows_yaml(SYSTEM, cycle)
    assert second == first.replace("year: 2026", "year: 2027")
    again = import_flows_yaml(second, actor=SYSTEM, cycle=cycle)
    assert (again.errors, again.created, again.updated) == ([], 0, 0)
    assert export_flows_yaml(SYSTEM, cycle) == second


@pytest.mark.django_db
def test_reimport_updates_by_code_and_moves_power_links(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    flow = make_rich_flow(org, cycle)
    text = export_flows_yaml(SYSTEM, cycle)
    text = text.replace("name: 立案", "name: 正式立案").replace("[P-JC-01, P-JC-02]", "[P-JC-02, P-JC-03]")
    report = import_flows_yaml(text, actor=SYSTEM, cycle=cycle)
    assert (report.errors, report.created, report.updated) == ([], 0, 1)
    assert flow_spec(flow).step("S2").name == "正式立案"
    links = dict(Power.objects.filter(cycle=cycle).values_list("code", "flow_id"))
    assert links == {"P-JC-01": None, "P-JC-02": flow.pk, "P-JC-03": flow.pk}


@pytest.mark.django_db
def test_approved_flow_is_skipped_when_unchanged_and_refused_when_changed(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    flow = make_rich_flow(org, cycle)
    for action in ("submit", "check", "verify", "approve"):
        review(SYSTEM, flow, action)
    text = export_flows_yaml(SYSTEM, cycle)
    same = import_flows_yaml(text, actor=SYSTEM, cycle=cycle)
    assert (same.errors, same.created, same.updated) == ([], 0, 0)
    changed = import_flows_yaml(text.replace("name: 调查\n", "name: 调查取证\n"), actor=SYSTEM, cycle=cycle)
    assert [e.message for e in changed.errors] == [
        "flows[1]: 流程图“F-JC-01 对执法人员违纪行为的调查处理流程”处于“已审定待公示”状态，不能通过导入修改；"
        "需先退回或重新修订"
    ]
    assert flow_spec(flow).step("S3").name == "调查"


@pytest.mark.django_db
def test_an_approved_power_is_not_relinked(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    old, flow = make_flow(cycle, org.academic, "F0"), make_flow(cycle, org.academic, "F1")
    power = make_power(cycle, org.academic, "P1", flow=old)
    for action in ("submit", "check", "verify", "approve"):
        review(SYSTEM, power, action)
    text = export_flows_yaml(SYSTEM, cycle, codes=["F1"]).replace("powers: []", "powers: [P1]")
    report = import_flows_yaml(text, actor=SYSTEM, cycle=cycle)
    assert [e.message for e in report.errors] == [
        "flows[1].powers[1]: 职权“P1 职权P1”处于“已审定待公示”状态，不能改用本流程图"
    ]
    assert Power.objects.get(pk=power.pk).flow == old
    assert flow.powers.count() == 0


# --- errors -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_error_is_reported_with_its_location_and_nothing_is_written(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    entries = AuditEntry.objects.count()
    report = import_flows_yaml(BROKEN, actor=SYSTEM, cycle=cycle)
    assert [e.message for e in report.errors] == [
        "flows[1].steps[1].limit.unit: 时限单位应为“工作日”或“自然日”，实际为“工作天”",
        "flows[1].steps[2].nmae: 未知的键“nmae”，是否应为“name”？可用的键：code、name、kind、start、post、"
        "handler、limit、basis、conditions、materials、supervision、applicant_rights、next",
        "flows[1].steps[3].code: 环节编号“S2”重复",
        "flows[1].steps[1].next[2]: 流转指向不存在的环节“S9”",
        "flows[1].department: 单位“某职业学院”中没有名为“招生办”的部门",
        "flows[1].steps[1].post: 单位“某职业学院”中没有岗位“教务处/教务员”（应写成“部门名称/岗位名称”）",
    ]
    assert report.errors[0].column == "flows[1].steps[1].limit.unit"
    assert (report.created, report.updated) == (0, 0)
    assert Flowchart.objects.count() == 0  # not even the correct F2
    assert AuditEntry.objects.count() == entries
    assert report.summary_lines()[0] == "导入未完成：发现 6 处错误，未写入任何数据。请修改后重新导入。"


def test_wrong_types_and_header_problems_are_reported() -> None:
    text = """\
format: something-else
version: 2
year: 1999
extra: 1
flows:
  - code: 12
    name: [a]
    secret: 也许
    statutory_limit: {days: -3}
    promised_limit: 五天
    steps:
      - {code: S1, name: 受理, kind: 批准, start: 1}
    separations: [[S1, S1], [S1]]
    discretion:
      - {violation: "", min: 10.555, max: abc}
      - {violation: 超标, min: 500, max: 100}
  - just text
"""
    flows, errors = parse_flows(text)
    assert errors == [
        "extra: 未知的键“extra”。可用的键：format、version、unit、year、flows",
        "format: 应为“lianfang-flows”，实际为“something-else”；这不是廉防流程图文件",
        "version: 不支持的版本“2”，应为 1",
        "year: 年度应为 2000 至 2100 之间的整数，实际为“1999”",
        "flows[1].code: 应为文本，实际为数字 12（数字或日期请加引号）",
        "flows[1].name: 应为文本，实际为列表",
        "flows[1].statutory_limit.days: 时限应为正整数（天数），实际为“-3”",
        "flows[1].promised_limit: 应为“键: 值”形式的映射，实际为文本“五天”",
        "flows[1].steps[1].kind: 环节类别应为“受理”、“审查”、“审核”、“决定”、“执行”、“送达”、“监督”或“其他”，"
        "实际为“批准”",
        "flows[1].steps[1].start: 应为 true 或 false（也可写“是”“否”），实际为“1”",
        "flows[1].separations[1]: 不相容环节应是两个不同的环节",
        "flows[1].separations[2]: 应写成 [环节编号, 环节编号] 或 [环节编号, 环节编号, 说明]",
        "flows[1].discretion[1].min: 金额最多保留两位小数",
        "flows[1].discretion[1].max: 金额应为数字，实际为“abc”",
        "flows[1].discretion[1].violation: 不能为空",
        "flows[1].discretion[2].min: 下限金额大于上限金额",
        "flows[1].secret: 应为 true 或 false（也可写“是”“否”），实际为“也许”",
        "flows[2]: 应为“键: 值”形式的映射，实际为文本“just text”",
    ]
    assert [f.failed for f in flows] == [True]


def test_repeated_keys_and_syntax_errors_are_reported() -> None:
    doc = parse_document(
        "format: lianfang-flows\nversion: 1\nflows:\n  - code: F1\n    name: a\n    name: b\n"
    )
    assert [str(e) for e in doc.errors] == ["第 6 行第 5 列: 键“name”重复出现，后一个会覆盖前一个"]
    _, errors = parse_flows("format: lianfang-flows\nflows: [\n")
    assert len(errors) == 1 and errors[0].startswith("第 3 行第 1 列: YAML 格式错误：")


def test_python_tags_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"""\
format: lianfang-flows
version: 1
flows: !!python/object/apply:pathlib.Path.write_text [!!python/object/apply:pathlib.Path ["{marker}"], x]
"""
    flows, errors = parse_flows(text)
    assert flows == []
    assert len(errors) == 1
    assert errors[0].startswith("第 3 行: 不支持的 YAML 标签，只能使用普通的文本、数字、列表和映射")
    assert not marker.exists()


@pytest.mark.django_db
def test_python_tags_are_refused_by_the_import(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    text = "format: lianfang-flows\nversion: 1\nflows: !!python/object:collections.OrderedDict {}\n"
    report = import_flows_yaml(text, actor=SYSTEM, cycle=cycle)
    assert len(report.errors) == 1 and "不支持的 YAML 标签" in report.errors[0].message


@pytest.mark.django_db
def test_file_of_another_unit_and_unknown_powers_are_errors(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    text = (
        "format: lianfang-flows\nversion: 1\nunit: OTHER\nflows:\n  - {code: F1, name: 流程, powers: [P9]}\n"
    )
    report = import_flows_yaml(text, actor=SYSTEM, cycle=cycle)
    assert [e.message for e in report.errors] == [
        "unit: 文件属于单位“OTHER”，而导入目标是单位“COLLEGE”",
        "flows[1].powers[1]: 本年度职权目录中没有职权编码“P9”",
    ]


@pytest.mark.django_db
def test_service_rules_are_reported_at_the_flow(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    text = (
        "format: lianfang-flows\nversion: 1\nflows:\n"
        "  - code: F1\n    name: 流程\n    statutory_limit: {days: 5, unit: 工作日}\n"
        "    promised_limit: {days: 9, unit: 工作日}\n"
    )
    report = import_flows_yaml(text, actor=SYSTEM, cycle=cycle)
    assert [e.message for e in report.errors] == ["flows[1].promised_limit: 承诺时限不能超过法定时限"]


@pytest.mark.django_db
def test_dry_run_writes_nothing(org: TwoUnits) -> None:
    source = make_cycle(org.college, 2026)
    make_rich_flow(org, source)
    text = export_flows_yaml(SYSTEM, source)
    cycle = new_year(org)
    entries = AuditEntry.objects.count()
    report = import_flows_yaml(text, actor=SYSTEM, cycle=cycle, dry_run=True)
    assert (report.errors, report.created, report.updated) == ([], 1, 0)
    assert report.summary_lines() == ["试运行通过：将新增 1 条，更新 0 条（未写入任何数据）。"]
    assert not Flowchart.objects.filter(cycle=cycle).exists()
    assert not Power.objects.filter(cycle=cycle, flow__isnull=False).exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_import_and_export_are_audited(org: TwoUnits, tmp_path: Path) -> None:
    cycle = make_cycle(org.college, 2026)
    make_flow(cycle, org.academic, "F1")
    text = export_flows_yaml(SYSTEM, cycle, codes=["F1"])
    export = AuditEntry.objects.order_by("-seq").first()
    assert export is not None and export.action == AuditAction.EXPORT
    assert json.loads(export.after)["codes"] == ["F1"]
    path = tmp_path / "flows.yaml"
    path.write_text(text.replace("name: 流程F1", "name: 改名"), encoding="utf-8")
    report = import_flows_yaml(path, actor=SYSTEM, cycle=cycle)
    assert (report.errors, report.updated) == ([], 1)
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and last.action == AuditAction.IMPORT
    assert last.object_repr == "流程图导入 flows.yaml"


@pytest.mark.django_db
def test_external_export_leaves_out_secret_and_unapproved_flows(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    public, secret, draft = (make_flow(cycle, org.academic, c) for c in ("F1", "F2", "F3"))
    secret.is_secret = True
    secret.save()
    for flow, code in ((public, "P1"), (secret, "P2"), (draft, "P3")):
        make_power(cycle, org.academic, code, flow=flow, audience="external")
    make_power(cycle, org.academic, "P4", flow=public)  # internal: not listed
    for item in (public, secret, *Power.objects.filter(code__in=["P1", "P2", "P3"])):
        for action in ("submit", "check", "verify", "approve"):
            review(SYSTEM, item, action)
    text = export_flows_yaml(SYSTEM, cycle, external_only=True)
    entries, errors = parse_flows(text)
    assert errors == []
    assert [(e.spec.code, e.spec.power_codes) for e in entries] == [("F1", ("P1",))]
    everything, _ = parse_flows(export_flows_yaml(SYSTEM, cycle))
    assert [(e.spec.code, e.secret) for e in everything] == [("F1", False), ("F2", True), ("F3", False)]
    with pytest.raises(NotFoundError, match="F2"):
        export_flows_yaml(SYSTEM, cycle, codes=["F1", "F2"], external_only=True)
