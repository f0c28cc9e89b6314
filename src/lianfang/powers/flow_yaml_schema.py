"""The `lianfang-flows` YAML format's vocabulary: keys, limits, the parsed entry and error types, labels.

Shared by the writer (`flow_yaml`) and the reader (`flow_yaml_read`); see docs/formats/flow.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from lianfang.core.i18n import source_text
from lianfang.core.vocabulary import LimitUnit

from .flowspec import FlowSpec, StepKind

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
def kinds_by_text() -> dict[str, str]:
    table = {value: value for value in StepKind.values}
    table.update({source_text(label): value for value, label in StepKind.choices})
    return table


@cache
def units_by_text() -> dict[str, str]:
    table = {value: value for value in LimitUnit.values}
    table.update({source_text(label): value for value, label in LimitUnit.choices})
    return table


def kind_label(kind: str) -> str:
    return source_text(StepKind(kind).label) if kind in StepKind.values else kind


def unit_label(unit: str) -> str:
    return source_text(LimitUnit(unit).label) if unit in LimitUnit.values else unit
