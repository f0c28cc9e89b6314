"""Electronic supervision's tables: cases and their events from business systems, per-power rule settings,
and the alerts and cards the rules raise (with appeals)."""

from .alerts import Alert, AlertLevel, AlertState, AppealState
from .cases import Case, CaseStatus, Event
from .rules import Rule, RuleSetting

__all__ = [
    "Alert",
    "AlertLevel",
    "AlertState",
    "AppealState",
    "Case",
    "CaseStatus",
    "Event",
    "Rule",
    "RuleSetting",
]
