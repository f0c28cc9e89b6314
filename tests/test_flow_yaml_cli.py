"""Flow YAML from the command line, and the format alone: any flow dumps and parses back equal."""

from __future__ import annotations

import io
import json
import string
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.core.vocabulary import LimitUnit
from lianfang.powers.flow_yaml import FlowEntry, dump_flows, parse_document
from lianfang.powers.flowspec import (
    DiscretionSpec,
    FlowSpec,
    SeparationSpec,
    StepKind,
    StepSpec,
    TransitionSpec,
)
from lianfang.powers.models import Flowchart
from tests.conftest import TwoUnits
from tests.factories import make_cycle
from tests.flow_yaml_support import BROKEN, make_rich_flow, new_year

# --- a flow with every field filled -----------------------------------------------------------------


# --- the command line -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_round_trip(org: TwoUnits, tmp_path: Path) -> None:
    make_rich_flow(org, make_cycle(org.college, 2026))
    path = tmp_path / "flows.yaml"
    out = io.StringIO()
    call_command("export", "flows", "-o", str(path), "--unit", "COLLEGE", "--year", "2026", stdout=out)
    assert out.getvalue() == f"已导出某职业学院 2026年度权力运行流程图 1 个到 {path}\n"
    cycle = new_year(org)
    out = io.StringIO()
    call_command("import", "flows", str(path), "--year", "2027", stdout=out)
    assert out.getvalue() == "某职业学院 2027年度权力运行流程图：\n导入完成：新增 1 条，更新 0 条。\n"
    assert Flowchart.objects.filter(cycle=cycle, code="F-JC-01").exists()
    out = io.StringIO()
    call_command("export", "flows", "-o", "-", "--year", "2027", "--code", "F-JC-01", stdout=out)
    assert out.getvalue() == path.read_text(encoding="utf-8").replace("year: 2026", "year: 2027")


@pytest.mark.django_db
def test_cli_dry_run_json_and_errors(org: TwoUnits, tmp_path: Path) -> None:
    make_cycle(org.college, 2026)
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "flows", str(bad), "--json", stdout=out)
    assert exit_.value.code == 1
    data: dict[str, Any] = json.loads(out.getvalue())
    assert (data["created"], len(data["errors"])) == (0, 6)
    assert data["errors"][0]["column"] == "flows[1].steps[1].limit.unit"
    good = tmp_path / "good.yaml"
    good.write_text("format: lianfang-flows\nversion: 1\nunit: COLLEGE\nflows:\n  - {code: F2, name: 流程}\n")
    out = io.StringIO()
    call_command("import", "flows", str(good), "--dry-run", stdout=out)
    assert out.getvalue().endswith("试运行通过：将新增 1 条，更新 0 条（未写入任何数据）。\n")
    assert not Flowchart.objects.exists()
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "flows", str(tmp_path / "missing.yaml"), stdout=out)
    assert "找不到文件" in out.getvalue()
    with pytest.raises(CommandError, match="没有 2030 年度周期"):
        call_command("import", "flows", str(good), "--year", "2030")
    with pytest.raises(CommandError, match="F9"):
        call_command("export", "flows", "-o", "-", "--code", "F9", stdout=io.StringIO())


# --- the format alone: any flow written and read back is the same ------------------------------------------

CODE = st.text(alphabet=string.ascii_letters + string.digits + "-._~ 立案", min_size=1, max_size=8).filter(
    lambda s: s == s.strip()
)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30).map(str.strip)
NAME = TEXT.filter(bool)
UNIT = st.sampled_from(LimitUnit.values)
DAYS = st.none() | st.integers(1, 10**6)
AMOUNT = st.none() | st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2)


