"""Seam between the case lifecycle and its SLA deadlines.

The services call these inside their transaction. The deadlines issue fills them in: start the
stage deadlines on create, meet/open deadlines on transitions.
"""

from __future__ import annotations


def on_case_created(*, case) -> None:
    """Open the deadlines a new case starts with."""


def on_transition(*, case, name: str, from_state: str, to_state: str) -> None:
    """Meet the deadlines of the stage left and open those of the stage entered."""


def on_communication(*, case, communication) -> None:
    """A contact with the complainant was recorded (may meet an acknowledge deadline)."""
