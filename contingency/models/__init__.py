from .activation import Activation, ActivationCase, ActivationEvent, ActivationTask, Drill, Review
from .group import DutyShift, GroupMember, TrainingRecord
from .playbook import Playbook, PlaybookVersion

__all__ = [
    "Activation",
    "ActivationCase",
    "ActivationEvent",
    "ActivationTask",
    "Drill",
    "DutyShift",
    "GroupMember",
    "Playbook",
    "PlaybookVersion",
    "Review",
    "TrainingRecord",
]
