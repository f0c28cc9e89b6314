"""The flowchart editor's operations: pure functions from one FlowSpec to the next."""

from __future__ import annotations

import dataclasses
import itertools
from decimal import Decimal

import pytest

from lianfang.powers import flow_edit as fe
from lianfang.powers.flowspec import DiscretionSpec, FlowSpec, SeparationSpec, StepSpec, TransitionSpec

T = TransitionSpec


def line(*codes: str) -> FlowSpec:
    """A straight flow through the given codes, the first one the start."""
    steps = tuple(StepSpec(c, f"环节{c}", is_start=i == 0) for i, c in enumerate(codes))
    transitions = tuple(T(a, b) for a, b in itertools.pairwise(codes))
    return FlowSpec(code="F", name="流程", steps=steps, transitions=transitions)


def codes(spec: FlowSpec) -> list[str]:
    return [s.code for s in spec.steps]


def test_first_step_is_the_start_and_codes_are_the_first_free() -> None:
    spec, code = fe.add_step(FlowSpec(code="F", name="流程"))
    assert code == "S1"
    assert spec.steps == (StepSpec("S1", "新环节", is_start=True),)
    spec, code = fe.add_step(spec, name="审核", kind="check")
    assert code == "S2"
    assert spec.steps[1] == StepSpec("S2", "审核", kind="check", is_start=False)
    assert spec.transitions == ()  # appended without `after`: not linked
    steps = (StepSpec("S1", "a"), StepSpec("S3", "c"), StepSpec("X", "x"))
    gap = FlowSpec(code="F", name="流程", steps=steps)
    assert fe.next_code(gap) == "S2"


def test_adding_after_a_last_step_links_it() -> None:
    spec, code = fe.add_step(line("S1", "S2"), after="S2")
    assert code == "S3"
    assert codes(spec) == ["S1", "S2", "S3"]
    assert spec.transitions == (T("S1", "S2"), T("S2", "S3"))
    assert spec.steps[2].is_start is False


def test_adding_after_a_step_in_a_straight_line_inserts_it_in_between() -> None:
    spec, code = fe.add_step(line("S1", "S2"), after="S1")
    assert code == "S3"
    assert codes(spec) == ["S1", "S3", "S2"]
    assert spec.transitions == (T("S1", "S3"), T("S3", "S2"))


def test_adding_after_a_branching_step_only_adds_a_link() -> None:
    base = dataclasses.replace(line("S1", "S2"), transitions=(T("S1", "S2"), T("S1", "S1", "补正")))
    spec, code = fe.add_step(base, after="S1")
    assert code == "S3"
    assert spec.transitions == (T("S1", "S2"), T("S1", "S1", "补正"), T("S1", "S3"))
    labelled = dataclasses.replace(line("S1", "S2"), transitions=(T("S1", "S2", "同意"),))
    spec, _ = fe.add_step(labelled, after="S1")
    assert spec.transitions == (T("S1", "S2", "同意"), T("S1", "S3"))


def test_adding_after_an_unknown_step_is_refused() -> None:
    with pytest.raises(fe.FlowEditError, match="环节“S9”不存在"):
        fe.add_step(line("S1"), after="S9")


def test_renaming_a_step_carries_its_transitions_and_pairs() -> None:
    base = dataclasses.replace(line("S1", "S2", "S3"), separations=(SeparationSpec("S1", "S2", "受审分离"),))
    new = StepSpec("SL", "受理申请", kind="accept", handler="窗口", time_limit=2, is_start=True)
    spec = fe.update_step(base, "S1", new)
    assert spec.steps[0] == new
    assert codes(spec) == ["SL", "S2", "S3"]
    assert spec.transitions == (T("SL", "S2"), T("S2", "S3"))
    assert spec.separations == (SeparationSpec("SL", "S2", "受审分离"),)


def test_update_keeps_the_code_and_graph_when_unchanged() -> None:
    base = line("S1", "S2")
    spec = fe.update_step(base, "S2", StepSpec(" S2 ", "决定", kind="decide"))
    assert spec.steps[1] == StepSpec("S2", "决定", kind="decide")
    assert spec.transitions == base.transitions


