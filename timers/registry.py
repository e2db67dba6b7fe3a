"""Who owns the deadlines of each subject type: one handler per model, registered by label.

The engine (`timers.sweep`, `timers.services`) knows rows, times and levels; a handler knows its
subjects. An app registers its handler at start-up (`AppConfig.ready`):

    timers.registry.register("complaints.ComplaintCase", CaseDeadlineHandler())

A handler
- `load(object_ids)`: the subjects of a batch in one query, as whatever it likes (model
  instances or plain rows), keyed by id; a subject missing from the answer counts as finished;
- `level_times(row, subject)`: THE ladder of a row, `{level: when it fires}`, or None when the
  subject is finished (the row then stops being watched). The sweep fires the levels that are
  due and `deadlines_resume` recomputes `next_check_at` with this same function;
- `fire(steps, subjects)`: the side effects of the steps just recorded, inside the sweep's
  batch transaction (timeline, notifications, signals after commit), set-based: a constant
  number of queries per batch whatever the number of steps (one signal per batch, not per step).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType


class DeadlineRow(Protocol):
    """What a handler may read of a deadline: a claimed row in the sweep, a model in services."""

    pk: int
    object_id: int
    kind: str
    started_at: datetime
    due_at: datetime
    warn_at: datetime
    breached: bool
    escalation_level: int


@dataclass(slots=True)
class FiredStep:
    """A step of `level` recorded for `deadline` by this sweep (so it fires exactly once)."""

    deadline: Any
    level: int
    subject: Any = None


class SubjectHandler(Protocol):
    def load(self, object_ids: Collection[int]) -> Mapping[int, Any]: ...

    def level_times(self, row: DeadlineRow, subject: Any) -> dict[int, datetime] | None: ...

    def fire(self, steps: Sequence[FiredStep], subjects: Mapping[int, Any]) -> None: ...


_handlers: dict[str, SubjectHandler] = {}


def _label(model_label: str) -> str:
    return model_label.lower()


def register(model_label: str, handler: SubjectHandler) -> None:
    """Make `handler` the owner of the deadlines on `model_label` ("app_label.ModelName").

    Registering again replaces the handler (tests register their own)."""
    _handlers[_label(model_label)] = handler


def unregister(model_label: str) -> None:
    _handlers.pop(_label(model_label), None)


def handler_for_label(model_label: str) -> SubjectHandler | None:
    return _handlers.get(_label(model_label))


def handler_for_content_type(content_type_id: int) -> SubjectHandler | None:
    content_type = ContentType.objects.get_for_id(content_type_id)
    return handler_for_label(f"{content_type.app_label}.{content_type.model}")


def next_check(times: Mapping[int, datetime] | None, level: int) -> datetime | None:
    """When a row at `level` must be looked at next: its earliest ladder time above `level`."""
    if times is None:
        return None
    later = [at for step, at in times.items() if step > level]
    return min(later) if later else None
