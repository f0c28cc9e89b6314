"""The grading matrix as versioned data: JSON round trip, two versions side by side, validation."""

from __future__ import annotations

import json

import pytest

from lianfang.risks.grading import (
    DEFAULT_DEFINITION,
    FACT_KEY_POST,
    FACT_PEOPLE_MONEY_ASSETS,
    FACT_THREE_IMPORTANT_ONE_LARGE,
    FactorOption,
    FactorScale,
    FloorRule,
    GradingError,
    MatrixDefinition,
    grade,
    validate_definition,
)

D = DEFAULT_DEFINITION
ALL_FACTS = {FACT_THREE_IMPORTANT_ONE_LARGE, FACT_PEOPLE_MONEY_ASSETS, FACT_KEY_POST}


def axes(probability: str, harm: str) -> dict[str, str]:
    return {"probability": probability, "harm": harm}


# --- matrix versions --------------------------------------------------------------------------------------


def _strict_definition() -> MatrixDefinition:
    """A later version: 高/中/低 probability; a 中 × 较严重 cell now 高; key posts now at least 高."""
    probability = FactorScale(
        "probability",
        "发生机率",
        (FactorOption("high", "高"), FactorOption("mid", "中"), FactorOption("low", "低")),
    )
    harm = D.factor("harm")
    grid = {f"{p}|{h}": "high" for p in ("high", "mid") for h in ("severe", "serious")}
    grid.update({"high|minor": "high", "mid|minor": "medium", "low|severe": "high"})
    grid.update({"low|serious": "medium", "low|minor": "low"})
    floors = (FloorRule(FACT_KEY_POST, "属于五类重点岗位", "high"),)
    return MatrixDefinition("2026 版矩阵", ("probability", "harm"), grid, (probability, harm), floors)


def test_same_factors_graded_by_two_versions_keep_their_own_results():
    v1, v2 = D, _strict_definition()
    assert validate_definition(v2) == []
    assert grade(v1, axes("low", "serious")).level == "medium"
    assert grade(v2, axes("low", "serious")).level == "medium"
    assert grade(v1, axes("low", "minor"), {FACT_KEY_POST}).level == "medium"
    assert grade(v2, axes("low", "minor"), {FACT_KEY_POST}).level == "high"
    # v2 has no 三重一大 rule and no 自由裁量权 factor.
    assert grade(v2, axes("low", "minor"), {FACT_THREE_IMPORTANT_ONE_LARGE}).level == "low"
    with pytest.raises(GradingError) as exc:
        grade(v2, {**axes("low", "minor"), "discretion": "large"})
    assert exc.value.field_errors == {"discretion": ["未知的评估因素“discretion”"]}
    # A v1 probability value is not a v2 one.
    with pytest.raises(GradingError):
        grade(v2, axes("fairly_high", "minor"))


def test_old_definition_survives_a_json_round_trip_and_grades_the_same():
    stored = json.dumps(D.to_json(), ensure_ascii=False)
    restored = MatrixDefinition.from_json(stored)
    assert restored == D
    assert MatrixDefinition.from_json(json.loads(stored)) == D
    factors = {**axes("fairly_high", "minor"), "discretion": "large"}
    assert grade(restored, factors, ALL_FACTS) == grade(D, factors, ALL_FACTS)


def test_to_json_shape():
    data = D.to_json()
    assert sorted(data) == ["axes", "factors", "floors", "grid", "name"]
    assert data["axes"] == ["probability", "harm"]
    assert data["factors"][3] == {
        "key": "discretion",
        "label": "自由裁量权大小",
        "options": [
            {"value": "large", "label": "大", "level": "high"},
            {"value": "small", "label": "较小", "level": "medium"},
            {"value": "none", "label": "无", "level": "low"},
        ],
    }
    assert data["factors"][0]["options"][0] == {"value": "high", "label": "高", "level": None}


def test_from_json_without_floors_key():
    data = D.to_json()
    del data["floors"]
    assert MatrixDefinition.from_json(data).floors == ()


def test_from_json_refuses_an_invalid_definition_listing_every_problem():
    data = D.to_json()
    data["name"] = ""
    del data["grid"]["low|minor"]
    with pytest.raises(GradingError) as exc:
        MatrixDefinition.from_json(data)
    assert exc.value.message == (
        "缺少矩阵名称（name）；"
        "矩阵不完整：缺少 发生机率“较小” × 危害程度“一般（在部门或岗位内部很快能解决）”（low|minor）"
    )


