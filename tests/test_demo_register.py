"""The demo college's risk register: ≥150 risk points over posts, departments and the unit, graded by the
matrix, each with manifestations and measures; seed 001's risks on seed 001's flow; 2025 carried into 2026;
the gaps the dashboard should show. And the measure library: loaded once, never duplicated."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Count, Min, QuerySet

from lianfang.audit.models import AuditEntry
from lianfang.core import demo_risks, demo_risks_depts
from lianfang.core.demo import load_demo
from lianfang.core.demo_register import factors
from lianfang.core.errors import PermissionDeniedError
from lianfang.cycles.models import Cycle
from lianfang.cycles.selectors import latest_cycle
from lianfang.org.models import Post, Unit
from lianfang.review.chain import RISK_STATUS
from lianfang.review.models import RiskSheet
from lianfang.review.services.sheets import sheet_risks
from lianfang.risks.copying import CARRIED_BY
from lianfang.risks.library import LIBRARY, load_measure_library
from lianfang.risks.models import Assessment, AssessmentStatus, Measure, MeasureTemplate, RiskPoint
from lianfang.risks.vocabulary import MeasureStatus, RiskLevel, SubjectKind
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, user_with_role

pytestmark = pytest.mark.django_db

ALL_2026 = demo_risks.RISKS_2025 + demo_risks.RISKS_2026_OFFICES + demo_risks_depts.RISKS_2026_DEPTS
SEED_STEPS = {
    "应立案不立案": "立案",
    "不能立案的立案": "立案",
    "无故拖延案件办理": "调查",
    "利用职务便利接受贿赂为当事人谋利益": "调查",
    "随意行使自由裁量权": "调查",
    "不依法履行案件处理程序": "调查",
    "没有认真审查案件，造成审批和实际处理不一致": "处理决定",
    "结案没有按程序审批": "处理决定",
}


def test_factor_shorthand() -> None:
    assert factors("FSJ..C") == {
        "probability": "fairly_high",
        "harm": "severe",
        "power_importance": "major",
        "accountability": "criminal",
    }
    assert factors("LM") == {"probability": "low", "harm": "minor"}
    assert factors("LEOSOI") == {
        "probability": "low",
        "harm": "serious",
        "power_importance": "ordinary",
        "discretion": "small",
        "public_contact": "ordinary",
        "accountability": "internal",
    }


def test_measure_library_is_idempotent() -> None:
    assert load_measure_library(SYSTEM) == len(LIBRARY) == 51
    texts = list(MeasureTemplate.objects.values_list("text", flat=True))
    assert load_measure_library(SYSTEM) == 0
    assert list(MeasureTemplate.objects.values_list("text", flat=True)) == texts
    assert len(set(texts)) == len(texts)
    assert AuditEntry.objects.filter(object_type="risks.measuretemplate").count() == 1
    seed_001 = MeasureTemplate.objects.get(text="建立案件台帐，定期进行检查")
    assert (seed_001.category, seed_001.source) == ("process", "种子001")
    assert set(MeasureTemplate.objects.values_list("category", flat=True)) == {
        "structure",
        "process",
        "discretion",
        "rules",
        "disclosure",
        "technology",
        "education",
    }


def test_only_the_console_loads_the_library(org: TwoUnits) -> None:
    with pytest.raises(PermissionDeniedError):
        load_measure_library(actor_of(user_with_role("supervisor", org.college)))
    assert MeasureTemplate.objects.count() == 0


def test_library_command() -> None:
    out = io.StringIO()
    call_command("load_measure_library", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"added": 51, "library": 51, "total": 51}
    out = io.StringIO()
    call_command("load_measure_library", stdout=out)
    assert out.getvalue().strip() == "措施库已是最新，无需添加（现有 51 条）。"


def test_demo_register() -> None:
    out = io.StringIO()
    load_demo(stdout=out)
    assert "已载入廉政风险点：2025年度 24 个（已公示，已结转）；2026年度 170 个" in out.getvalue()
    unit = Unit.objects.get(code="QLVTC")
    latest = latest_cycle(unit)
    assert latest is not None and latest.year == 2026
    risks = RiskPoint.objects.filter(cycle=latest)
    check_spread(risks)
    check_levels(risks)
    check_seed_001(latest, risks)
    check_carried(latest, risks)
    check_gaps(risks)
    check_library(risks)


def check_spread(risks: QuerySet[RiskPoint]) -> None:
    assert risks.count() == len(ALL_2026) == 170
    kinds = dict(risks.values_list("subject_kind").annotate(n=Count("id")))
    assert kinds == {SubjectKind.POST: 126, SubjectKind.DEPARTMENT: 32, SubjectKind.UNIT: 12}
    least = risks.annotate(
        n_shows=Count("manifestations", distinct=True), n_measures=Count("measures", distinct=True)
    ).aggregate(shows=Min("n_shows"), measures=Min("n_measures"))
    assert least == {"shows": 1, "measures": 1}
    assert set(risks.values_list("risk_kind", flat=True)) == {"integrity", "diligence", "dereliction"}
    assert risks.filter(risk_kind="integrity").count() > risks.exclude(risk_kind="integrity").count()
    assert len(set(risks.values_list("risk_type", flat=True))) == 5
    # Every measure has an owner among the demo's people; some are past due and not done.
    measures = Measure.objects.filter(risk__in=risks)
    assert not measures.filter(owner__isnull=True).exists()
    past_due = measures.filter(due_date__lt="2026-11-01").exclude(status__in=["done", "lapsed"])
    assert past_due.count() >= 20
    assert set(measures.values_list("status", flat=True)) == set(MeasureStatus.values)
    # The demo hands in the sheets holding the marked risk points: each marked one went with its sheet
    # (handed in, or sent back by the department head), and a sheet's risk points share its status.
    marked = {r.name for r in ALL_2026 if r.submit} | set(demo_risks.SEED_001_RISKS)
    assert len(marked) == 18
    handed_in = risks.filter(status__in=["submitted", "returned"])
    assert marked <= set(handed_in.values_list("name", flat=True))
    assert handed_in.filter(status="returned").exists()
    for sheet in RiskSheet.objects.filter(cycle_id=risks[0].cycle_id):
        assert set(sheet_risks(sheet).values_list("status", flat=True)) <= {RISK_STATUS[sheet.stage]}


def check_levels(risks: QuerySet[RiskPoint]) -> None:
    levels = dict(risks.values_list("level").annotate(n=Count("id")))
    assert set(levels) == {RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW}
    assert levels[RiskLevel.HIGH] < levels[RiskLevel.MEDIUM]
    assert levels[RiskLevel.LOW] >= 15
    # Levels come from the matrix: each risk point's level is its latest effective grading's.
    for risk in risks.prefetch_related("assessments"):
        graded = [a for a in risk.assessments.all() if a.status == AssessmentStatus.EFFECTIVE]
        assert graded and graded[-1].level == risk.level and graded[-1].matrix_id, risk.name
        assert graded[-1].factors and graded[-1].reasons, risk.name
    # 三重一大 is 高 whatever the factors say.
    assert set(risks.filter(three_important=True).values_list("level", flat=True)) == {RiskLevel.HIGH}
    # One carried 高 waits for the leadership to approve its downgrade.
    pending = Assessment.objects.get(status=AssessmentStatus.PENDING)
    assert pending.risk.cycle_id == risks.first().cycle_id
    assert (pending.risk.name, pending.level, pending.risk.level) == ("食材采购中收受回扣", "medium", "high")
    assert "智慧食堂" in pending.justification


def check_seed_001(latest: Cycle, risks: QuerySet[RiskPoint]) -> None:
    on_flow = risks.filter(step__flow__code=demo_risks.SEED_FLOW).select_related(
        "step", "power", "predecessor"
    )
    assert {r.name: r.step.name for r in on_flow if r.step} == SEED_STEPS
    for risk in on_flow:
        assert risk.power is not None and risk.power.code == "JW-01" and risk.power.cycle_id == latest.pk
        assert risk.step is not None and risk.step.flow.cycle_id == latest.pk
        old = risk.predecessor
        assert old is not None and old.step is not None and old.step.flow.cycle_id == latest.previous_id
        assert old.step.code == risk.step.code
    investigation = risks.get(name="无故拖延案件办理")
    assert investigation.post is not None and investigation.post.name == "纪检监察员"
    texts = set(Measure.objects.filter(risk__in=on_flow).values_list("text", flat=True))
    assert {"建立案件台帐，定期进行检查", "严格执行听证程序，重大案件必须集体讨论"} <= texts
    assert risks.filter(step__isnull=False).count() >= 60


def check_carried(latest: Cycle, risks: QuerySet[RiskPoint]) -> None:
    first = RiskPoint.objects.filter(cycle=latest.previous)
    assert first.count() == 24 and set(first.values_list("status", flat=True)) == {"published"}
    assert set(RiskSheet.objects.filter(cycle=latest.previous).values_list("stage", flat=True)) == {
        "published"
    }
    carried = risks.filter(predecessor__isnull=False)
    assert carried.count() == 24
    for risk in carried.select_related("predecessor"):
        old = risk.predecessor
        assert old is not None and (risk.code, risk.name) == (old.code, old.name)
        assert risk.assessments.filter(created_by=CARRIED_BY).count() == 1
    moved = risks.get(name="分管领域经费审批把关不严")
    assert moved.duty == "审批分管范围内单笔10万元以上的经费支出"
    assert moved.measures.get(text__startswith="单笔5万元以上").status == MeasureStatus.LAPSED
    assert moved.measures.filter(text__startswith="单笔10万元以上").exists()


def check_gaps(risks: QuerySet[RiskPoint]) -> None:
    without = Post.objects.filter(department__unit__code="QLVTC").exclude(risk_points__in=risks)
    assert sorted(f"{p.department.name}/{p.name}" for p in without) == sorted(demo_risks_depts.GAP_POSTS)


def check_library(risks: QuerySet[RiskPoint]) -> None:
    assert MeasureTemplate.objects.count() == len(LIBRARY)
    assert load_measure_library(SYSTEM) == 0
    linked = Measure.objects.filter(risk__in=risks, template__isnull=False)
    assert linked.count() >= 80
    for measure in linked.select_related("template")[:20]:
        assert measure.template is not None and measure.text == measure.template.text
