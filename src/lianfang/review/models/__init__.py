"""The review app's tables: risk sheets moving along their chains, comments, cycle phases, notifications."""

from .comments import Comment, CommentTarget
from .notifications import Notification, NotificationKind
from .phases import CyclePhase, Phase
from .sheets import RiskSheet, SheetAction, SheetEvent, SheetStage

__all__ = [
    "Comment",
    "CommentTarget",
    "CyclePhase",
    "Notification",
    "NotificationKind",
    "Phase",
    "RiskSheet",
    "SheetAction",
    "SheetEvent",
    "SheetStage",
]
