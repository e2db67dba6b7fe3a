from .case import ComplaintCase, ResolutionAction
from .category import Category
from .events import Attachment, AttachmentDownload, CaseEvent, Communication, Note, PiiAccessLog
from .reporting import FinalAnswerDaily, IntakeHourly, OpenBreach, OpenCaseCount, ReferenceDay, StageTimeDaily
from .sla import SlaPolicy

__all__ = [
    "Attachment",
    "AttachmentDownload",
    "Category",
    "CaseEvent",
    "Communication",
    "ComplaintCase",
    "FinalAnswerDaily",
    "IntakeHourly",
    "Note",
    "OpenBreach",
    "OpenCaseCount",
    "PiiAccessLog",
    "ReferenceDay",
    "ResolutionAction",
    "SlaPolicy",
    "StageTimeDaily",
]
