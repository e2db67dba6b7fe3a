from .case import ComplaintCase, ResolutionAction
from .category import Category
from .events import Attachment, CaseEvent, Communication, Note, PiiAccessLog
from .reporting import FinalAnswerDaily, IntakeHourly, OpenCaseCount, StageTimeDaily
from .sla import SlaPolicy

__all__ = [
    "Attachment",
    "Category",
    "CaseEvent",
    "Communication",
    "ComplaintCase",
    "FinalAnswerDaily",
    "IntakeHourly",
    "Note",
    "OpenCaseCount",
    "PiiAccessLog",
    "ResolutionAction",
    "SlaPolicy",
    "StageTimeDaily",
]