@pytest.mark.parametrize(
    ("new_code", "message"), [("S2", "环节编号“S2”已被其他环节使用"), ("  ", "环节编号不能为空")]
)
def test_update_refuses_a_clashing_or_empty_code(new_code: str, message: str) -> None:
    with pytest.raises(fe.FlowEditError) as exc:
        fe.update_step(line("S1", "S2"), "S1", StepSpec(new_code, "x"))
    assert exc.value.message == message


def test_removing_a_step_drops_its_transitions_and_pairs() -> None:
    base = dataclasses.replace(
        line("S1", "S2", "S3"),
        separations=(SeparationSpec("S1", "S2"), SeparationSpec("S1", "S3")),
    )
    spec = fe.remove_step(base, "S2")
    assert codes(spec) == ["S1", "S3"]
    assert spec.transitions == ()
    assert spec.separations == (SeparationSpec("S1", "S3"),)
    with pytest.raises(fe.FlowEditError):
        fe.remove_step(spec, "S2")


def test_moving_steps_up_and_down_stops_at_the_ends() -> None:
    base = line("S1", "S2", "S3")
    assert codes(fe.move_step(base, "S3", -1)) == ["S1", "S3", "S2"]
    assert codes(fe.move_step(base, "S1", 1)) == ["S2", "S1", "S3"]
    assert fe.move_step(base, "S1", -1) is base
    assert fe.move_step(base, "S3", 1) is base
    assert fe.move_step(base, "S2", 1).transitions == base.transitions


def test_transitions_are_added_once_and_removed_exactly() -> None:
    base = line("S1", "S2")
    spec = fe.add_transition(base, "S2", "S1", " 补正 ")
    assert spec.transitions == (T("S1", "S2"), T("S2", "S1", "补正"))
    with pytest.raises(fe.FlowEditError, match="这条流转已经存在"):
        fe.add_transition(spec, "S2", "S1", "补正")
    with pytest.raises(fe.FlowEditError, match="请选择下一环节"):
        fe.add_transition(spec, "S2", "")
    with pytest.raises(fe.FlowEditError, match="不能超过100个字"):
        fe.add_transition(spec, "S2", "S1", "长" * 101)
    assert fe.remove_transition(spec, "S2", "S1", "补正").transitions == (T("S1", "S2"),)
    with pytest.raises(fe.FlowEditError):
        fe.remove_transition(spec, "S2", "S1", "")


def test_separation_pairs_need_two_different_known_steps_once() -> None:
    base = line("S1", "S2", "S3")
    spec = fe.add_separation(base, "S1", "S3", " 审批与复核分离 ")
    assert spec.separations == (SeparationSpec("S1", "S3", "审批与复核分离"),)
    with pytest.raises(fe.FlowEditError, match="已登记"):
        fe.add_separation(spec, "S3", "S1")
    with pytest.raises(fe.FlowEditError, match="两个不同的环节"):
        fe.add_separation(spec, "S2", "S2")
    with pytest.raises(fe.FlowEditError, match="请选择两个环节"):
        fe.add_separation(spec, "S2", "")
    assert fe.remove_separation(spec, "S3", "S1").separations == ()
    with pytest.raises(fe.FlowEditError):
        fe.remove_separation(base, "S1", "S3")


def test_discretion_rows_replace_the_table_and_blank_rows_are_dropped() -> None:
    base = dataclasses.replace(line("S1"), discretion=(DiscretionSpec("旧情形"),))
    rows = [
        DiscretionSpec("逾期未改正", "情节轻微", Decimal("0"), Decimal("500"), "罚款", "第十条"),
        DiscretionSpec(""),
        DiscretionSpec("", max_amount=Decimal("10")),
    ]
    spec = fe.set_discretion(base, rows)
    assert spec.discretion == (rows[0], rows[2])
    assert fe.set_discretion(base, []).discretion == ()
