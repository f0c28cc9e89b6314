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

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import yaml

from lianfang.core.vocabulary import LimitUnit

from .flow_yaml_read import parse_document, parse_flows
from .flow_yaml_schema import (
    FORMAT,
    HEADER,
    TEXT_KEYS,
    VERSION,
    FlowDocument,
    FlowEntry,
    FlowError,
    kind_label,
    unit_label,
)
from .flowspec import DiscretionSpec, StepSpec, TransitionSpec

__all__ = ["FlowDocument", "FlowEntry", "FlowError", "dump_flows", "parse_document", "parse_flows"]


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
