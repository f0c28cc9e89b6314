"""The grading engine (DOMAIN §6): pure, no database."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.risks.grading import (
    DEFAULT_DEFINITION,
    DEFAULT_SUBJECT_RULE,
    FACT_KEY_POST,
    FACT_PEOPLE_MONEY_ASSETS,
    FACT_THREE_IMPORTANT_ONE_LARGE,
    SOURCE_FACTOR,
    SOURCE_FLOOR,
    SOURCE_GRID,
    FactorOption,
    FactorScale,
    Grade,
    GradingError,
    Reason,
    SubjectRule,
    check_imported,
    describe_subject_rule,
    grade,
    level_rank,
    needs_downgrade_approval,
    parse_level,
    subject_level,
    validate_definition,
)

D = DEFAULT_DEFINITION
ALL_FACTS = {FACT_THREE_IMPORTANT_ONE_LARGE, FACT_PEOPLE_MONEY_ASSETS, FACT_KEY_POST}


def axes(probability: str, harm: str) -> dict[str, str]:
    return {"probability": probability, "harm": harm}


# --- the default definition -------------------------------------------------------------------------------


def test_default_definition_is_valid_and_shaped_from_the_seeds():
    assert validate_definition(D) == []
    assert D.axes == ("probability", "harm")
    assert [(s.key, s.label) for s in D.factors] == [
        ("probability", "发生机率"),
        ("harm", "危害程度"),
        ("power_importance", "权力重要程度"),
        ("discretion", "自由裁量权大小"),
        ("public_contact", "与群众生产生活关系密切程度"),
        ("accountability", "被追究的严厉程度"),
    ]
    assert [o.label for o in D.factor("probability").options] == ["高", "较高", "较小"]
    assert [o.value for o in D.factor("harm").options] == ["severe", "serious", "minor"]
    assert [(f.key, f.level) for f in D.floors] == [
        ("three_important_one_large", "high"),
        ("people_money_assets", "medium"),
        ("key_post", "medium"),
    ]


# 高 when 机率高 or 后果严重; 中 when 机率较高 or 后果较严重; else 低.
GRID = [
    ("high", "severe", "high"),
    ("high", "serious", "high"),
    ("high", "minor", "high"),
    ("fairly_high", "severe", "high"),
    ("fairly_high", "serious", "medium"),
    ("fairly_high", "minor", "medium"),
    ("low", "severe", "high"),
    ("low", "serious", "medium"),
    ("low", "minor", "low"),
]


@pytest.mark.parametrize(("probability", "harm", "expected"), GRID)
def test_every_grid_cell_of_the_default(probability, harm, expected):
    result = grade(D, axes(probability, harm))
    assert result.level == expected
    assert len(result.reasons) == 1
    assert result.reasons[0].source == SOURCE_GRID
    assert result.reasons[0].level == expected
    assert result.reasons[0].key == "probability|harm"


def test_grid_has_exactly_the_nine_cells():
    assert len(D.grid) == 9
    assert {f"{p}|{h}": lvl for p, h, lvl in GRID} == D.grid


def test_grid_reason_names_both_axes():
    result = grade(D, axes("fairly_high", "serious"))
    assert result.reasons == (
        Reason(
            SOURCE_GRID,
            "发生机率“较高” × 危害程度“较严重（可能违反党纪政纪、受到处分）”",
            "medium",
            "probability|harm",
        ),
    )


# --- extra factors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("power_importance", "major", "high"),
        ("power_importance", "important", "medium"),
        ("power_importance", "ordinary", "low"),
        ("discretion", "large", "high"),
        ("discretion", "small", "medium"),
        ("discretion", "none", "low"),
        ("public_contact", "close", "medium"),
        ("public_contact", "ordinary", "low"),
        ("accountability", "criminal", "high"),
        ("accountability", "discipline", "medium"),
        ("accountability", "internal", "low"),
    ],
)
def test_each_extra_factor_option_gives_its_level_over_a_low_cell(key, value, expected):
    result = grade(D, {**axes("low", "minor"), key: value})
    assert result.level == expected
    assert result.reasons[1].source == SOURCE_FACTOR
    assert result.reasons[1].key == key
    assert result.reasons[1].level == expected


def test_extra_factor_reason_label():
    result = grade(D, {**axes("low", "minor"), "accountability": "criminal"})
    assert result.reasons[1].label == "被追究的严厉程度：追究刑事责任"


def test_extra_factor_never_lowers_the_cell():
    result = grade(D, {**axes("high", "minor"), "discretion": "none", "accountability": "internal"})
    assert result.level == "high"
    assert [r.level for r in result.reasons] == ["high", "low", "low"]


def test_blank_extra_factor_is_not_a_contributor():
    result = grade(D, {**axes("low", "minor"), "discretion": "", "public_contact": "  "})
    assert result.level == "low"
    assert len(result.reasons) == 1


def test_extra_option_without_level_is_recorded_but_gives_none():
    scale = FactorScale("note", "备注因素", (FactorOption("x", "某种情形"),))
    definition = replace(D, factors=(*D.factors, scale))
    result = grade(definition, {**axes("low", "minor"), "note": "x"})
    assert result.level == "low"
    assert [r.source for r in result.reasons] == [SOURCE_GRID]


# --- floor rules ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "expected", "label"),
    [
        (FACT_THREE_IMPORTANT_ONE_LARGE, "high", "属于“三重一大”事项"),
        (FACT_PEOPLE_MONEY_ASSETS, "medium", "涉及人财物管理权"),
        (FACT_KEY_POST, "medium", "属于五类重点岗位（管人、管财、管物、管审批、管执法）"),
    ],
)
def test_each_floor_rule_raises_a_low_cell(fact, expected, label):
    result = grade(D, axes("low", "minor"), {fact})
    assert result.level == expected
    assert result.reasons[1] == Reason(SOURCE_FLOOR, label, expected, fact)


def test_floor_rule_does_not_lower_a_higher_grade():
    result = grade(D, axes("high", "severe"), {FACT_KEY_POST})
    assert result.level == "high"


def test_facts_no_rule_names_are_ignored():
    result = grade(D, axes("low", "minor"), {"something_else"})
    assert result.level == "low"
    assert len(result.reasons) == 1


def test_a_definition_without_floors_ignores_every_fact():
    definition = replace(D, floors=())
    assert grade(definition, axes("low", "minor"), ALL_FACTS).level == "low"


# --- 就高不就低 ---------------------------------------------------------------------------------------


def test_highest_wins_when_factors_disagree():
    result = grade(
        D,
        {**axes("low", "serious"), "discretion": "none", "accountability": "criminal"},
        {FACT_KEY_POST},
    )
    assert result.level == "high"
    assert [(r.source, r.key, r.level) for r in result.reasons] == [
        (SOURCE_GRID, "probability|harm", "medium"),
        (SOURCE_FACTOR, "discretion", "low"),
        (SOURCE_FACTOR, "accountability", "high"),
        (SOURCE_FLOOR, FACT_KEY_POST, "medium"),
    ]
    assert [r.key for r in result.decisive] == ["accountability"]


def test_reasons_list_every_contributor_in_definition_order():
    factors = {
        **axes("fairly_high", "minor"),
        "accountability": "discipline",
        "power_importance": "important",
        "public_contact": "close",
        "discretion": "small",
    }
    result = grade(D, factors, ALL_FACTS)
    assert result.level == "high"
    assert [r.key for r in result.reasons] == [
        "probability|harm",
        "power_importance",
        "discretion",
        "public_contact",
        "accountability",
        "three_important_one_large",
        "people_money_assets",
        "key_post",
    ]
    assert [r.key for r in result.decisive] == ["three_important_one_large"]


def test_explanation_text():
    result = grade(D, {**axes("low", "minor"), "discretion": "large"})
    assert result.explanation() == (
        "按“就高不就低”取最高等级：高。"
        "依据：发生机率“较小” × 危害程度“一般（在部门或岗位内部很快能解决）” → 低；"
        "自由裁量权大小：大 → 高。"
    )


def test_grade_to_json():
    result = grade(D, axes("low", "minor"), {FACT_KEY_POST})
    assert json.loads(json.dumps(result.to_json())) == {
        "level": "medium",
        "reasons": [
            {
                "source": "grid",
                "key": "probability|harm",
                "label": "发生机率“较小” × 危害程度“一般（在部门或岗位内部很快能解决）”",
                "level": "low",
            },
            {
                "source": "floor",
                "key": "key_post",
                "label": "属于五类重点岗位（管人、管财、管物、管审批、管执法）",
                "level": "medium",
            },
        ],
    }


# --- grading errors ---------------------------------------------------------------------------------------


def test_missing_axis_is_a_clear_error():
    with pytest.raises(GradingError) as exc:
        grade(D, {"probability": "high"})
    assert exc.value.message == "请选择“危害程度”"
    assert exc.value.field_errors == {"harm": ["请选择“危害程度”"]}


def test_blank_axis_counts_as_missing():
    with pytest.raises(GradingError) as exc:
        grade(D, {"probability": " ", "harm": "minor"})
    assert exc.value.field_errors == {"probability": ["请选择“发生机率”"]}


def test_unknown_value_and_unknown_factor_are_all_reported():
    with pytest.raises(GradingError) as exc:
        grade(D, {"probability": "very_high", "harm": "minor", "discretion": "huge", "mood": "bad"})
    assert exc.value.field_errors == {
        "mood": ["未知的评估因素“mood”"],
        "probability": ["“发生机率”的取值“very_high”无效，应为：高、较高、较小"],
        "discretion": ["“自由裁量权大小”的取值“huge”无效，应为：大、较小、无"],
    }


# --- imported levels --------------------------------------------------------------------------------------


def test_check_imported_flags_floor_rules_that_demand_more():
    assert check_imported(D, "low", ALL_FACTS) == [
        "属于“三重一大”事项，等级应不低于高",
        "涉及人财物管理权，等级应不低于中",
        "属于五类重点岗位（管人、管财、管物、管审批、管执法），等级应不低于中",
    ]
    assert check_imported(D, "medium", ALL_FACTS) == ["属于“三重一大”事项，等级应不低于高"]
    assert check_imported(D, "high", ALL_FACTS) == []
    assert check_imported(D, "low", set()) == []
    assert check_imported(D, "medium", {FACT_KEY_POST, FACT_PEOPLE_MONEY_ASSETS}) == []


def test_check_imported_refuses_an_unknown_level():
    with pytest.raises(GradingError) as exc:
        check_imported(D, "高", set())
    assert exc.value.message == "未知的风险等级“高”，应为 high（高）、medium（中）、low（低） 之一"


# --- downgrade guard --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "new", "expected"),
    [
        (None, "high", False),
        (None, "medium", False),
        (None, "low", False),
        ("high", "high", False),
        ("high", "medium", True),
        ("high", "low", True),
        ("medium", "high", False),
        ("medium", "medium", False),
        ("medium", "low", False),
        ("low", "high", False),
        ("low", "medium", False),
        ("low", "low", False),
    ],
)
def test_downgrade_guard_truth_table(previous, new, expected):
    assert needs_downgrade_approval(previous, new) is expected


def test_downgrade_guard_refuses_unknown_levels():
    with pytest.raises(GradingError):
        needs_downgrade_approval("high", "lower")
    with pytest.raises(GradingError):
        needs_downgrade_approval("I", "low")


# --- a post's or department's own level -------------------------------------------------------------------

RULE_TEXT = (
    "岗位（部门）自身的风险等级按职权多少和风险点多少、“就高不就低”确定："
    "有高等级风险点，或职权不少于10项，定为高；"
    "有中及以上等级风险点，或职权不少于3项，或风险点合计不少于3个，定为中；其余定为低。"
)


def test_subject_rule_text():
    assert describe_subject_rule() == RULE_TEXT
    assert describe_subject_rule(SubjectRule(high_min_high_points=2)).startswith(
        "岗位（部门）自身的风险等级按职权多少和风险点多少、“就高不就低”确定：高等级风险点不少于2个，或"
    )


@pytest.mark.parametrize(
    ("powers", "levels", "expected", "because"),
    [
        (0, [], "low", "未达到中、高等级的条件"),
        (2, ["low", "low"], "low", "未达到中、高等级的条件"),
        (1, ["high"], "high", "有高等级风险点"),
        (10, [], "high", "职权不少于10项"),
        (9, ["medium"], "medium", "有中及以上等级风险点、职权不少于3项"),
        (3, [], "medium", "职权不少于3项"),
        (0, ["low", "low", "low"], "medium", "风险点合计不少于3个"),
        (12, ["high", "medium"], "high", "有高等级风险点、职权不少于10项"),
    ],
)
def test_subject_level_rule(powers, levels, expected, because):
    level, text = subject_level(powers, levels)
    assert level == expected
    counts = f"（高{levels.count('high')}个、中{levels.count('medium')}个、低{levels.count('low')}个）"
    name = {"high": "高", "medium": "中", "low": "低"}[expected]
    assert text == f"{RULE_TEXT}本项：职权{powers}项，风险点{len(levels)}个{counts}，{because}，定为{name}。"


def test_subject_level_thresholds_are_data():
    rule = SubjectRule(high_min_high_points=2, high_min_powers=20, medium_min_powers=5, medium_min_points=4)
    assert subject_level(1, ["high"], rule)[0] == "medium"
    assert subject_level(1, ["high"], rule)[1].endswith("有中及以上等级风险点，定为中。")
    assert subject_level(1, ["high", "high"], rule)[0] == "high"
    assert subject_level(4, [], rule)[0] == "low"
    assert subject_level(4, ["low", "low", "low"], rule)[0] == "low"
    assert subject_level(19, [], rule)[0] == "medium"
    assert SubjectRule() == DEFAULT_SUBJECT_RULE


def test_subject_level_errors():
    with pytest.raises(GradingError) as exc:
        subject_level(-1, [])
    assert exc.value.message == "职权数不能为负数"
    with pytest.raises(GradingError):
        subject_level(1, ["高"])
    with pytest.raises(GradingError) as exc:
        SubjectRule(medium_min_powers=0)
    assert exc.value.message == "岗位（部门）定级规则的阈值 medium_min_powers 应为不小于1的整数"


# --- sheet spellings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("高", "high"),
        ("中", "medium"),
        ("低", "low"),
        ("高风险", "high"),
        ("中风险", "medium"),
        ("低风险", "low"),
        ("中等风险", "medium"),
        ("高等级风险", "high"),
        ("中等风险等级", "medium"),
        ("低风险等级", "low"),
        ("I", "high"),
        ("II", "medium"),
        ("III", "low"),
        ("i", "high"),
        ("ii", "medium"),
        ("Ⅰ", "high"),
        ("Ⅱ", "medium"),
        ("Ⅲ", "low"),
        ("Ⅰ级", "high"),
        ("II级", "medium"),
        ("Ⅲ级", "low"),
        ("ＩＩ", "medium"),
        ("ＩＩＩ级", "low"),
        ("一级", "high"),
        ("二级", "medium"),
        ("三级", "low"),
        ("1级", "high"),
        ("2级", "medium"),
        ("3级", "low"),
        ("１级", "high"),
        ("Ⅱ级风险", "medium"),
        (" 高 ", "high"),
        ("\u3000中\u3000", "medium"),
        ("I I", "medium"),
        ("高\n风险", "high"),
    ],
)
def test_parse_level_spellings(text, expected):
    assert parse_level(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000"])
def test_parse_level_blank(text):
    assert parse_level(text) is None


@pytest.mark.parametrize("text", ["A", "1", "四级", "IV", "很高", "高级", "high", "高中", "一"])
def test_parse_level_refuses_unknown_text(text):
    with pytest.raises(GradingError) as exc:
        parse_level(text)
    assert exc.value.message == (
        f"无法识别的风险等级“{text}”，应为高、中、低（也可写作 I、II、III 或 一级、二级、三级）"
    )


# --- properties -------------------------------------------------------------------------------------------


@st.composite
def assessments(draw):
    factors = {}
    for scale in D.factors:
        choices = [o.value for o in scale.options]
        if scale.key in D.axes:
            factors[scale.key] = draw(st.sampled_from(choices))
        else:
            value = draw(st.one_of(st.none(), st.sampled_from(choices)))
            if value is not None:
                factors[scale.key] = value
    facts = draw(st.sets(st.sampled_from([*sorted(ALL_FACTS), "unrelated_fact"])))
    return factors, facts


@settings(max_examples=300, deadline=None, database=None)
@given(assessments())
def test_grade_is_the_highest_contributor(case):
    factors, facts = case
    result = grade(D, factors, facts)
    assert isinstance(result, Grade)
    assert all(level_rank(result.level) >= level_rank(r.level) for r in result.reasons)
    assert level_rank(result.level) == max(level_rank(r.level) for r in result.reasons)
    # Every contributor is listed: the cell, each chosen extra factor, each applicable floor rule.
    cell = D.grid[f"{factors['probability']}|{factors['harm']}"]
    expected: list[tuple[str, str | None]] = [(SOURCE_GRID, cell)]
    expected += [
        (SOURCE_FACTOR, getattr(D.factor(k).option(factors[k]), "level", None))
        for k in ("power_importance", "discretion", "public_contact", "accountability")
        if k in factors
    ]
    expected += [(SOURCE_FLOOR, f.level) for f in D.floors if f.key in facts]
    assert [(r.source, r.level) for r in result.reasons] == expected
    # Floors are honoured: no imported sheet with this grade would be flagged.
    assert check_imported(D, result.level, facts) == []


@settings(max_examples=200, deadline=None, database=None)
@given(assessments(), st.sampled_from(sorted(ALL_FACTS)))
def test_adding_a_fact_never_lowers_the_grade(case, fact):
    factors, facts = case
    before = grade(D, factors, facts).level
    after = grade(D, factors, facts | {fact}).level
    assert level_rank(after) >= level_rank(before)
