"""Flowcharts as YAML (format `lianfang-flows`, version 1): FlowSpecs written out and read back.

Pure functions, no database: `dump_flows` writes entries (a FlowSpec plus what the spec does not carry: the
department name, the secret flag, the post of each step as "部门/岗位") as stable, block-style, readable
YAML; `parse_flows` / `parse_document` read such text with `yaml.safe_load` and report every problem in
Chinese with its location ("flows[2].steps[3].limit: …", positions counted from 1). Unknown keys, wrong
types, duplicate codes, transitions to unknown steps and bad kinds or units are errors, never dropped.
Names are resolved to rows by `powers.flow_import`. The format is described in docs/formats/flow.md.

Text values are trimmed as the services trim them, so a file and the database agree on what is "the same".
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import yaml

from lianfang.core.i18n import source_text
from lianfang.core.vocabulary import LimitUnit

from .flowspec import DiscretionSpec, FlowSpec, SeparationSpec, StepKind, StepSpec, TransitionSpec

FORMAT = "lianfang-flows"
VERSION = 1
HEADER = "# 廉防 权力运行流程图（格式说明见 docs/formats/flow.md）\n"

TOP_KEYS = ("format", "version", "unit", "year", "flows")
FLOW_KEYS = (
    *["code", "name", "department", "description", "secret", "statutory_limit", "promised_limit"],
    *["powers", "steps", "separations", "discretion"],
)
STEP_KEYS = (
    *["code", "name", "kind", "start", "post", "handler", "limit"],
    *["basis", "conditions", "materials", "supervision", "applicant_rights", "next"],
)
TEXT_KEYS = ("basis", "conditions", "materials", "supervision", "applicant_rights")
LIMIT_KEYS = ("days", "unit")
NEXT_KEYS = ("to", "when")
DISCRETION_KEYS = ("violation", "circumstance", "min", "max", "measure", "basis")

# The models' column lengths (powers.models), repeated here so this module needs no database.
MAX = {"code": 40, "name": 200, "handler": 200, "supervision": 300, "label": 100, "note": 200, "rule": 300}
MAX_DAYS = 2_147_483_647
MAX_AMOUNT = Decimal(10) ** 12  # DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class FlowEntry:
    """One flow of a file: the spec (post ids left empty) and what the spec does not hold.

    `posts` pairs a step code with its post written "部门名称/岗位名称". `link_powers` says whether the file
    lists the powers using the flow (`spec.power_codes`); when it does, that list is the whole set.
    """

    spec: FlowSpec
    department: str = ""
    secret: bool = False
    posts: tuple[tuple[str, str], ...] = ()
    link_powers: bool = True
    where: str = ""
    failed: bool = False

    def post_of(self, step_code: str) -> str:
        return dict(self.posts).get(step_code, "")


@dataclass(frozen=True)
class FlowError:
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class FlowDocument:
    unit: str = ""
    year: int | None = None
    flows: list[FlowEntry] = field(default_factory=list)
    errors: list[FlowError] = field(default_factory=list)


# --- labels -----------------------------------------------------------------------------------------


@cache
def _kinds() -> dict[str, str]:
    table = {value: value for value in StepKind.values}
    table.update({source_text(label): value for value, label in StepKind.choices})
    return table


@cache
def _units() -> dict[str, str]:
    table = {value: value for value in LimitUnit.values}
    table.update({source_text(label): value for value, label in LimitUnit.choices})
    return table


def kind_label(kind: str) -> str:
    return source_text(StepKind(kind).label) if kind in StepKind.values else kind


def unit_label(unit: str) -> str:
    return source_text(LimitUnit(unit).label) if unit in LimitUnit.values else unit


# --- writing ---------------------------------------------------------------------------------------


class _Inline(dict[str, Any]):
    """A mapping written on one line: {days: 20, unit: 工作日}."""


class _InlineList(list[Any]):
    """A list written on one line: [S2, {to: S1, when: 补正}]."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Lists under a key are indented, as people write them by hand.
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # Line breaks other than \n would be read back as \n or as a space: they are written escaped.
    if any(ch in text for ch in "\r\x85\u2028\u2029"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value.normalize(), "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(
    _Inline, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)
)
_Dumper.add_representer(
    _InlineList, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


def _limit_data(days: int | None, unit: str) -> _Inline | None:
    if days is None and unit == LimitUnit.WORKING_DAYS:
        return None
    out = _Inline()
    if days is not None:
        out["days"] = days
    out["unit"] = unit_label(unit)
    return out


def _step_data(step: StepSpec, post: str, transitions: list[TransitionSpec]) -> dict[str, Any]:
    out: dict[str, Any] = {"code": step.code, "name": step.name, "kind": kind_label(step.kind)}
    if step.is_start:
        out["start"] = True
    if post:
        out["post"] = post
    # A handler that only repeats the post's name is left out: the post already says it.
    if step.handler and not (post and step.handler == post.rsplit("/", 1)[-1]):
        out["handler"] = step.handler
    limit = _limit_data(step.time_limit, step.limit_unit)
    if limit is not None:
        out["limit"] = limit
    for key in TEXT_KEYS:
        if getattr(step, key):
            out[key] = getattr(step, key)
    if transitions:
        out["next"] = _InlineList(
            t.target if not t.label else _Inline(to=t.target, when=t.label) for t in transitions
        )
    return out


def _rule_data(rule: DiscretionSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"violation": rule.violation}
    if rule.circumstance:
        out["circumstance"] = rule.circumstance
    if rule.min_amount is not None:
        out["min"] = rule.min_amount
    if rule.max_amount is not None:
        out["max"] = rule.max_amount
    if rule.measure:
        out["measure"] = rule.measure
    if rule.basis:
        out["basis"] = rule.basis
    return out


def _flow_data(entry: FlowEntry) -> dict[str, Any]:
    spec = entry.spec
    out: dict[str, Any] = {"code": spec.code, "name": spec.name}
    if entry.department:
        out["department"] = entry.department
    if spec.description:
        out["description"] = spec.description
    out["secret"] = entry.secret
    for key, days, unit in (
        ("statutory_limit", spec.statutory_limit, spec.statutory_unit),
        ("promised_limit", spec.promised_limit, spec.promised_unit),
    ):
        limit = _limit_data(days, unit)
        if limit is not None:
            out[key] = limit
    if entry.link_powers:
        out["powers"] = _InlineList(spec.power_codes)
    codes = {s.code for s in spec.steps}
    outgoing: dict[str, list[TransitionSpec]] = {}
    for t in spec.transitions:
        if t.source not in codes:
            raise ValueError(f"transition from unknown step {t.source!r} in flow {spec.code!r}")
        outgoing.setdefault(t.source, []).append(t)
    out["steps"] = [_step_data(s, entry.post_of(s.code), outgoing.get(s.code, [])) for s in spec.steps]
    if spec.separations:
        out["separations"] = [
            _InlineList([p.first, p.second, p.note] if p.note else [p.first, p.second])
            for p in spec.separations
        ]
    if spec.discretion:
        out["discretion"] = [_rule_data(r) for r in spec.discretion]
    return out


def dump_flows(entries: Iterable[FlowEntry], *, unit: str = "", year: int | None = None) -> str:
    """The YAML text of `entries`, in their order; the same input always gives the same bytes.

    Transitions are written under their source step (`next`), in the order of the steps.
    """
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if unit:
        doc["unit"] = unit
    if year is not None:
        doc["year"] = year
    doc["flows"] = [_flow_data(e) for e in entries]
    body = yaml.dump(
        doc,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )
    return HEADER + body


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
        unit = self.choice(data.get("unit"), f"{where}.unit", _units(), "时限单位", default)
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
    kind = r.choice(data.get("kind"), f"{where}.kind", _kinds(), "环节类别", str(StepKind.OTHER))
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
