"""Reading `lianfang-flows` YAML with `yaml.safe_load`; each problem is reported in Chinese with its place."""

from __future__ import annotations

import difflib
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from lianfang.core.vocabulary import LimitUnit

from .flow_yaml_schema import (
    DISCRETION_KEYS,
    FLOW_KEYS,
    FORMAT,
    LIMIT_KEYS,
    MAX,
    MAX_AMOUNT,
    MAX_DAYS,
    NEXT_KEYS,
    STEP_KEYS,
    TEXT_KEYS,
    TOP_KEYS,
    VERSION,
    FlowDocument,
    FlowEntry,
    FlowError,
    kinds_by_text,
    units_by_text,
)
from .flowspec import DiscretionSpec, FlowSpec, SeparationSpec, StepKind, StepSpec, TransitionSpec

# --- reading ---------------------------------------------------------------------------------------


class _Reader:
    """Typed getters that record a Chinese error with its location instead of raising."""

    def __init__(self) -> None:
        self.errors: list[FlowError] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(FlowError(where, message))

    def mapping(self, value: Any, where: str, allowed: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(where or "文件", f"应为“键: 值”形式的映射，实际为{_type_name(value)}")
            return None
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                hint = f"，是否应为“{close[0]}”？" if close else "。"
                self.error(
                    f"{where}.{key}" if where else str(key),
                    f"未知的键“{key}”{hint}可用的键：{'、'.join(allowed)}",
                )
        return value

    def items(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(where, f"应为列表，实际为{_type_name(value)}")
            return []
        return value

    def text(self, value: Any, where: str, *, required: bool = False, max_length: int | None = None) -> str:
        if value is None:
            text = ""
        elif isinstance(value, str):
            text = value.strip()
        else:
            hint = "（数字或日期请加引号）" if isinstance(value, int | float) else ""
            self.error(where, f"应为文本，实际为{_type_name(value)}{hint}")
            return ""
        if required and not text:
            self.error(where, "不能为空")
        if max_length is not None and len(text) > max_length:
            self.error(where, f"不能超过 {max_length} 个字符（现有 {len(text)} 个）")
        return text

    def flag(self, value: Any, where: str) -> bool:
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip() in ("是", "否"):
            return value.strip() == "是"
        self.error(where, f"应为 true 或 false（也可写“是”“否”），实际为“{value}”")
        return False

    def choice(self, value: Any, where: str, table: dict[str, str], title: str, default: str) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        if isinstance(value, str) and value.strip() in table:
            return table[value.strip()]
        labels = [f"“{k}”" for k in table if k not in table.values()]
        self.error(where, f"{title}应为{'、'.join(labels[:-1])}或{labels[-1]}，实际为“{value}”")
        return default

    def limit(self, value: Any, where: str) -> tuple[int | None, str]:
        """{days: 20, unit: 工作日}; a bare number means working days; units also as working/calendar."""
        default = str(LimitUnit.WORKING_DAYS)
        if value is None:
            return None, default
        if isinstance(value, int) and not isinstance(value, bool):
            return self.days(value, where), default
        data = self.mapping(value, where, LIMIT_KEYS)
        if data is None:
            return None, default
        days = self.days(data.get("days"), f"{where}.days")
        unit = self.choice(data.get("unit"), f"{where}.unit", units_by_text(), "时限单位", default)
        return days, unit

    def days(self, value: Any, where: str) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_DAYS:
            self.error(where, f"时限应为正整数（天数），实际为“{value}”")
            return None
        return value

    def amount(self, value: Any, where: str) -> Decimal | None:
        if value is None:
            return None
        try:
            # A float is read back from its shortest spelling: 1000.5, never 1000.499999….
            amount = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
        except InvalidOperation:
            amount = Decimal("NaN")
        if isinstance(value, bool) or not isinstance(value, int | float | str) or not amount.is_finite():
            self.error(where, f"金额应为数字，实际为“{value}”")
        elif amount < 0:
            self.error(where, "金额不能为负数")
        elif amount >= MAX_AMOUNT:
            self.error(where, "金额过大（应小于一万亿）")
        elif amount != amount.quantize(Decimal("0.01")):
            self.error(where, "金额最多保留两位小数")
        else:
            return amount
        return None


def _type_name(value: Any) -> str:
    if isinstance(value, str):
        return f"文本“{value}”"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"数字 {value}"
    names = {type(None): "空值", bool: "布尔值", list: "列表", dict: "映射"}
    return names.get(type(value), type(value).__name__)


def _duplicate_keys(text: str) -> list[FlowError]:
    """YAML keeps the last of two equal keys without a word; a repeated key is reported instead."""
    found: list[tuple[int, int, str]] = []
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    stack: list[yaml.Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                    if key.value in seen:
                        mark = key.start_mark
                        message = f"键“{key.value}”重复出现，后一个会覆盖前一个"
                        found.append((mark.line, mark.column, message))
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return [FlowError(f"第 {line + 1} 行第 {column + 1} 列", m) for line, column, m in sorted(found)]


def _load(text: str, reader: _Reader) -> Any:
    try:
        duplicates = _duplicate_keys(text)
        data = yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:
        # Tags such as !!python/object: safe_load refuses to build objects from a file.
        mark = exc.problem_mark
        where = f"第 {mark.line + 1} 行" if mark else "文件"
        reader.error(where, f"不支持的 YAML 标签，只能使用普通的文本、数字、列表和映射（{exc.problem}）")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "文件"
        problem = getattr(exc, "problem", None) or str(exc)
        reader.error(where, f"YAML 格式错误：{problem}")
        return None
    reader.errors.extend(duplicates)
    return data


def parse_document(text: str) -> FlowDocument:
    """Read a whole file: header (format, version, unit, year), every flow, every problem."""
    reader = _Reader()
    doc = FlowDocument(errors=reader.errors)
    if text.startswith("\ufeff"):
        text = text[1:]
    data = _load(text, reader)
    if reader.errors and data is None:
        return doc
    top = reader.mapping(data, "", TOP_KEYS)
    if top is None:
        return doc
    if top.get("format") != FORMAT:
        reader.error("format", f"应为“{FORMAT}”，实际为“{top.get('format')}”；这不是廉防流程图文件")
    if top.get("version") != VERSION:
        reader.error("version", f"不支持的版本“{top.get('version')}”，应为 {VERSION}")
    doc.unit = reader.text(top.get("unit"), "unit", max_length=MAX["code"])
    year = top.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100):
        reader.error("year", f"年度应为 2000 至 2100 之间的整数，实际为“{year}”")
    elif year is not None:
        doc.year = year
    if "flows" not in top:
        reader.error("flows", "缺少流程图列表 flows")
    seen: dict[str, int] = {}
    for n, item in enumerate(reader.items(top.get("flows"), "flows"), start=1):
        where = f"flows[{n}]"
        before = len(reader.errors)
        entry = _flow(reader, item, where)
        if entry is None:
            continue
        code = entry.spec.code
        if code and code in seen:
            reader.error(f"{where}.code", f"流程编号“{code}”与 flows[{seen[code]}] 重复")
        seen.setdefault(code, n)
        failed = len(reader.errors) > before
        doc.flows.append(
            FlowEntry(
                entry.spec, entry.department, entry.secret, entry.posts, entry.link_powers, where, failed
            )
        )
    return doc


def parse_flows(text: str) -> tuple[list[FlowEntry], list[str]]:
    """The flows of a file and its problems as "location: message" lines (none when the file is good)."""
    doc = parse_document(text)
    return doc.flows, [str(e) for e in doc.errors]


def _flow(r: _Reader, item: Any, where: str) -> FlowEntry | None:
    data = r.mapping(item, where, FLOW_KEYS)
    if data is None:
        return None
    code = r.text(data.get("code"), f"{where}.code", required=True, max_length=MAX["code"])
    name = r.text(data.get("name"), f"{where}.name", required=True, max_length=MAX["name"])
    department = r.text(data.get("department"), f"{where}.department", max_length=MAX["name"])
    statutory, statutory_unit = r.limit(data.get("statutory_limit"), f"{where}.statutory_limit")
    promised, promised_unit = r.limit(data.get("promised_limit"), f"{where}.promised_limit")
    if statutory and promised and statutory_unit == promised_unit and promised > statutory:
        r.error(f"{where}.promised_limit", "承诺时限不能超过法定时限")
    powers: list[str] = []
    for k, value in enumerate(r.items(data.get("powers"), f"{where}.powers"), start=1):
        power = r.text(value, f"{where}.powers[{k}]", required=True, max_length=MAX["code"])
        if power in powers:
            r.error(f"{where}.powers[{k}]", f"职权编码“{power}”重复")
        elif power:
            powers.append(power)
    steps: list[StepSpec] = []
    posts: list[tuple[str, str]] = []
    moves: list[tuple[str, TransitionSpec]] = []
    for n, value in enumerate(r.items(data.get("steps"), f"{where}.steps"), start=1):
        parsed = _step(r, value, f"{where}.steps[{n}]")
        if parsed is None:
            continue
        step, post, step_moves = parsed
        if step.code and any(s.code == step.code for s in steps):
            r.error(f"{where}.steps[{n}].code", f"环节编号“{step.code}”重复")
        steps.append(step)
        if post:
            posts.append((step.code, post))
        moves.extend(step_moves)
    codes = {s.code for s in steps}
    transitions: list[TransitionSpec] = []
    for at, t in moves:
        if t.target not in codes:
            r.error(at, f"流转指向不存在的环节“{t.target}”")
        elif t in transitions:
            r.error(at, f"流转“{t.source}→{t.target}”{f'（{t.label}）' if t.label else ''}重复")
        else:
            transitions.append(t)
    return FlowEntry(
        FlowSpec(
            code=code,
            name=name,
            steps=tuple(steps),
            transitions=tuple(transitions),
            statutory_limit=statutory,
            statutory_unit=statutory_unit,
            promised_limit=promised,
            promised_unit=promised_unit,
            separations=_separations(r, data.get("separations"), f"{where}.separations", codes),
            discretion=_discretion(r, data.get("discretion"), f"{where}.discretion"),
            description=r.text(data.get("description"), f"{where}.description"),
            power_codes=tuple(powers),
        ),
        department=department,
        secret=r.flag(data.get("secret"), f"{where}.secret"),
        posts=tuple(posts),
        link_powers="powers" in data,
    )


def _step(r: _Reader, item: Any, where: str) -> tuple[StepSpec, str, list[tuple[str, TransitionSpec]]] | None:
    data = r.mapping(item, where, STEP_KEYS)
    if data is None:
        return None
    code = r.text(data.get("code"), f"{where}.code", required=True, max_length=MAX["code"])
    name = r.text(data.get("name"), f"{where}.name", required=True, max_length=MAX["name"])
    kind = r.choice(data.get("kind"), f"{where}.kind", kinds_by_text(), "环节类别", str(StepKind.OTHER))
    days, unit = r.limit(data.get("limit"), f"{where}.limit")
    texts = {key: r.text(data.get(key), f"{where}.{key}") for key in TEXT_KEYS}
    if len(texts["supervision"]) > MAX["supervision"]:
        r.error(f"{where}.supervision", f"不能超过 {MAX['supervision']} 个字符")
    step = StepSpec(
        code=code,
        name=name,
        kind=kind,
        handler=r.text(data.get("handler"), f"{where}.handler", max_length=MAX["handler"]),
        time_limit=days,
        limit_unit=unit,
        is_start=r.flag(data.get("start"), f"{where}.start"),
        basis=texts["basis"],
        conditions=texts["conditions"],
        materials=texts["materials"],
        supervision=texts["supervision"],
        applicant_rights=texts["applicant_rights"],
    )
    post = r.text(data.get("post"), f"{where}.post", max_length=2 * MAX["name"] + 1)
    value = data.get("next")
    items = [value] if isinstance(value, str | dict) else r.items(value, f"{where}.next")
    moves: list[tuple[str, TransitionSpec]] = []
    for k, item in enumerate(items, start=1):
        at = f"{where}.next[{k}]"
        if isinstance(item, dict):
            move = r.mapping(item, at, NEXT_KEYS) or {}
            target = r.text(move.get("to"), f"{at}.to", required=True, max_length=MAX["code"])
            label = r.text(move.get("when"), f"{at}.when", max_length=MAX["label"])
        else:
            target = r.text(item, at, required=True, max_length=MAX["code"])
            label = ""
        if target:
            moves.append((at, TransitionSpec(code, target, label)))
    return step, post, moves


def _separations(r: _Reader, value: Any, where: str, codes: set[str]) -> tuple[SeparationSpec, ...]:
    out: list[SeparationSpec] = []
    for n, item in enumerate(r.items(value, where), start=1):
        at = f"{where}[{n}]"
        if not isinstance(item, list) or len(item) not in (2, 3):
            r.error(at, "应写成 [环节编号, 环节编号] 或 [环节编号, 环节编号, 说明]")
            continue
        first = r.text(item[0], f"{at}[1]", required=True, max_length=MAX["code"])
        second = r.text(item[1], f"{at}[2]", required=True, max_length=MAX["code"])
        note = r.text(item[2], f"{at}[3]", max_length=MAX["note"]) if len(item) == 3 else ""
        for k, code in ((1, first), (2, second)):
            if code and code not in codes:
                r.error(f"{at}[{k}]", f"不相容环节指向不存在的环节“{code}”")
        if first and first == second:
            r.error(at, "不相容环节应是两个不同的环节")
        elif any({p.first, p.second} == {first, second} for p in out):
            r.error(at, f"不相容环节“{first}、{second}”重复")
        else:
            out.append(SeparationSpec(first, second, note))
    return tuple(out)


def _discretion(r: _Reader, value: Any, where: str) -> tuple[DiscretionSpec, ...]:
    out: list[DiscretionSpec] = []
    for n, item in enumerate(r.items(value, where), start=1):
        at = f"{where}[{n}]"
        data = r.mapping(item, at, DISCRETION_KEYS)
        if data is None:
            continue
        low, high = r.amount(data.get("min"), f"{at}.min"), r.amount(data.get("max"), f"{at}.max")
        if low is not None and high is not None and low > high:
            r.error(f"{at}.min", "下限金额大于上限金额")
        texts = {
            key: r.text(data.get(key), f"{at}.{key}", required=key == "violation", max_length=MAX["rule"])
            for key in ("violation", "circumstance", "measure", "basis")
        }
        out.append(DiscretionSpec(min_amount=low, max_amount=high, **texts))
    return tuple(out)
