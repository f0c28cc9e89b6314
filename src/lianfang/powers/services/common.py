"""Steps every catalog write shares: where an item sits, cleaning text, saving with field checks."""

from __future__ import annotations

from lianfang.core.errors import Checker, ServiceError
from lianfang.core.i18n import source_text
from lianfang.core.writing import clean_input, save_checked
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.org.models import Department, Status

from ..models import ApprovalStatus

EDITABLE = (ApprovalStatus.DRAFT, ApprovalStatus.RETURNED)

# The shared cleaning and checked save (core.writing), under the names this package's services use.
clean = clean_input
save = save_checked


def place(cycle: Cycle, department: Department | None) -> str:
    """The organisation path of a catalog item: its department's, or its unit's for unit-level items."""
    if department is None:
        return cycle.unit.path
    return department.path


def check_place(cycle: Cycle, department: Department | None, check: Checker) -> None:
    check.require(cycle.status == CycleStatus.OPEN, "cycle", f"{cycle}已结束，不能再修改")
    if department is not None:
        if department.unit_id != cycle.unit_id:
            check.require(False, "department", "部门不属于该年度周期的单位")
        else:
            check.require(department.status == Status.ACTIVE, "department", f"部门“{department.name}”已停用")


def require_editable(status: str, what: str) -> None:
    if status not in EDITABLE:
        raise ServiceError(
            f"{what}处于“{source_text(ApprovalStatus(status).label)}”状态，不能修改；需先退回或重新修订"
        )
