"""Deadline rows made directly, so the sweep is tested apart from how deadlines are opened."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from complaints.choices import DeadlineKind, DeadlineState
from timers.models import Deadline


class DeadlineFactory(factory.django.DjangoModelFactory):
    """`DeadlineFactory(case=case, due_in=timedelta(...))` (or `subject=` any model): due `due_in` from now, warned a quarter
    of the way before; `next_check_at` is the warning time, as a freshly opened deadline has."""

    class Meta:
        model = Deadline

    class Params:
        due_in = timedelta(days=2)
        case = None
        subject = factory.LazyAttribute(lambda o: o.case)

    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.subject))
    object_id = factory.LazyAttribute(lambda o: o.subject.pk)

    kind = DeadlineKind.FOLLOW_UP
    state = DeadlineState.PENDING
    due_at = factory.LazyAttribute(lambda o: timezone.now() + o.due_in)
    started_at = factory.LazyAttribute(lambda o: o.due_at - timedelta(days=4))
    warn_at = factory.LazyAttribute(lambda o: o.due_at - timedelta(days=1))
    next_check_at = factory.LazyAttribute(lambda o: o.warn_at)


def due_deadline(case, *, seconds_ago: float = 1, **kwargs) -> Deadline:
    """A deadline whose warning time has just passed (due tomorrow)."""
    warn_at = timezone.now() - timedelta(seconds=seconds_ago)
    return DeadlineFactory(case=case, warn_at=warn_at, next_check_at=warn_at, **kwargs)


def breached_deadline(case, *, seconds_ago: float = 1, **kwargs) -> Deadline:
    """A deadline already warned whose due time has just passed."""
    due_at = timezone.now() - timedelta(seconds=seconds_ago)
    kwargs.setdefault("escalation_level", 1)
    return DeadlineFactory(case=case, due_at=due_at, next_check_at=due_at, **kwargs)
