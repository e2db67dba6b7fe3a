"""Task timers on the shared deadline machinery (the `timers` app): one deadline per task.

A task's deadline is a `timers.Deadline` row on the task (kind `task`, due at `task.due_at`);
the one SKIP LOCKED sweep fires it, its unique (deadline, level) step makes it fire once, and
this module's handler says what firing means: tell the activation's lead once and note it on
the activation's timeline. A done task, or a task of an activation no longer open, stops
being watched.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from timers import registry
from timers.registry import DeadlineRow, FiredStep
from timers.services import deadline_open, deadlines_meet

TASK_MODEL = "contingency.ActivationTask"
KIND = "task"
OVERDUE = 1


def task_deadline_open(task) -> None:
    """Start the timer of a new activation task (inside the caller's transaction)."""
    deadline_open(subject=task, kind=KIND, started_at=task.activation.activated_at, due_at=task.due_at,
                  warn_at=task.due_at, replace=False)


def task_deadline_close(task) -> None:
    """Stop the timer of a completed task."""
    deadlines_meet(subject=task, kinds=[KIND], at=task.done_at)


class TaskDeadlineHandler:
    """The timers handler of `contingency.ActivationTask` deadlines: one rung, at the due time."""

    def load(self, object_ids: Collection[int]) -> Mapping[int, object]:
        from contingency.models import ActivationTask

        return {
            task.pk: task
            for task in ActivationTask.objects.filter(pk__in=list(object_ids)).select_related("activation")
        }

    def level_times(self, row: DeadlineRow, subject) -> dict[int, datetime] | None:
        from contingency.choices import OPEN_ACTIVATION_STATES

        if subject.done_at is not None or subject.activation.state not in OPEN_ACTIVATION_STATES:
            return None
        return {OVERDUE: row.due_at}

    def fire(self, steps: Sequence[FiredStep], subjects: Mapping[int, object]) -> None:
        from contingency.services.response import task_overdue_record

        for step in steps:
            task = subjects.get(step.deadline.object_id)
            if task is not None:
                task_overdue_record(task=task)


def register() -> None:
    registry.register(TASK_MODEL, TaskDeadlineHandler())
