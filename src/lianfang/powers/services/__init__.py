"""Writes to the power catalog and flowcharts. Views, API, importers and the CLI all come through here."""

from .approval import allowed_actions, review
from .catalog import PowerData, create_power, delete_draft_power, power_snapshot, update_power
from .flows import FlowData, create_flow, delete_draft_flow, flow_snapshot, save_flow_content, update_flow

__all__ = [
    "FlowData",
    "PowerData",
    "allowed_actions",
    "create_flow",
    "create_power",
    "delete_draft_flow",
    "delete_draft_power",
    "flow_snapshot",
    "power_snapshot",
    "review",
    "save_flow_content",
    "update_flow",
    "update_power",
]
