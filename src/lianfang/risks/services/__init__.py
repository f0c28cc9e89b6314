"""Writes to the risk register. Views, API, sheet importers and the CLI all come through here."""

from .assessments import (
    assess,
    create_matrix_version,
    current_matrix,
    decide_downgrade,
    facts_for,
    may_decide_downgrade,
    record_imported_level,
)
from .batch import NewRisk, check_batch, create_risks_in_batch
from .from_findings import drafts_from_findings
from .measures import MeasureData, add_evidence, add_measure, evidence_intact, remove_measure, update_measure
from .register import (
    RiskData,
    create_risk,
    delete_draft_risk,
    readiness_problems,
    refresh_search,
    update_risk,
)

__all__ = [
    "MeasureData",
    "NewRisk",
    "RiskData",
    "add_evidence",
    "add_measure",
    "assess",
    "check_batch",
    "create_matrix_version",
    "create_risk",
    "create_risks_in_batch",
    "current_matrix",
    "decide_downgrade",
    "delete_draft_risk",
    "drafts_from_findings",
    "evidence_intact",
    "facts_for",
    "may_decide_downgrade",
    "readiness_problems",
    "record_imported_level",
    "refresh_search",
    "remove_measure",
    "update_measure",
    "update_risk",
]
