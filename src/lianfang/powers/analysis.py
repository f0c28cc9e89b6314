"""顺推法 helper: read a flowchart and point at the places where integrity risks are likely.

`analyse_flow(flow)` is a pure function over a `FlowSpec` (no database). It never raises: bad data in the
flow (unknown codes, duplicate codes) are findings themselves. Each `Finding` carries a draft risk point
(type and wording) for the person writing the risk sheet, who decides whether to adopt it.

Graph rules:
- Steps are identified by code. When a code is used twice (`duplicate_code`), the first step with it stands
  for the code in every other check, so transitions have one meaning.
- A transition naming an unknown code (`broken_transition`) is left out of the graph; so a step whose only
  way out is broken counts as an end. Self-loops and cycles (补正/退回) are ordinary edges.
- Entry steps are those with `is_start`; an end is a step with no outgoing transition.

Kinds, in report order:
1. `no_start`: the flow has steps but none is a start. `no_end`: every step has an outgoing transition.
2. `unreachable`: a step no start reaches (not reported under `no_start`: everything would be).
3. `dead_end`: a step from which no end can be reached, e.g. trapped in a loop (not reported under `no_end`).
4. `no_time_limit`: a step without a time limit; 监督 steps are exempt (they run alongside, not in turn).
5. `no_supervision` (000 §三(四)2): a step with no supervision channel and no later check, i.e. no step
   reachable after it of kind 审核/决定/监督 handled by someone else. An empty handler is
   unknown, so a pair where either side has no handler proves no independent check. 监督 steps are exempt.
6. `single_window` (一口进、一口出, 000 §四(一)): one handler has both a 受理 and a 决定 step.
7. `concentrated_control`: one handler has every control step (受理/审查/审核/决定), at least two of them.
8. `over_statutory`: the step limits along the longest start-to-end path exceed the statutory limit.
   Loops are ignored (back edges of a DFS from the starts are dropped: a 补正 round is not counted), only
   paths reaching a real end count, and a step without limit counts 0.
   `promised_over_statutory`: the promised limit exceeds the statutory one.
   Units are converted with working day = 7/5 calendar days. This is an approximation (holidays and the
   weekday a case starts on are ignored) until the exact working calendar exists.
9. `separation_unknown_step`: a 不相容岗位 pair names a code that is not a step. `separation_same_post`:
   both steps of a pair have the same handler (or the pair names one step twice).
10. `broken_transition`, `duplicate_code`: see above.

Findings are sorted by kind (the order above), then by the flow position of their steps (unknown codes
last), so the same flow always gives the same list. Graph walks are iterative, so long flows are fine.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.vocabulary import LimitUnit, RiskType
from lianfang.powers.flowspec import FlowSpec, StepKind, StepSpec


class FindingKind(models.TextChoices):
    NO_START = "no_start", _("缺少开始环节")
    NO_END = "no_end", _("缺少办结环节")
    UNREACHABLE = "unreachable", _("环节无法到达")
    DEAD_END = "dead_end", _("环节无法办结")
    NO_TIME_LIMIT = "no_time_limit", _("未定办理时限")
    NO_SUPERVISION = "no_supervision", _("监督制约缺失")
    SINGLE_WINDOW = "single_window", _("一口进、一口出")
    CONCENTRATED_CONTROL = "concentrated_control", _("权力过于集中")
    OVER_STATUTORY = "over_statutory", _("环节时限合计超过法定时限")
    PROMISED_OVER_STATUTORY = "promised_over_statutory", _("承诺时限超过法定时限")
    SEPARATION_UNKNOWN_STEP = "separation_unknown_step", _("不相容岗位指向不存在的环节")
    SEPARATION_SAME_POST = "separation_same_post", _("不相容岗位由同一岗位办理")
    BROKEN_TRANSITION = "broken_transition", _("流转指向不存在的环节")
    DUPLICATE_CODE = "duplicate_code", _("环节编号重复")


@dataclass(frozen=True)
class Finding:
    kind: str
    step_codes: tuple[str, ...]
    message: str
    suggested_risk_type: str
    suggested_risk: str


# How analyse_flow's helpers report: kind, step codes, message, suggested risk type and wording.
_Add = Callable[[FindingKind, Iterable[str], str, str, str], None]
# Wording of the findings about one step ({n}: its name): message, suggested risk type and risk.
_STEP_TEXT = {
    FindingKind.UNREACHABLE: (
        "环节“{n}”无法从开始环节到达",
        RiskType.PROCESS,
        "{n}环节游离于流程之外，可能被绕开程序随意办理",
    ),
    FindingKind.DEAD_END: ("从环节“{n}”无法到达办结环节", RiskType.PROCESS, "{n}环节无法办结，可能久拖不决"),
    FindingKind.NO_TIME_LIMIT: (
        "环节“{n}”未规定办理时限",
        RiskType.PROCESS,
        "{n}环节未规定办理时限，可能无故拖延",
    ),
    FindingKind.NO_SUPERVISION: (
        "环节“{n}”没有监督渠道，其后也没有其他岗位审核、决定或监督",
        RiskType.INSTITUTION,
        "{n}环节缺少监督制约，可能出现违规办理",
    ),
}
_FLOW_TEXT = {  # the same for the flow-level ones ({n}: the flow's name)
    FindingKind.NO_START: (
        "流程“{n}”没有标明开始环节",
        RiskType.PROCESS,
        "办理起点不明确，可能随意受理或拒绝受理",
    ),
    FindingKind.NO_END: ("流程“{n}”没有办结环节", RiskType.PROCESS, "流程没有办结环节，可能久拖不结"),
}
_KIND_ORDER = {kind.value: i for i, kind in enumerate(FindingKind)}
_CHECK_KINDS = frozenset({StepKind.CHECK, StepKind.DECIDE, StepKind.SUPERVISE})
_CONTROL_KINDS = frozenset({StepKind.ACCEPT, StepKind.REVIEW, StepKind.CHECK, StepKind.DECIDE})
# Plain words, not the lazy labels: messages must build without an active translation.
_UNIT_WORDS = {LimitUnit.WORKING_DAYS.value: "个工作日", LimitUnit.CALENDAR_DAYS.value: "个自然日"}


def _convert(value: int, unit: str, target: str) -> Fraction:
    """Days in `unit` expressed in `target` (approximate: a week is 5 working or 7 calendar days)."""
    if unit == LimitUnit.WORKING_DAYS and target == LimitUnit.CALENDAR_DAYS:
        return Fraction(value) * 7 / 5
    if unit == LimitUnit.CALENDAR_DAYS and target == LimitUnit.WORKING_DAYS:
        return Fraction(value) * 5 / 7
    return Fraction(value)  # same unit, or an unknown one: nothing sensible to convert


def _days(value: Fraction, unit: str) -> str:
    shown = str(value.numerator) if value.denominator == 1 else f"{float(value):.1f}"
    return f"{shown}{_UNIT_WORDS.get(unit, '日')}"


def _name(step: StepSpec) -> str:
    return step.name or step.code


def _quoted(steps: Iterable[StepSpec]) -> str:
    return "、".join(f"“{_name(s)}”" for s in steps)


def _reach(start: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    queue = deque(start)
    while queue:
        node = queue.popleft()
        if node not in seen:
            seen.add(node)
            queue.extend(edges[node])
    return seen


def _dfs_dag(roots: list[str], succ: dict[str, list[str]]) -> tuple[list[str], dict[str, list[str]]]:
    """Postorder of an iterative DFS from `roots`, and its edges without the back edges (so a DAG)."""
    state: dict[str, bool] = {}  # False while on the stack, True when finished
    post: list[str] = []
    dag: dict[str, list[str]] = {}
    for root in roots:
        if root in state:
            continue
        state[root], dag[root] = False, []
        stack = [(root, iter(succ[root]))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                state[node] = True
                post.append(node)
            elif state.get(nxt) is not False:  # an edge back onto the stack closes a loop: dropped
                dag[node].append(nxt)
                if nxt not in state:
                    state[nxt], dag[nxt] = False, []
                    stack.append((nxt, iter(succ[nxt])))
    return post, dag


def analyse_flow(flow: FlowSpec) -> list[Finding]:
    """The findings of 顺推法 on `flow`, sorted (see the module docstring for the rules)."""
    steps: dict[str, StepSpec] = {}
    for step in flow.steps:
        steps.setdefault(step.code, step)
    order = {code: i for i, code in enumerate(steps)}
    findings: dict[Finding, None] = {}  # a dict drops exact repeats (e.g. a pair listed twice)

    def position(code: str) -> tuple[int, str]:
        return (order[code], "") if code in order else (len(order), code)  # unknown codes last

    def add(kind: FindingKind, codes: Iterable[str], message: str, risk_type: str, risk: str) -> None:
        in_order = tuple(sorted(dict.fromkeys(codes), key=position))
        findings.setdefault(Finding(kind, in_order, message, risk_type, risk))

    def flag(kind: FindingKind, step: StepSpec) -> None:
        message, risk_type, risk = _STEP_TEXT[kind]
        add(kind, [step.code], message.format(n=_name(step)), risk_type, risk.format(n=_name(step)))

    # Data errors first: they decide what the graph is.
    same_code: dict[str, list[StepSpec]] = {}
    for step in flow.steps:
        same_code.setdefault(step.code, []).append(step)
    for code, same in same_code.items():
        if len(same) > 1:
            add(
                FindingKind.DUPLICATE_CODE,
                [code],
                f"环节编号“{code}”被{_quoted(same)}重复使用",
                RiskType.PROCESS,
                "环节编号重复，环节职责不清，可能推诿扯皮",
            )
    succ: dict[str, list[str]] = {code: [] for code in steps}
    pred: dict[str, list[str]] = {code: [] for code in steps}
    for t in dict.fromkeys(flow.transitions):
        unknown = [c for c in (t.source, t.target) if c not in steps]
        if unknown:
            add(
                FindingKind.BROKEN_TRANSITION,
                [t.source, t.target],
                f"流转“{t.source}→{t.target}”指向不存在的环节“{'、'.join(dict.fromkeys(unknown))}”",
                RiskType.PROCESS,
                "流转关系不清，可能出现程序空转或擅自变更办理程序",
            )
        elif t.target not in succ[t.source]:
            succ[t.source].append(t.target)
            pred[t.target].append(t.source)

    starts = [c for c, s in steps.items() if s.is_start]
    ends = [c for c in steps if not succ[c]]
    for kind, missing in ((FindingKind.NO_START, not starts), (FindingKind.NO_END, not ends)):
        if steps and missing:
            message, risk_type, risk = _FLOW_TEXT[kind]
            add(kind, [], message.format(n=flow.name or flow.code), risk_type, risk)
    if starts:
        for code in steps.keys() - _reach(starts, succ):
            flag(FindingKind.UNREACHABLE, steps[code])
    if ends:
        for code in steps.keys() - _reach(ends, pred):
            flag(FindingKind.DEAD_END, steps[code])
    for code, step in steps.items():
        if step.kind == StepKind.SUPERVISE:
            continue  # supervision runs alongside the flow: neither timed nor itself supervised
        if step.time_limit is None:
            flag(FindingKind.NO_TIME_LIMIT, step)
        if not step.supervision.strip() and not _checked_later(code, step, steps, succ):
            flag(FindingKind.NO_SUPERVISION, step)

    by_handler: dict[str, list[StepSpec]] = {}
    for step in steps.values():
        if step.handler_key:
            by_handler.setdefault(step.handler_key, []).append(step)
    control = [s for s in steps.values() if s.kind in _CONTROL_KINDS]
    for key, own in by_handler.items():
        who = own[0].handler or key
        accepts = [s for s in own if s.kind == StepKind.ACCEPT]
        decides = [s for s in own if s.kind == StepKind.DECIDE]
        if accepts and decides:
            add(
                FindingKind.SINGLE_WINDOW,
                [s.code for s in accepts + decides],
                f"“{who}”既办理受理环节{_quoted(accepts)}，又办理决定环节{_quoted(decides)}",
                RiskType.DUTY,
                f"受理与决定均由{who}办理（一口进、一口出），可能暗箱操作、以权谋私",
            )
        if len(control) >= 2 and all(s.handler_key == key for s in control):
            add(
                FindingKind.CONCENTRATED_CONTROL,
                [s.code for s in control],
                f"关键环节{_quoted(control)}全部由“{who}”办理",
                RiskType.DUTY,
                f"{who}一岗掌握全部关键环节，权力过于集中，可能滥用职权",
            )

    _check_limits(flow, steps, starts, succ, add)

    for sep in flow.separations:
        pair = [sep.first, sep.second]
        unknown = [c for c in pair if c not in steps]
        if unknown:
            add(
                FindingKind.SEPARATION_UNKNOWN_STEP,
                pair,
                f"不相容岗位分离“{sep.first}—{sep.second}”中的环节“{'、'.join(dict.fromkeys(unknown))}”不存在",
                RiskType.DUTY,
                "不相容岗位分离未落实到具体环节，可能一人包办",
            )
            continue
        # In flow order, so a pair listed both ways gives one finding.
        pair_steps = [steps[c] for c in sorted(dict.fromkeys(pair), key=position)]
        first, second = steps[sep.first], steps[sep.second]
        if len(pair_steps) == 1 or (first.handler_key and first.handler_key == second.handler_key):
            add(
                FindingKind.SEPARATION_SAME_POST,
                pair,
                f"应由不同人员办理的环节{_quoted(pair_steps)}由同一岗位办理",
                RiskType.DUTY,
                f"{'与'.join(_name(s) for s in pair_steps)}未实行不相容岗位分离，可能缺少相互制约",
            )

    return sorted(
        findings, key=lambda f: (_KIND_ORDER[f.kind], [position(c) for c in f.step_codes], f.message)
    )


def _checked_later(code: str, step: StepSpec, steps: dict[str, StepSpec], succ: dict[str, list[str]]) -> bool:
    """Whether a step after `code` is a check by a known, different handler.

    The step itself, met again through a loop, has its own handler, so it never counts as its own check."""
    if not step.handler_key:
        return False
    for later in _reach(succ[code], succ):
        other = steps[later]
        if other.kind in _CHECK_KINDS and other.handler_key and other.handler_key != step.handler_key:
            return True
    return False


def _check_limits(
    flow: FlowSpec, steps: dict[str, StepSpec], starts: list[str], succ: dict[str, list[str]], add: _Add
) -> None:
    if flow.statutory_limit is None:
        return
    unit, statutory = flow.statutory_unit, Fraction(flow.statutory_limit)
    if flow.promised_limit is not None:
        promised = _convert(flow.promised_limit, flow.promised_unit, unit)
        if promised > statutory:
            add(
                FindingKind.PROMISED_OVER_STATUTORY,
                [],
                f"承诺时限约{_days(promised, unit)}，超过法定时限{_days(statutory, unit)}",
                RiskType.PROCESS,
                "承诺时限超过法定时限，可能超期办理",
            )

    # Longest path to a real end, computed in DFS postorder: every DAG successor is finished first.
    post, dag = _dfs_dag(starts, succ)
    best: dict[str, Fraction] = {}
    follow: dict[str, str | None] = {}
    for code in post:
        step = steps[code]
        weight = Fraction(0) if step.time_limit is None else _convert(step.time_limit, step.limit_unit, unit)
        if not succ[code]:
            best[code], follow[code] = weight, None
            continue
        for nxt in dag[code]:  # first best successor wins ties: deterministic
            if nxt in best and (code not in best or weight + best[nxt] > best[code]):
                best[code], follow[code] = weight + best[nxt], nxt
    top = None
    for code in starts:
        if code in best and (top is None or best[code] > best[top]):
            top = code
    if top is None or best[top] <= statutory:
        return
    path: list[str] = []
    node: str | None = top
    while node is not None:
        path.append(node)
        node = follow[node]
    add(
        FindingKind.OVER_STATUTORY,
        path,
        f"办理路径“{'→'.join(_name(steps[c]) for c in path)}”各环节时限合计约{_days(best[top], unit)}，"
        f"超过法定时限{_days(statutory, unit)}",
        RiskType.PROCESS,
        "各环节时限累计超过法定时限，可能超期办理",
    )
