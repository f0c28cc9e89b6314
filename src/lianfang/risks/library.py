# ruff: noqa: E501  (a data module: one measure a line, Chinese texts unbroken)
"""The measure library (措施库): the control measures the seeds give as examples, to pick from when writing
a risk point's measures.

Each entry has its category (the seven of seed 000 §四 and seed 003), the risk type it suits best when there
is one, and where it comes from. `load_measure_library()` adds the entries that are missing and never
duplicates one (an entry is known by its category and text), so operators can run it after every upgrade:
`lianfang load_measure_library`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor, system_actor
from lianfang.core.errors import PermissionDeniedError
from lianfang.core.vocabulary import RiskType

from .models import MeasureTemplate
from .vocabulary import MeasureCategory


@dataclass(frozen=True)
class LibraryMeasure:
    category: str
    text: str
    risk_type: str  # "" when the measure suits any type
    source: str


_S, _P, _D, _R, _O, _T, _E = (
    MeasureCategory.STRUCTURE,
    MeasureCategory.PROCESS,
    MeasureCategory.DISCRETION,
    MeasureCategory.RULES,
    MeasureCategory.DISCLOSURE,
    MeasureCategory.TECHNOLOGY,
    MeasureCategory.EDUCATION,
)
MORAL, DUTY, PROCESS, INSTITUTION, ENVIRONMENT = (
    RiskType.MORAL,
    RiskType.DUTY,
    RiskType.PROCESS,
    RiskType.INSTITUTION,
    RiskType.ENVIRONMENT,
)
M = LibraryMeasure

# fmt: off
LIBRARY: tuple[LibraryMeasure, ...] = (
    # 优化权力结构 (seed 000 §四（一）, seed 003 第8条)
    M(_S, "建立健全“管采分离”制度，采购需求提出、组织采购和履约验收由不同岗位承担，相互制约", PROCESS, "种子000"),
    M(_S, "建立健全“管审分离”制度，业务审核与审批由不同岗位承担", PROCESS, "种子000"),
    M(_S, "建立健全“管办分离”制度，政策制定、具体办理和监督检查相互分离", INSTITUTION, "种子000"),
    M(_S, "将集中于一个岗位的权力分解到几个岗位相互制约，改变“一口进、一口出”", DUTY, "种子000"),
    M(_S, "落实“一把手不直接分管”制度，主要领导不直接分管人事、财务、工程、物资采购等具体事务", DUTY, "种子000"),
    M(_S, "建立重大事项AB角制度，一人主办、一人协办，相互监督", DUTY, "种子000"),
    M(_S, "围绕“三重一大”健全议事规则、决策权限和决策程序，严格按照民主集中制原则集体讨论决定", INSTITUTION, "种子000、种子001、种子003"),
    M(_S, "分级授权、“放权不放责”，对下放的权力加强监督检查", DUTY, "种子000"),
    M(_S, "对热点、重点岗位人员实行定期交流或轮岗", DUTY, "种子002"),
    # 改进业务流程 (seed 000 §四（二）, seed 001's measures on the 调查处理流程)
    M(_P, "梳理业务流程，完善权力运行流程图，增加权力运行监控环节", PROCESS, "种子000"),
    M(_P, "严格层级审批制度，按权限逐级审核审批，不越级、不代签", PROCESS, "种子001"),
    M(_P, "严格按照法规程序进行监督，不依法履行程序的及时纠正", PROCESS, "种子001"),
    M(_P, "建立案件台帐，定期进行检查", PROCESS, "种子001"),
    M(_P, "确需销案处理的，必须按程序建立销案记录", PROCESS, "种子001"),
    M(_P, "对案卷处理进行抽查，加强对案件实施过程的监督", PROCESS, "种子001"),
    M(_P, "严格受理和审查程序，按规定程序、时限受理和审批，避免违规受理", PROCESS, "种子001"),
    M(_P, "严格按照财务审批程序办理款项，审批手续不全的不予支付", PROCESS, "种子001"),
    M(_P, "严格按照规定程序办事，发挥党员群众监督作用，纪检组织加强对重大事项决策的监督", PROCESS, "种子001"),
    # 规范行政裁量 (seed 000 §四（三）, seed 001)
    M(_D, "编制自由裁量权清单，明确权力运行边界", PROCESS, "种子000"),
    M(_D, "细化量化裁量基准，分档设限，压缩自由裁量空间", PROCESS, "种子000、种子001"),
    M(_D, "严格执行听证程序，重大案件必须集体讨论", PROCESS, "种子001"),
    M(_D, "合并、删减不必要的前置条件和办理环节，缩短办理时限", PROCESS, "种子000"),
    M(_D, "建立健全决策论证、专家咨询、征求意见制度，评审由专家组集体打分", INSTITUTION, "种子000"),
    # 加强制度建设 (seed 000 §四（四）、§五, seeds 001/002/004)
    M(_R, "对现有制度进行系统评估，对存在明显缺陷的制度围绕廉洁性、合理性、有效性及时修改", INSTITUTION, "种子000"),
    M(_R, "对制度存在空白的，新建制度予以填补", INSTITUTION, "种子000"),
    M(_R, "建立问责机制，对违反规定的人员严肃处理", INSTITUTION, "种子001"),
    M(_R, "制定实施“一岗双责”制，领导干部对分管范围内的廉政风险防控负领导责任", DUTY, "种子001、种子004"),
    M(_R, "完善办事公开机制和岗位廉政承诺制", DUTY, "种子002"),
    M(_R, "严格遵守财经法律法规，做到专款专存、专款专用", INSTITUTION, "种子001"),
    M(_R, "以年度为周期开展风险排查，及时调整风险内容、等级和防控措施", INSTITUTION, "种子002、种子004"),
    M(_R, "建立廉政风险预警处置制度，对苗头性、倾向性问题采取廉政谈话、书面预警等方式及时提醒纠正", INSTITUTION, "种子004"),
    M(_R, "完善廉洁从政（从业）档案，执行个人有关事项报告制度", MORAL, "种子004"),
    M(_R, "严格执行利益冲突回避制度，与当事人有利害关系的人员主动回避", ENVIRONMENT, "种子000（利益冲突）"),
    # 依法依规公开 (seed 000 §四（五）, seeds 002/003)
    M(_O, "通过网站、公开栏公开职权目录、权力运行流程图、廉政风险点及防控措施，接受监督", INSTITUTION, "种子000、种子003"),
    M(_O, "推进领导班子决策过程和结果公开", INSTITUTION, "种子000"),
    M(_O, "干部任用、人员招聘情况全程公开，公示期内受理反映", DUTY, "种子000、种子002"),
    M(_O, "专项资金支出、重大项目建设情况公开", INSTITUTION, "种子000"),
    M(_O, "财务报销、各类采购、资产管理情况定期公开", PROCESS, "种子000"),
    M(_O, "招生录取、奖助学金评定、科研经费使用等事项结果公示，接受师生和社会监督", PROCESS, "种子002"),
    M(_O, "公开办理程序、条件和时限，一次性告知", PROCESS, "种子001"),
    M(_O, "设立举报箱、公开监督举报电话、开设网上投诉邮箱，及时收集干部师生意见", ENVIRONMENT, "种子002"),
    # 强化科技防控 (seed 000 §四（六）, seed 004)
    M(_T, "把法规制度和工作流程设置为计算机程序，确保按照规定程序运转", PROCESS, "种子000"),
    M(_T, "运用电子监察系统盯住要害部位和关键环节，做到“网上留痕迹、全程受监控”", PROCESS, "种子000"),
    M(_T, "建立信息管理系统，实现廉政风险防控信息互通共享", INSTITUTION, "种子000"),
    M(_T, "推行权力网上公开运行，办理过程在线可查", PROCESS, "种子004"),
    # 廉政教育 (seeds 001/003/004)
    M(_E, "开展专题党课、示范教育、警示教育和岗位廉政教育，增强风险防范意识", MORAL, "种子001、种子003"),
    M(_E, "加强政治理论、政策法规和业务知识学习", MORAL, "种子001"),
    M(_E, "严格执行《中国共产党廉洁自律准则》，带头廉洁自律", MORAL, "种子001（廉洁从政准则）"),
    M(_E, "编制岗位职责及风险说明书，向岗位人员提示风险", DUTY, "种子004"),
    M(_E, "对高风险岗位人员定期开展廉政谈话，发送廉政提醒", MORAL, "种子004"),
    M(_E, "签订拒收礼品礼金承诺书，不接受服务对象的宴请和说情", ENVIRONMENT, "种子001（外部环境风险）"),
)
# fmt: on


def load_measure_library(actor: Actor | None = None) -> int:
    """Add the library entries that are not there yet; the number added. Safe to run any number of times.

    The library serves every unit, so only the operator at the console (or the demo loader) loads it."""
    actor = actor or system_actor("措施库")
    if not actor.is_system:
        raise PermissionDeniedError("措施库只能由系统在命令行载入")
    with transaction.atomic():
        known = set(MeasureTemplate.objects.values_list("category", "text"))
        missing = [m for m in LIBRARY if (m.category, m.text) not in known]
        MeasureTemplate.objects.bulk_create(
            MeasureTemplate(category=m.category, text=m.text, risk_type=m.risk_type, source=m.source)
            for m in missing
        )
        if missing:
            record(
                actor,
                AuditAction.IMPORT,
                object_type="risks.measuretemplate",
                object_repr="防控措施库",
                after={"added": len(missing), "total": MeasureTemplate.objects.count()},
            )
    return len(missing)


def find_template(text: str) -> MeasureTemplate | None:
    """The library entry with exactly this text (for loaders that write measures taken from the library)."""
    return MeasureTemplate.objects.filter(text=text).first()
