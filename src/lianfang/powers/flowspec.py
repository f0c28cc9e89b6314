"""A flowchart as plain data: what the analysis, the renderer and the YAML format all work on.

Built from the database by `powers.selectors.flow_spec`, or from YAML by `powers.flow_yaml`. No database here.

Shape of a flow: steps (环节) identified by a code unique in the flow; directed transitions between them,
optionally labelled with a condition (branches, and loops such as 补正). Entry steps are marked
`is_start`; an end is a step with no outgoing transition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.vocabulary import LimitUnit


class StepKind(models.TextChoices):
    ACCEPT = "accept", _("受理")
    REVIEW = "review", _("审查")
    CHECK = "check", _("审核")
    DECIDE = "decide", _("决定")
    EXECUTE = "execute", _("执行")
    DELIVER = "deliver", _("送达")
    SUPERVISE = "supervise", _("监督")
    OTHER = "other", _("其他")


@dataclass(frozen=True)
class StepSpec:
    code: str
    name: str
    kind: str = StepKind.OTHER
    # The handling post: its id when it is a post of the organisation, and always a readable name
    # (a body such as 领导办公会 may have no post).
    post_id: int | None = None
    handler: str = ""
    basis: str = ""
    conditions: str = ""
    materials: str = ""
    time_limit: int | None = None
    limit_unit: str = LimitUnit.WORKING_DAYS
    supervision: str = ""
    applicant_rights: str = ""
    is_start: bool = False

    @property
    def handler_key(self) -> str:
        """Who handles the step, for comparing steps: the post when known, else the written name."""
        if self.post_id is not None:
            return f"post:{self.post_id}"
        return f"name:{self.handler}" if self.handler else ""


@dataclass(frozen=True)
class TransitionSpec:
    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class SeparationSpec:
    """Two steps that must be handled by different people (不相容岗位分离)."""

    first: str
    second: str
    note: str = ""


@dataclass(frozen=True)
class DiscretionSpec:
    """One row of a discretion benchmark (裁量基准): a violation class and the range allowed for it."""

    violation: str
    circumstance: str = ""
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    measure: str = ""
    basis: str = ""


@dataclass(frozen=True)
class FlowSpec:
    code: str
    name: str
    steps: tuple[StepSpec, ...] = ()
    transitions: tuple[TransitionSpec, ...] = ()
    statutory_limit: int | None = None
    statutory_unit: str = LimitUnit.WORKING_DAYS
    promised_limit: int | None = None
    promised_unit: str = LimitUnit.WORKING_DAYS
    separations: tuple[SeparationSpec, ...] = ()
    discretion: tuple[DiscretionSpec, ...] = ()
    description: str = ""
    # Free-form extras a caller wants to carry (e.g. the power codes sharing this flow in YAML).
    power_codes: tuple[str, ...] = field(default=())

    def step(self, code: str) -> StepSpec:
        for s in self.steps:
            if s.code == code:
                return s
        raise KeyError(code)