# --- validate_definition ----------------------------------------------------------------------------------


def _data() -> dict:
    return D.to_json()


def test_validate_incomplete_grid():
    data = _data()
    del data["grid"]["high|severe"]
    assert validate_definition(data) == [
        "矩阵不完整：缺少 发生机率“高” × 危害程度“严重（可能触犯法律、构成犯罪）”（high|severe）"
    ]


def test_validate_extra_grid_cell_and_unknown_cell_level():
    data = _data()
    data["grid"]["medium|severe"] = "high"
    data["grid"]["low|minor"] = "very low"
    assert validate_definition(data) == [
        "矩阵格“low|minor”：未知的等级“very low”，应为 high（高）、medium（中）、low（低） 之一",
        "矩阵含有多余的格“medium|severe”（不是坐标轴选项的组合）",
    ]


def test_validate_unknown_levels_in_options_and_floors():
    data = _data()
    data["factors"][2]["options"][0]["level"] = "I"
    data["floors"][0]["level"] = "高"
    assert validate_definition(data) == [
        "因素“power_importance”的选项“major”：未知的等级“I”，应为 high（高）、medium（中）、low（低） 之一",
        "保底规则“three_important_one_large”：未知的等级“高”，应为 high（高）、medium（中）、low（低） 之一",
    ]


def test_validate_duplicate_keys():
    data = _data()
    data["factors"].append(dict(data["factors"][3]))
    data["factors"][2]["options"].append({"value": "major", "label": "重复", "level": "low"})
    data["floors"].append({"key": "key_post", "label": "再次", "level": "low"})
    assert validate_definition(data) == [
        "因素“power_importance”的选项取值“major”重复",
        "因素键名“discretion”重复",
        "保底规则键名“key_post”重复",
    ]


def test_validate_axes():
    data = _data()
    data["axes"] = ["probability", "probability"]
    assert validate_definition(data) == ["两个坐标轴不能是同一个因素“probability”"]
    data["axes"] = ["probability"]
    assert validate_definition(data) == ["坐标轴（axes）应为两个因素键名"]
    data["axes"] = ["probability", "likelihood"]
    assert validate_definition(data) == ["坐标轴因素“likelihood”未在评估因素中定义"]


def test_validate_axis_option_with_its_own_level():
    data = _data()
    data["factors"][0]["options"][1]["level"] = "medium"
    assert validate_definition(data) == [
        "坐标轴因素“probability”的选项“fairly_high”不应单独定级（等级由矩阵格决定）"
    ]


def test_validate_missing_parts_and_bad_text():
    assert validate_definition("{not json") == [
        "矩阵定义不是有效的 JSON：Expecting property name enclosed in double quotes（第1行第2列）"
    ]
    assert validate_definition([1, 2]) == ["矩阵定义应为 JSON 对象"]
    assert validate_definition({"version": 2}) == [
        "矩阵定义含有未知字段：version",
        "缺少矩阵名称（name）",
        "缺少评估因素（factors 应为非空列表）",
        "坐标轴（axes）应为两个因素键名",
    ]


def test_validate_bad_factor_entries():
    data = _data()
    data["factors"] += [
        "not an object",
        {"label": "无键"},
        {"key": "empty", "label": "", "options": []},
        {"key": "opts", "label": "选项", "options": [{"label": "x"}, {"value": "a|b", "label": ""}, 3]},
    ]
    assert validate_definition(data) == [
        "因素第7项应为对象",
        "因素第8项缺少键名（key）",
        "因素“empty”缺少名称（label）",
        "因素“empty”缺少选项（options 应为非空列表）",
        "因素“opts”的第1个选项缺少取值（value）",
        "因素“opts”的选项“a|b”不能含有“|”",
        "因素“opts”的选项“a|b”缺少名称（label）",
        "因素“opts”的第3个选项应为对象",
    ]


def test_validate_bad_floor_entries():
    data = _data()
    data["floors"] = [{"key": "", "label": "x", "level": "high"}, "x", {"key": "k", "level": "low"}]
    assert validate_definition(data) == [
        "保底规则第1项缺少键名（key）",
        "保底规则第2项应为对象",
        "保底规则“k”缺少名称（label）",
    ]
    data["floors"] = {}
    assert validate_definition(data) == ["保底规则（floors）应为列表"]


def test_validate_grid_not_an_object():
    data = _data()
    data["grid"] = []
    assert validate_definition(data) == ["缺少矩阵（grid 应为对象）"]
