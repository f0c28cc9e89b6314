"""Views of the risk register pages: thin, they call services and selectors."""

from .grading import assessment_decide, grade_preview, risk_assess
from .measures import (
    evidence_download,
    evidence_upload,
    measure_add,
    measure_edit,
    measure_remove,
    template_picker,
)
from .register import measure_list, register
from .risk import (
    manifestation_row,
    post_field,
    risk_create,
    risk_delete,
    risk_detail,
    risk_edit,
    step_field,
)
from .sheets import sheet_export, sheet_page

__all__ = [
    "assessment_decide",
    "evidence_download",
    "evidence_upload",
    "grade_preview",
    "manifestation_row",
    "measure_add",
    "measure_edit",
    "measure_list",
    "measure_remove",
    "post_field",
    "register",
    "risk_assess",
    "risk_create",
    "risk_delete",
    "risk_detail",
    "risk_edit",
    "sheet_export",
    "sheet_page",
    "step_field",
    "template_picker",
]
