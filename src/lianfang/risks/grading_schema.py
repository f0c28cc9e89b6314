"""The stored form of a grading matrix (`grading.MatrixDefinition.to_json()`) and its validation.

Kept apart from the engine so that the engine stays short; use `grading.validate_definition`, which also
takes a `MatrixDefinition`. Every problem is reported, in Chinese, so an administrator editing a matrix sees
them all at once: a missing or blank name/key/label, duplicate factor, option or floor-rule keys, an unknown
level (levels are the `RiskLevel` values high/medium/low), axes that are not two distinct defined factors, an
axis option that carries a level of its own (the grid decides), and a grid that misses a cell or has a cell
that is not a combination of the axes' options.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from lianfang.core.i18n import source_text
from lianfang.risks.vocabulary import RiskLevel

LEVELS: tuple[str, ...] = tuple(level.value for level in RiskLevel)


def levels_text() -> str:
    """ "high（高）、medium（中）、low（低）": the accepted level values, for messages."""
    return "、".join(f"{level.value}（{source_text(level.label)}）" for level in RiskLevel)


def cell_key(row: str, col: str) -> str:
    """The grid key of a cell: row option value, "|", column option value."""
    return f"{row}|{col}"


_TOP_KEYS = {"name", "axes", "factors", "grid", "floors"}


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_level(value: object, where: str, errors: list[str], *, optional: bool = False) -> None:
    if optional and value is None:
        return
    if not isinstance(value, str) or value not in LEVELS:
        errors.append(f"{where}：未知的等级“{value}”，应为 {levels_text()} 之一")


def _validate_factors(raw: object, errors: list[str]) -> dict[str, dict[str, Any]]:
    """Check the factor list; return the usable factors by key."""
    if not isinstance(raw, list) or not raw:
        errors.append("缺少评估因素（factors 应为非空列表）")
        return {}
    usable: dict[str, dict[str, Any]] = {}
    for i, scale in enumerate(raw, start=1):
        where = f"因素第{i}项"
        if not isinstance(scale, Mapping):
            errors.append(f"{where}应为对象")
            continue
        key = scale.get("key")
        if not _text(key):
            errors.append(f"{where}缺少键名（key）")
            continue
        assert isinstance(key, str)
        where = f"因素“{key}”"
        if key in usable:
            errors.append(f"因素键名“{key}”重复")
            continue
        if not _text(scale.get("label")):
            errors.append(f"{where}缺少名称（label）")
        options = scale.get("options")
        if not isinstance(options, list) or not options:
            errors.append(f"{where}缺少选项（options 应为非空列表）")
            continue
        values: set[str] = set()
        for j, option in enumerate(options, start=1):
            if not isinstance(option, Mapping):
                errors.append(f"{where}的第{j}个选项应为对象")
                continue
            value = option.get("value")
            if not _text(value):
                errors.append(f"{where}的第{j}个选项缺少取值（value）")
                continue
            assert isinstance(value, str)
            if "|" in value:
                errors.append(f"{where}的选项“{value}”不能含有“|”")
            if value in values:
                errors.append(f"{where}的选项取值“{value}”重复")
            values.add(value)
            if not _text(option.get("label")):
                errors.append(f"{where}的选项“{value}”缺少名称（label）")
            _check_level(option.get("level"), f"{where}的选项“{value}”", errors, optional=True)
        usable[key] = {"label": scale.get("label"), "options": [o for o in options if isinstance(o, Mapping)]}
    return usable


def _validate_axes_and_grid(
    raw_axes: object, raw_grid: object, factors: dict[str, dict[str, Any]], errors: list[str]
) -> None:
    if (
        not isinstance(raw_axes, list | tuple)
        or len(raw_axes) != 2
        or not all(isinstance(a, str) for a in raw_axes)
    ):
        errors.append("坐标轴（axes）应为两个因素键名")
        return
    row, col = raw_axes
    if row == col:
        errors.append(f"两个坐标轴不能是同一个因素“{row}”")
        return
    missing_axis = [a for a in (row, col) if a not in factors]
    for axis in missing_axis:
        errors.append(f"坐标轴因素“{axis}”未在评估因素中定义")
    for axis in (row, col):
        for option in factors.get(axis, {}).get("options", []):
            if option.get("level") is not None:
                errors.append(
                    f"坐标轴因素“{axis}”的选项“{option.get('value')}”不应单独定级（等级由矩阵格决定）"
                )
    if not isinstance(raw_grid, Mapping):
        errors.append("缺少矩阵（grid 应为对象）")
        return
    if missing_axis:
        return
    row_scale, col_scale = factors[row], factors[col]
    expected: set[str] = set()
    for r in row_scale["options"]:
        for c in col_scale["options"]:
            key = cell_key(str(r.get("value")), str(c.get("value")))
            expected.add(key)
            if key not in raw_grid:
                errors.append(
                    f"矩阵不完整：缺少 {row_scale['label']}“{r.get('label')}” × "
                    f"{col_scale['label']}“{c.get('label')}”（{key}）"
                )
            else:
                _check_level(raw_grid[key], f"矩阵格“{key}”", errors)
    for key in raw_grid:
        if key not in expected:
            errors.append(f"矩阵含有多余的格“{key}”（不是坐标轴选项的组合）")


def _validate_floors(raw: object, errors: list[str]) -> None:
    if not isinstance(raw, list):
        errors.append("保底规则（floors）应为列表")
        return
    keys: set[str] = set()
    for i, rule in enumerate(raw, start=1):
        if not isinstance(rule, Mapping):
            errors.append(f"保底规则第{i}项应为对象")
            continue
        key = rule.get("key")
        if not _text(key):
            errors.append(f"保底规则第{i}项缺少键名（key）")
            continue
        assert isinstance(key, str)
        if key in keys:
            errors.append(f"保底规则键名“{key}”重复")
        keys.add(key)
        if not _text(rule.get("label")):
            errors.append(f"保底规则“{key}”缺少名称（label）")
        _check_level(rule.get("level"), f"保底规则“{key}”", errors)


def validate_definition_data(data: object) -> list[str]:
    """Every problem with a stored definition (JSON text or parsed data), in Chinese."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            return [f"矩阵定义不是有效的 JSON：{exc.msg}（第{exc.lineno}行第{exc.colno}列）"]
    if not isinstance(data, Mapping):
        return ["矩阵定义应为 JSON 对象"]
    errors: list[str] = []
    unknown = sorted(str(k) for k in data if k not in _TOP_KEYS)
    if unknown:
        errors.append(f"矩阵定义含有未知字段：{'、'.join(unknown)}")
    if not _text(data.get("name")):
        errors.append("缺少矩阵名称（name）")
    factors = _validate_factors(data.get("factors"), errors)
    _validate_axes_and_grid(data.get("axes"), data.get("grid"), factors, errors)
    _validate_floors(data.get("floors", []), errors)
    return errors
