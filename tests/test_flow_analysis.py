"""顺推法 helper (powers.analysis): one crafted flow per finding kind, a clean flow, and random flows."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.core.vocabulary import LimitUnit, RiskType
from lianfang.powers.analysis import Finding, FindingKind, analyse_flow
from lianfang.powers.flowspec import FlowSpec, SeparationSpec, StepKind, StepSpec, TransitionSpec

K = FindingKind
W, C = LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS


def step(
    code: str,
    kind: str = StepKind.EXECUTE,
    *,
    handler: str | None = None,
    post_id: int | None = None,
    limit: int | None = 5,
    unit: str = W,
    supervision: str = "纪检组监督",
    start: bool = False,
) -> StepSpec:
    """A step that is clean on its own: a handler of its own, a limit and a supervision channel."""
    return StepSpec(
        code=code,
        name=f"环节{code}",
        kind=kind,
        post_id=post_id,
        handler=f"岗位{code}" if handler is None else handler,
        time_limit=limit,
        limit_unit=unit,
        supervision=supervision,
        is_start=start,
    )


def flow(*steps: StepSpec, edges: str = "", **kwargs: Any) -> FlowSpec:
    """`edges` as "a>b b>c": transitions by code."""
    transitions = tuple(TransitionSpec(*e.split(">")) for e in edges.split())
    return FlowSpec("F", "测试流程", steps=steps, transitions=transitions, **kwargs)


def found(f: FlowSpec) -> set[tuple[str, tuple[str, ...]]]:
    return {(x.kind, x.step_codes) for x in analyse_flow(f)}


def test_clean_flow_of_seed_001_has_no_findings() -> None:
    # 对执法人员违纪行为的调查处理流程 (seed 001), with a 退回补充调查 loop.
    def s(
        code: str, name: str, kind: str, handler: str, limit: int, supervision: str, start: bool = False
    ) -> StepSpec:
        return StepSpec(
            code, name, kind, handler=handler, time_limit=limit, supervision=supervision, is_start=start
        )

    f = FlowSpec(
        "DISCIPLINE",
        "对执法人员违纪行为的调查处理流程",
        steps=(
            s("review", "初步审查", StepKind.REVIEW, "案件审理室", 15, "纪检组定期检查案件台帐", start=True),
            s("file", "立案", StepKind.DECIDE, "分管领导", 5, "立案结果报纪检组备案"),
            s("investigate", "调查", StepKind.EXECUTE, "调查组", 60, "被调查人可申请回避"),
            s("decide", "处理决定", StepKind.DECIDE, "领导办公会", 10, "重大案件集体讨论，纪检组列席"),
            s("deliver", "送达", StepKind.DELIVER, "办公室", 5, "当事人可申请复核"),
        ),
        transitions=(
            TransitionSpec("review", "file", "需要追究行政纪律责任"),
            TransitionSpec("file", "investigate"),
            TransitionSpec("investigate", "decide", "需给予处分"),
            TransitionSpec("decide", "investigate", "退回补充调查"),
            TransitionSpec("decide", "deliver"),
        ),
        # 95 working days ≈ 133 calendar days: within both limits once converted.
        statutory_limit=180,
        statutory_unit=C,
        promised_limit=90,
        promised_unit=W,
        separations=(SeparationSpec("investigate", "decide", "查处分离"),),
    )
    assert analyse_flow(f) == []


def test_empty_flow_has_no_findings() -> None:
    assert analyse_flow(FlowSpec("E", "空流程")) == []


def test_no_start_replaces_unreachable() -> None:
    assert found(flow(step("a"), step("b"), edges="a>b")) == {(K.NO_START, ())}


def test_no_end_replaces_dead_end() -> None:
    assert found(flow(step("a", start=True), step("b"), edges="a>b b>a")) == {(K.NO_END, ())}


def test_unreachable_steps_one_finding_each() -> None:
    f = flow(step("a", start=True), step("b"), step("c"), step("d"), edges="a>b c>b")
    assert found(f) == {(K.UNREACHABLE, ("c",)), (K.UNREACHABLE, ("d",))}
    assert analyse_flow(f)[0].message == "环节“环节c”无法从开始环节到达"


def test_dead_end_in_loops_and_self_loops() -> None:
    f = flow(
        step("a", start=True), step("b"), step("c"), step("d"), step("e"), edges="a>b a>c c>d d>c a>e e>e"
    )
    assert found(f) == {(K.DEAD_END, ("c",)), (K.DEAD_END, ("d",)), (K.DEAD_END, ("e",))}


def test_no_time_limit_except_supervise_steps() -> None:
    f = flow(
        step("a", start=True),
        step("b", limit=None),
        step("s", StepKind.SUPERVISE, limit=None, supervision=""),
        edges="a>b b>s",
    )
    findings = analyse_flow(f)
    assert {(x.kind, x.step_codes) for x in findings} == {(K.NO_TIME_LIMIT, ("b",))}
    assert findings[0].suggested_risk_type == RiskType.PROCESS
    assert "无故拖延" in findings[0].suggested_risk


def test_no_supervision_needs_a_later_check_by_someone_else() -> None:
    f = flow(
        step("a", start=True, handler="甲", supervision=""),  # checked by b (乙): fine
        step("b", StepKind.CHECK, handler="乙"),
        step("c", handler="甲", supervision=""),  # d is 甲 again, e has no handler, f is no check
        step("d", StepKind.CHECK, handler="甲"),
        step("e", StepKind.DECIDE, handler=""),
        step("f", StepKind.DELIVER, supervision=""),  # nothing after it
        step("s", StepKind.SUPERVISE, supervision=""),  # exempt
        edges="a>b b>c c>d d>e e>f a>s s>f",
    )
    findings = analyse_flow(f)
    assert {(x.kind, x.step_codes) for x in findings} == {
        (K.NO_SUPERVISION, ("c",)),
        (K.NO_SUPERVISION, ("f",)),
    }
    assert findings[0].suggested_risk_type == RiskType.INSTITUTION
    assert findings[0].suggested_risk == "环节c环节缺少监督制约，可能出现违规办理"


def test_no_supervision_unknown_handler_and_loops() -> None:
    # g has no handler: a later check cannot be shown to be by someone else.
    # z is a check itself, reached again through the loop: a step does not check itself.
    f = flow(
        step("g", start=True, handler="", supervision=""),
        step("z", StepKind.CHECK, handler="丙", supervision=""),
        step("w", StepKind.EXECUTE, handler="丁"),
        step("end", StepKind.DELIVER),
        edges="g>z z>w w>z w>end",
    )
    assert found(f) == {(K.NO_SUPERVISION, ("g",)), (K.NO_SUPERVISION, ("z",))}
    # A post id identifies the handler even when the written names differ.
    f2 = flow(
        step("a", start=True, post_id=1, handler="科员", supervision=""),
        step("b", StepKind.CHECK, post_id=1, handler="科长"),
        edges="a>b",
    )
    assert found(f2) == {(K.NO_SUPERVISION, ("a",))}


def test_single_window() -> None:
    f = flow(
        step("a", StepKind.ACCEPT, post_id=7, handler="窗口", start=True),
        step("b", StepKind.REVIEW),
        step("c", StepKind.DECIDE, post_id=7, handler="窗口"),
        step("d", StepKind.DELIVER, post_id=7, handler="窗口"),
        edges="a>b b>c c>d",
    )
    findings = analyse_flow(f)
    assert {(x.kind, x.step_codes) for x in findings} == {(K.SINGLE_WINDOW, ("a", "c"))}
    assert findings[0].suggested_risk_type == RiskType.DUTY


def test_concentrated_control() -> None:
    f = flow(
        step("a", StepKind.ACCEPT, handler="甲", start=True),
        step("b", StepKind.CHECK, handler="甲"),
        step("c", handler="甲"),
        step("d", StepKind.DELIVER),
        edges="a>b b>c c>d",
    )
    assert found(f) == {(K.CONCENTRATED_CONTROL, ("a", "b"))}


def test_concentrated_control_and_single_window_together() -> None:
    f = flow(
        step("a", StepKind.ACCEPT, handler="甲", start=True),
        step("b", StepKind.DECIDE, handler="甲"),
        edges="a>b",
    )
    assert [(x.kind, x.step_codes) for x in analyse_flow(f)] == [
        (K.SINGLE_WINDOW, ("a", "b")),
        (K.CONCENTRATED_CONTROL, ("a", "b")),
    ]


def test_one_control_step_is_not_concentration() -> None:
    f = flow(step("a", StepKind.DECIDE, handler="甲", start=True), step("b", handler="甲"), edges="a>b")
    assert found(f) == set()


def test_over_statutory_takes_the_longest_path_and_ignores_loops() -> None:
    f = flow(
        step("a", start=True, limit=10),
        step("b", limit=10),
        step("c", limit=1),
        step("d", limit=5),
        step("e", limit=1),
        edges="a>b a>c b>d c>d d>e d>b",
        statutory_limit=20,
    )
    findings = analyse_flow(f)
    assert {(x.kind, x.step_codes) for x in findings} == {(K.OVER_STATUTORY, ("a", "b", "d", "e"))}
    assert findings[0].message == (
        "办理路径“环节a→环节b→环节d→环节e”各环节时限合计约26个工作日，超过法定时限20个工作日"
    )
    assert found(flow(*f.steps, edges="a>b a>c b>d c>d d>e d>b", statutory_limit=26)) == set()


def test_over_statutory_converts_units() -> None:
    working = (step("a", start=True, limit=10), step("b", limit=5))  # 15 working = 21 calendar
    assert found(flow(*working, edges="a>b", statutory_limit=20, statutory_unit=C)) == {
        (K.OVER_STATUTORY, ("a", "b"))
    }
    assert found(flow(*working, edges="a>b", statutory_limit=21, statutory_unit=C)) == set()
    calendar = (step("a", start=True, limit=14, unit=C), step("b", limit=None, unit=C))  # 10 working
    assert found(flow(*calendar, edges="a>b", statutory_limit=10)) == {(K.NO_TIME_LIMIT, ("b",))}
    calendar = (step("a", start=True, limit=15, unit=C), step("b", unit=C, limit=0))  # ≈ 10.7 working
    assert found(flow(*calendar, edges="a>b", statutory_limit=10)) == {(K.OVER_STATUTORY, ("a", "b"))}


def test_promised_over_statutory() -> None:
    base = (step("a", start=True, limit=1),)
    over = flow(*base, statutory_limit=40, statutory_unit=C, promised_limit=30)  # 30 working = 42 calendar
    assert found(over) == {(K.PROMISED_OVER_STATUTORY, ())}
    assert found(flow(*base, statutory_limit=40, statutory_unit=C, promised_limit=28)) == set()  # 39.2
    # Without a statutory limit there is nothing to compare with.
    assert found(flow(*base, promised_limit=999, statutory_limit=None)) == set()


def test_separations() -> None:
    steps = (step("a", start=True, post_id=3), step("b", post_id=3), step("c"))
    f = flow(
        *steps,
        edges="a>b b>c",
        separations=(
            SeparationSpec("a", "zz"),
            SeparationSpec("a", "b"),
            SeparationSpec("b", "a"),  # the same pair again: one finding
            SeparationSpec("a", "c"),
            SeparationSpec("c", "c"),  # one step can never be split between two people
        ),
    )
    assert found(f) == {
        (K.SEPARATION_UNKNOWN_STEP, ("a", "zz")),
        (K.SEPARATION_SAME_POST, ("a", "b")),
        (K.SEPARATION_SAME_POST, ("c",)),
    }
    assert len(analyse_flow(f)) == 3


def test_broken_transitions_are_findings_not_errors() -> None:
    f = flow(step("a", start=True), step("b"), edges="a>b a>zz yy>a")
    assert found(f) == {(K.BROKEN_TRANSITION, ("a", "zz")), (K.BROKEN_TRANSITION, ("a", "yy"))}
    # Sorted by flow position, unknown codes after known ones, then by code.
    assert [x.step_codes for x in analyse_flow(f)] == [("a", "yy"), ("a", "zz")]
    # A step whose only way out is broken counts as an end.
    assert found(flow(step("a", start=True), edges="a>zz")) == {(K.BROKEN_TRANSITION, ("a", "zz"))}


def test_duplicate_code() -> None:
    f = flow(step("a", start=True), step("b"), StepSpec("a", "另一个环节"), edges="a>b")
    findings = analyse_flow(f)
    assert {(x.kind, x.step_codes) for x in findings} == {(K.DUPLICATE_CODE, ("a",))}
    assert findings[0].message == "环节编号“a”被“环节a”、“另一个环节”重复使用"


def test_findings_sorted_by_kind_then_step() -> None:
    f = flow(step("a", start=True, limit=None), step("b", limit=None), step("c"), edges="a>b a>q")
    assert [(x.kind, x.step_codes) for x in analyse_flow(f)] == [
        (K.UNREACHABLE, ("c",)),
        (K.NO_TIME_LIMIT, ("a",)),
        (K.NO_TIME_LIMIT, ("b",)),
        (K.BROKEN_TRANSITION, ("a", "q")),
    ]


def test_long_chain_needs_no_recursion() -> None:
    n = 200
    chain = [step(f"s{i}", start=i == 0, supervision="", limit=1) for i in range(n)]
    edges = " ".join(f"s{i}>s{i + 1}" for i in range(n - 1))
    findings = analyse_flow(
        flow(
            *chain,
            step("end", supervision="", limit=1),
            edges=edges + f" s{n - 1}>s0 s{n - 1}>end",
            statutory_limit=n,
        )
    )
    # Nothing is a check, so no step is supervised; the loop back is ignored and the path is n + 1 days.
    assert {x.kind for x in findings} == {K.NO_SUPERVISION, K.OVER_STATUTORY}
    assert sum(x.kind == K.NO_SUPERVISION for x in findings) == n + 1
    # Deeper than Python's recursion limit.
    n = 3000
    chain = [step(f"s{i}", start=i == 0, limit=1) for i in range(n)]
    edges = " ".join(f"s{i}>s{i + 1}" for i in range(n - 1))
    assert found(flow(*chain, edges=edges, statutory_limit=n - 1)) == {
        (K.OVER_STATUTORY, tuple(f"s{i}" for i in range(n)))
    }


CODES = ["a", "b", "c", "d", "e", "f", "g", "h"]
UNKNOWN = ["x", "y"]


@st.composite
def flows(draw: st.DrawFn) -> FlowSpec:
    steps = draw(
        st.lists(
            st.builds(
                StepSpec,
                code=st.sampled_from(CODES),
                name=st.sampled_from(["", "受理", "审核", "决定"]),
                kind=st.sampled_from(list(StepKind)),
                post_id=st.none() | st.integers(1, 3),
                handler=st.sampled_from(["", "甲", "乙", "领导办公会"]),
                time_limit=st.none() | st.integers(0, 30),
                limit_unit=st.sampled_from([*LimitUnit.values, "hours"]),
                supervision=st.sampled_from(["", " ", "纪检组监督"]),
                is_start=st.booleans(),
            ),
            max_size=15,
        )
    )
    pool = st.sampled_from([s.code for s in steps] + UNKNOWN)
    transitions = draw(st.lists(st.builds(TransitionSpec, pool, pool), max_size=30))
    separations = draw(st.lists(st.builds(SeparationSpec, pool, pool), max_size=4))
    return FlowSpec(
        "R",
        "随机流程",
        steps=tuple(steps),
        transitions=tuple(transitions),
        separations=tuple(separations),
        statutory_limit=draw(st.none() | st.integers(0, 60)),
        statutory_unit=draw(st.sampled_from(LimitUnit.values)),
        promised_limit=draw(st.none() | st.integers(0, 60)),
        promised_unit=draw(st.sampled_from(LimitUnit.values)),
    )


@settings(max_examples=200, deadline=None, database=None)
@given(flows())
def test_random_flows_never_raise(f: FlowSpec) -> None:
    findings = analyse_flow(f)
    assert all(isinstance(x, Finding) for x in findings)
    named = {s.code for s in f.steps}
    named |= {c for t in f.transitions for c in (t.source, t.target)}
    named |= {c for s in f.separations for c in (s.first, s.second)}
    order = list(dict.fromkeys(s.code for s in f.steps))
    for x in findings:
        assert x.kind in K.values
        assert x.suggested_risk_type in RiskType.values
        assert x.message and x.suggested_risk
        assert set(x.step_codes) <= named
        assert len(set(x.step_codes)) == len(x.step_codes)
        known = [c for c in x.step_codes if c in order]
        assert known == sorted(known, key=order.index)
    kinds = list(K.values)
    assert [kinds.index(x.kind) for x in findings] == sorted(kinds.index(x.kind) for x in findings)
    assert analyse_flow(f) == findings
