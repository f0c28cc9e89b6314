"""The grading engine (DOMAIN §6): a risk point's level from its factors, as pure functions (no database).

The matrix is data. A `MatrixDefinition` is what gets stored (versioned) and frozen on every assessment:
- two **axis** factors (by default 发生机率 × 危害程度) and a `grid` giving the level of every cell
  (key ``"row value|column value"``); an axis option carries no level of its own;
- **extra** factors (权力重要程度, 自由裁量权大小, 与群众生产生活关系密切程度, 被追究的严厉程度) whose chosen
  option may give a level directly (an option with ``level=None`` is recorded but gives none);
- **floor rules** (三重一大, 人财物, 五类重点岗位): when the fact named by the rule's key holds, the level
  is at least the rule's level.

`grade()` combines them by "就高不就低" (seed 001): the level is the highest that the grid cell, any chosen
extra factor or any applicable floor rule gives, and every contributor is listed in `Grade.reasons` so the
interface can explain the level. Both axes are required; extra factors are optional. Facts that no floor rule
of the definition names are ignored (a definition written before a rule existed simply does not apply it).

Default choices, documented here because the seeds leave them open:
- 人财物 floor = 中. Seed 002 gives 低 only to risks with "较少或基本不掌握人、财、物管理权", so holding
  such a power at all means 中 at least; 高 needs more (直接支配 or 自由裁量, seed 002's 高 line), which the
  factors 权力重要程度 = 重大 and 自由裁量权 = 大 express.
- 五类重点岗位 (管人、管财、管物、管审批、管执法, seed 004) floor = 中; 三重一大 floor = 高 (seed 002).
- 与群众生产生活关系密切 → 中 (seed 001 names the factor without grading it; 中 makes it count without
  making every public-facing point 高).

`check_imported()` flags a level read from a sheet (factors unknown) that a floor rule says is too low;
`needs_downgrade_approval()` is the guard for "切忌将高等级风险降低等级" (seed 000); `subject_level()` gives a
post's or department's own level from its powers and risk points; `parse_level()` reads the spellings used
on sheets.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lianfang.core.errors import ServiceError
from lianfang.core.i18n import source_text
from lianfang.risks.grading_schema import LEVELS, cell_key, levels_text, validate_definition_data
from lianfang.risks.vocabulary import LEVEL_RANK, RiskLevel

SOURCE_GRID = "grid"
SOURCE_FACTOR = "factor"
SOURCE_FLOOR = "floor"

FACT_THREE_IMPORTANT_ONE_LARGE = "three_important_one_large"
FACT_PEOPLE_MONEY_ASSETS = "people_money_assets"
FACT_KEY_POST = "key_post"


class GradingError(ServiceError):
    """Bad grading input or definition; the message (and `field_errors`) are Chinese."""


def level_name(level: str) -> str:
    """高/中/低 for a level value (Chinese whatever the active language)."""
    return source_text(RiskLevel(level).label)


def level_rank(level: str) -> int:
    """1 (低) to 3 (高); a clear error for anything that is not a level value."""
    if level not in LEVELS:
        raise GradingError(f"未知的风险等级“{level}”，应为 {levels_text()} 之一")
    return LEVEL_RANK[RiskLevel(level)]


def highest(levels: Iterable[str]) -> str:
    """就高不就低 over any number of levels (at least one)."""
    return max(levels, key=level_rank)


# --- the definition -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorOption:
    value: str
    label: str
    level: str | None = None


@dataclass(frozen=True)
class FactorScale:
    key: str
    label: str
    options: tuple[FactorOption, ...]

    def option(self, value: str) -> FactorOption | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class FloorRule:
    """When the fact `key` holds, the level is at least `level`. `label` reads as a clause: 属于…, 涉及…"""

    key: str
    label: str
    level: str


@dataclass(frozen=True)
class MatrixDefinition:
    name: str
    axes: tuple[str, str]
    grid: dict[str, str] = field(hash=False)
    factors: tuple[FactorScale, ...]
    floors: tuple[FloorRule, ...] = ()

    def factor(self, key: str) -> FactorScale:
        for scale in self.factors:
            if scale.key == key:
                return scale
        raise GradingError(f"评估矩阵“{self.name}”中没有因素“{key}”")

    @property
    def extra_factors(self) -> tuple[FactorScale, ...]:
        return tuple(s for s in self.factors if s.key not in self.axes)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (for a JSONField); `from_json(d.to_json()) == d`."""
        return {
            "name": self.name,
            "axes": list(self.axes),
            "factors": [
                {
                    "key": s.key,
                    "label": s.label,
                    "options": [{"value": o.value, "label": o.label, "level": o.level} for o in s.options],
                }
                for s in self.factors
            ],
            "grid": dict(self.grid),
            "floors": [{"key": f.key, "label": f.label, "level": f.level} for f in self.floors],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> MatrixDefinition:
        """Build a definition from stored data; every problem at once in a `GradingError`."""
        errors = validate_definition(data)
        if errors:
            raise GradingError("；".join(errors))
        data = json.loads(data) if isinstance(data, str) else data
        assert isinstance(data, Mapping)
        return cls(
            name=data["name"].strip(),
            axes=(data["axes"][0], data["axes"][1]),
            grid=dict(data["grid"]),
            factors=tuple(
                FactorScale(
                    key=s["key"],
                    label=s["label"],
                    options=tuple(
                        FactorOption(value=o["value"], label=o["label"], level=o.get("level"))
                        for o in s["options"]
                    ),
                )
                for s in data["factors"]
            ),
            floors=tuple(
                FloorRule(key=f["key"], label=f["label"], level=f["level"]) for f in data.get("floors", [])
            ),
        )


def validate_definition(data: object) -> list[str]:
    """Every problem with a definition (JSON text, parsed data or a `MatrixDefinition`), in Chinese."""
    return validate_definition_data(data.to_json() if isinstance(data, MatrixDefinition) else data)


# --- the default, from the seeds ------------------------------------------------------------------------


def _default() -> MatrixDefinition:
    probability = FactorScale(
        "probability",
        "发生机率",
        (FactorOption("high", "高"), FactorOption("fairly_high", "较高"), FactorOption("low", "较小")),
    )
    harm = FactorScale(
        "harm",
        "危害程度",
        (
            FactorOption("severe", "严重（可能触犯法律、构成犯罪）"),
            FactorOption("serious", "较严重（可能违反党纪政纪、受到处分）"),
            FactorOption("minor", "一般（在部门或岗位内部很快能解决）"),
        ),
    )
    # 高 when 机率高 or 后果严重; 中 when 机率较高 or 后果较严重; else 低 (seeds 000, 002).
    row_level = {"high": "high", "fairly_high": "medium", "low": "low"}
    col_level = {"severe": "high", "serious": "medium", "minor": "low"}
    grid = {cell_key(r, c): highest((rl, cl)) for r, rl in row_level.items() for c, cl in col_level.items()}
    extras = (
        FactorScale(
            "power_importance",
            "权力重要程度",
            (
                FactorOption("major", "重大（决策或直接支配人财物）", "high"),
                FactorOption("important", "较重要（建议、审核、监督、执行）", "medium"),
                FactorOption("ordinary", "一般（较少或基本不掌握人财物管理权）", "low"),
            ),
        ),
        FactorScale(
            "discretion",
            "自由裁量权大小",
            (
                FactorOption("large", "大", "high"),
                FactorOption("small", "较小", "medium"),
                FactorOption("none", "无", "low"),
            ),
        ),
        FactorScale(
            "public_contact",
            "与群众生产生活关系密切程度",
            (FactorOption("close", "密切", "medium"), FactorOption("ordinary", "一般", "low")),
        ),
        FactorScale(
            "accountability",
            "被追究的严厉程度",
            (
                FactorOption("criminal", "追究刑事责任", "high"),
                FactorOption("discipline", "党纪政纪处分", "medium"),
                FactorOption("internal", "内部处理", "low"),
            ),
        ),
    )
    floors = (
        FloorRule(FACT_THREE_IMPORTANT_ONE_LARGE, "属于“三重一大”事项", "high"),
        FloorRule(FACT_PEOPLE_MONEY_ASSETS, "涉及人财物管理权", "medium"),
        FloorRule(FACT_KEY_POST, "属于五类重点岗位（管人、管财、管物、管审批、管执法）", "medium"),
    )
    return MatrixDefinition(
        name="廉政风险评估矩阵（默认）",
        axes=("probability", "harm"),
        grid=grid,
        factors=(probability, harm, *extras),
        floors=floors,
    )


DEFAULT_DEFINITION = _default()


# --- grading --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One contributor. `source`: grid / factor / floor; `key`: the factor's or rule's key ("row|col" for
    the grid)."""

    source: str
    label: str
    level: str
    key: str = ""


@dataclass(frozen=True)
class Grade:
    level: str
    reasons: tuple[Reason, ...]

    @property
    def decisive(self) -> tuple[Reason, ...]:
        """The reasons that give the final level."""
        return tuple(r for r in self.reasons if r.level == self.level)

    def explanation(self) -> str:
        parts = "；".join(f"{r.label} → {level_name(r.level)}" for r in self.reasons)
        return f"按“就高不就低”取最高等级：{level_name(self.level)}。依据：{parts}。"

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "reasons": [
                {"source": r.source, "key": r.key, "label": r.label, "level": r.level} for r in self.reasons
            ],
        }


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def grade(definition: MatrixDefinition, factors: Mapping[str, str], facts: Collection[str] = ()) -> Grade:
    """The level of one assessment: 就高不就低 over the grid cell, the extra factors and the floor rules.

    `factors` maps factor keys to option values; both axes are required. Raises `GradingError` (every
    problem, per factor key in `field_errors`) for a missing axis, an unknown factor or an unknown value.
    """
    errors: dict[str, list[str]] = {}
    known = {s.key: s for s in definition.factors}
    for key in factors:
        if key not in known:
            errors.setdefault(key, []).append(f"未知的评估因素“{key}”")
    chosen: dict[str, FactorOption] = {}
    for scale in definition.factors:
        value = factors.get(scale.key)
        if _blank(value):
            if scale.key in definition.axes:
                errors.setdefault(scale.key, []).append(f"请选择“{scale.label}”")
            continue
        assert value is not None
        option = scale.option(value)
        if option is None:
            allowed = "、".join(o.label for o in scale.options)
            errors.setdefault(scale.key, []).append(f"“{scale.label}”的取值“{value}”无效，应为：{allowed}")
            continue
        chosen[scale.key] = option
    if errors:
        raise GradingError(field_errors=errors)

    row_key, col_key = definition.axes
    row, col = chosen[row_key], chosen[col_key]
    reasons = [
        Reason(
            SOURCE_GRID,
            f"{known[row_key].label}“{row.label}” × {known[col_key].label}“{col.label}”",
            definition.grid[cell_key(row.value, col.value)],
            cell_key(row_key, col_key),
        )
    ]
    for scale in definition.extra_factors:
        option = chosen.get(scale.key)
        if option is not None and option.level is not None:
            reasons.append(Reason(SOURCE_FACTOR, f"{scale.label}：{option.label}", option.level, scale.key))
    for rule in definition.floors:
        if rule.key in facts:
            reasons.append(Reason(SOURCE_FLOOR, rule.label, rule.level, rule.key))
    return Grade(highest(r.level for r in reasons), tuple(reasons))


def check_imported(definition: MatrixDefinition, level: str, facts: Collection[str]) -> list[str]:
    """For a level read from a sheet (factors unknown): the floor rules that demand more, in Chinese."""
    rank = level_rank(level)
    return [
        f"{rule.label}，等级应不低于{level_name(rule.level)}"
        for rule in definition.floors
        if rule.key in facts and level_rank(rule.level) > rank
    ]


def needs_downgrade_approval(previous_level: str | None, new_level: str) -> bool:
    """True when the previous assessment said 高 and the new one is lower (切忌将高等级风险降低等级).

    The caller then requires a written justification and the 领导班子's approval, and records both.
    """
    new_rank = level_rank(new_level)
    if previous_level is None:
        return False
    return level_rank(previous_level) == LEVEL_RANK[RiskLevel.HIGH] and new_rank < LEVEL_RANK[RiskLevel.HIGH]


# --- a post's or department's own level -----------------------------------------------------------------


@dataclass(frozen=True)
class SubjectRule:
    """Thresholds (each ≥ 1) of `subject_level`: 根据岗位职权大小和风险点多少确定风险等级 (seed 002)."""

    high_min_high_points: int = 1
    high_min_powers: int = 10
    medium_min_medium_points: int = 1
    medium_min_powers: int = 3
    medium_min_points: int = 3

    def __post_init__(self) -> None:
        for name in (
            "high_min_high_points",
            "high_min_powers",
            "medium_min_medium_points",
            "medium_min_powers",
            "medium_min_points",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise GradingError(f"岗位（部门）定级规则的阈值 {name} 应为不小于1的整数")


DEFAULT_SUBJECT_RULE = SubjectRule()


def _at_least(noun: str, threshold: int, unit: str) -> str:
    return f"有{noun}" if threshold == 1 else f"{noun}不少于{threshold}{unit}"


def _conditions(rule: SubjectRule) -> dict[str, list[str]]:
    return {
        "high": [
            _at_least("高等级风险点", rule.high_min_high_points, "个"),
            f"职权不少于{rule.high_min_powers}项",
        ],
        "medium": [
            _at_least("中及以上等级风险点", rule.medium_min_medium_points, "个"),
            f"职权不少于{rule.medium_min_powers}项",
            f"风险点合计不少于{rule.medium_min_points}个",
        ],
    }


def describe_subject_rule(rule: SubjectRule = DEFAULT_SUBJECT_RULE) -> str:
    """The rule in words, for the page that shows a post's or department's level."""
    conditions = _conditions(rule)
    return (
        "岗位（部门）自身的风险等级按职权多少和风险点多少、“就高不就低”确定："
        f"{'，或'.join(conditions['high'])}，定为高；"
        f"{'，或'.join(conditions['medium'])}，定为中；其余定为低。"
    )


def subject_level(
    power_count: int, risk_levels: Sequence[str], rule: SubjectRule = DEFAULT_SUBJECT_RULE
) -> tuple[str, str]:
    """A post's or department's own level, and the explanation (rule + how it applied).

    高: at least `high_min_high_points` 高 risk points, or at least `high_min_powers` powers.
    中: at least `medium_min_medium_points` risk points at 中 or 高, or `medium_min_powers` powers, or
        `medium_min_points` risk points in all. 低: otherwise.
    """
    if power_count < 0:
        raise GradingError("职权数不能为负数")
    for level in risk_levels:
        level_rank(level)
    counts = {level: sum(1 for x in risk_levels if x == level) for level in LEVELS}
    conditions = _conditions(rule)
    met = {
        "high": [
            counts["high"] >= rule.high_min_high_points,
            power_count >= rule.high_min_powers,
        ],
        "medium": [
            counts["medium"] + counts["high"] >= rule.medium_min_medium_points,
            power_count >= rule.medium_min_powers,
            len(risk_levels) >= rule.medium_min_points,
        ],
    }
    result, because = "low", "未达到中、高等级的条件"
    for level in ("high", "medium"):
        hits = [text for text, ok in zip(conditions[level], met[level], strict=True) if ok]
        if hits:
            result, because = level, "、".join(hits)
            break
    facts = (
        f"职权{power_count}项，风险点{len(risk_levels)}个"
        f"（高{counts['high']}个、中{counts['medium']}个、低{counts['low']}个）"
    )
    return result, f"{describe_subject_rule(rule)}本项：{facts}，{because}，定为{level_name(result)}。"


# --- level spellings on sheets --------------------------------------------------------------------------

_LEVEL_SPELLING = re.compile(
    r"(?:(?P<cn>高|中等|中|低)(?:风险等级|等级风险|风险|等级)?"
    r"|(?P<roman>III|II|I)级?(?:风险)?"
    r"|(?P<num>[一二三123])级(?:风险)?)"
)
_LEVEL_WORDS = {
    "高": "high",
    "中": "medium",
    "中等": "medium",
    "低": "low",
    "I": "high",
    "II": "medium",
    "III": "low",
    "一": "high",
    "二": "medium",
    "三": "low",
    "1": "high",
    "2": "medium",
    "3": "low",
}


def parse_level(text: str | None) -> str | None:
    """A level as written on a sheet: 高/中/低 (…风险, …等级, 中等…), I/II/III (Ⅰ/Ⅱ/Ⅲ, …级),
    一级/二级/三级, 1级/2级/3级; full-width forms and spaces allowed. None for a blank cell."""
    if text is None:
        return None
    normal = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()
    if not normal:
        return None
    match = _LEVEL_SPELLING.fullmatch(normal)
    if match is None:
        raise GradingError(
            f"无法识别的风险等级“{str(text).strip()}”，"
            "应为高、中、低（也可写作 I、II、III 或 一级、二级、三级）"
        )
    word = match.group("cn") or match.group("roman") or match.group("num")
    return _LEVEL_WORDS[word]
