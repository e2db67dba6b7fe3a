from .case import ComplaintCase, ResolutionAction
from .category import Category
from .events import Attachment, CaseEvent, Communication, Note, PiiAccessLog
from .reporting import FinalAnswerDaily, StageTimeDaily
from .sla import CalendarDay, CalendarYear, Deadline, EscalationStep, SlaPolicy

__all__ = [
    "Attachment",
    "CalendarDay",
    "CalendarYear",
    "Category",
    "CaseEvent",
    "Communication",
    "ComplaintCase",
    "Deadline",
    "EscalationStep",
    "FinalAnswerDaily",
    "Note",
    "PiiAccessLog",
    "ResolutionAction",
    "SlaPolicy",
    "StageTimeDaily",
]
