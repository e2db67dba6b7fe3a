"""Task timers: the one place that ties activation tasks to the shared deadline machinery.

Overdue tasks escalate to the activation's lead through the same deadline rows and sweep as
case deadlines. That machinery is being moved into the `timers` app; until it is on main this
module is the seam, and opening a task's timer does nothing.
"""

from __future__ import annotations


def task_deadline_open(task) -> None:
    """Start the timer of a new activation task (due at `task.due_at`); no-op until `timers` exists."""
    return None


def task_deadline_close(task) -> None:
    """Stop the timer of a completed task; no-op until `timers` exists."""
    return None
