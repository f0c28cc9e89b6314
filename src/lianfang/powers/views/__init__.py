"""Views of the catalog and flowchart pages: thin, they call services and selectors."""

from .catalog import catalog, catalog_compare, catalog_export
from .cycles import cycle_close, cycle_create, cycle_list, cycle_open_next
from .editor import flow_editor, flow_editor_op, flow_preview
from .flows import (
    flow_create,
    flow_delete,
    flow_detail,
    flow_diagram,
    flow_edit,
    flow_list,
    flow_pdf,
    flow_review,
    flow_risk_drafts,
)
from .power import (
    power_basis_row,
    power_create,
    power_delete,
    power_detail,
    power_edit,
    power_posts_field,
    power_review,
)

__all__ = [
    "catalog",
    "catalog_compare",
    "catalog_export",
    "cycle_close",
    "cycle_create",
    "cycle_list",
    "cycle_open_next",
    "flow_create",
    "flow_delete",
    "flow_detail",
    "flow_diagram",
    "flow_edit",
    "flow_editor",
    "flow_editor_op",
    "flow_list",
    "flow_pdf",
    "flow_preview",
    "flow_review",
    "flow_risk_drafts",
    "power_basis_row",
    "power_create",
    "power_delete",
    "power_detail",
    "power_edit",
    "power_posts_field",
    "power_review",
]