@st.composite
def entries(draw: st.DrawFn) -> FlowEntry:
    codes = draw(st.lists(CODE, unique=True, max_size=6))
    post_names = {c: draw(st.none() | st.tuples(NAME, NAME).map("/".join)) for c in codes}
    steps = []
    for code in codes:
        post = post_names[code]
        handler = draw(TEXT)
        if post is not None and handler == post.rsplit("/", 1)[-1]:
            handler = ""  # written once, as the post
        steps.append(
            StepSpec(
                code=code,
                name=draw(NAME),
                kind=draw(st.sampled_from(StepKind.values)),
                handler=handler,
                basis=draw(TEXT),
                conditions=draw(TEXT),
                materials=draw(TEXT),
                time_limit=draw(DAYS),
                limit_unit=draw(UNIT),
                supervision=draw(TEXT),
                applicant_rights=draw(TEXT),
                is_start=draw(st.booleans()),
            )
        )
    transitions: list[TransitionSpec] = []
    if codes:
        moves = st.tuples(st.sampled_from(codes), st.sampled_from(codes), TEXT)
        drawn = draw(st.lists(moves, unique=True, max_size=8))
        # Written under their source step: read back in the order of the steps.
        transitions = sorted((TransitionSpec(*m) for m in drawn), key=lambda t: codes.index(t.source))
    pairs = (
        draw(st.lists(st.tuples(st.sampled_from(codes), st.sampled_from(codes), TEXT), max_size=3))
        if codes
        else []
    )
    separations: list[SeparationSpec] = []
    for a, b, note in pairs:
        if a != b and not any({s.first, s.second} == {a, b} for s in separations):
            separations.append(SeparationSpec(a, b, note))
    discretion = []
    for _ in range(draw(st.integers(0, 3))):
        low, high = draw(AMOUNT), draw(AMOUNT)
        if low is not None and high is not None and low > high:
            low, high = high, low
        discretion.append(DiscretionSpec(draw(NAME), draw(TEXT), low, high, draw(TEXT), draw(TEXT)))
    statutory, promised = draw(DAYS), draw(DAYS)
    statutory_unit, promised_unit = draw(UNIT), draw(UNIT)
    if statutory and promised and statutory_unit == promised_unit and promised > statutory:
        statutory, promised = promised, statutory
    link = draw(st.booleans())
    spec = FlowSpec(
        code=draw(CODE),
        name=draw(NAME),
        steps=tuple(steps),
        transitions=tuple(transitions),
        statutory_limit=statutory,
        statutory_unit=statutory_unit,
        promised_limit=promised,
        promised_unit=promised_unit,
        separations=tuple(separations),
        discretion=tuple(discretion),
        description=draw(TEXT),
        power_codes=tuple(draw(st.lists(CODE, unique=True, max_size=3))) if link else (),
    )
    return FlowEntry(
        spec,
        department=draw(TEXT),
        secret=draw(st.booleans()),
        posts=tuple((c, p) for c, p in post_names.items() if p is not None),
        link_powers=link,
    )


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.lists(entries(), max_size=3, unique_by=lambda e: e.spec.code),
    st.none() | CODE,
    st.none() | st.integers(2000, 2100),
)
def test_any_flow_dumps_and_parses_back_equal(
    items: list[FlowEntry], unit: str | None, year: int | None
) -> None:
    text = dump_flows(items, unit=unit or "", year=year)
    doc = parse_document(text)
    assert [str(e) for e in doc.errors] == []
    assert (doc.unit, doc.year) == (unit or "", year)
    assert [replace(e, where="") for e in doc.flows] == items
    assert [e.where for e in doc.flows] == [f"flows[{n}]" for n in range(1, len(items) + 1)]
    assert dump_flows(doc.flows, unit=unit or "", year=year) == text


def test_the_documented_example_is_what_export_writes() -> None:
    doc_text = (Path(__file__).resolve().parents[1] / "docs" / "formats" / "flow.md").read_text(
        encoding="utf-8"
    )
    example = doc_text.split("```yaml\n")[1].split("```")[0]
    doc = parse_document(example)
    assert doc.errors == []
    assert (doc.unit, doc.year, [e.spec.code for e in doc.flows]) == ("CITY", 2026, ["F-JC-01"])
    spec = doc.flows[0].spec
    assert [s.name for s in spec.steps] == ["初步审查", "立案", "调查", "处理决定", "送达", "不予立案"]
    assert spec.transitions[:2] == (
        TransitionSpec("S1", "S2", "需要追究行政纪律责任"),
        TransitionSpec("S1", "E1", "不予立案"),
    )
    assert dump_flows(doc.flows, unit=doc.unit, year=doc.year) == example
