"""SLA policy lookup, seeded defaults and the rule that a policy applies to later cases only."""

from datetime import timedelta

import pytest

from complaints import selectors, sla
from complaints.choices import DeadlineKind, DeadlineState, Severity
from complaints.models import Category, SlaPolicy
from tests.factories import advance, category, make_case
from timers.models import Deadline

pytestmark = pytest.mark.django_db


def test_seeded_policies_cover_every_category_and_severity():
    assert SlaPolicy.objects.count() == Category.objects.count() * len(Severity.values)


def test_seeded_normal_final_answer_is_15_calendar_days():
    policy = SlaPolicy.objects.get(category__code="fee_dispute", severity=Severity.NORMAL)
    assert (policy.final_answer_within, policy.calendar) == (timedelta(days=15), "calendar")


def test_seeded_critical_final_answer_is_shorter_than_normal():
    critical = SlaPolicy.objects.get(category__code="privacy", severity=Severity.CRITICAL)
    normal = SlaPolicy.objects.get(category__code="privacy", severity=Severity.NORMAL)
    assert critical.final_answer_within < normal.final_answer_within


def test_policy_lookup_finds_the_exact_category_and_severity():
    policy = selectors.sla_policy_for(category=category("privacy"), severity=Severity.HIGH)
    assert (policy.category.code, policy.severity) == ("privacy", Severity.HIGH)


def test_policy_lookup_falls_back_to_the_category_normal_policy():
    SlaPolicy.objects.filter(category__code="privacy", severity=Severity.HIGH).delete()
    policy = selectors.sla_policy_for(category=category("privacy"), severity=Severity.HIGH)
    assert (policy.category.code, policy.severity) == ("privacy", Severity.NORMAL)


def test_policy_lookup_falls_back_to_a_15_day_default():
    SlaPolicy.objects.filter(category__code="privacy").delete()
    policy = selectors.sla_policy_for(category=category("privacy"), severity=Severity.HIGH)
    assert (policy.pk, policy.final_answer_within) == (None, timedelta(days=15))


def test_policy_change_applies_only_to_cases_created_after_it(agent):
    before = make_case(actor=agent)
    # Saved as the API and the admin save it (intake memoises policies until a save says otherwise).
    policy = SlaPolicy.objects.get(category__code="collection_conduct", severity=Severity.NORMAL)
    policy.verify_within = timedelta(days=2)
    policy.save()
    after = make_case(actor=agent)
    advance(before, actor=agent, steps=1)
    advance(after, actor=agent, steps=1)
    spans = {
        d.object_id: d.due_at - d.started_at
        for d in Deadline.objects.filter(kind=DeadlineKind.VERIFY, state=DeadlineState.PENDING)
    }
    assert (spans[before.pk], spans[after.pk]) == (timedelta(days=5), timedelta(days=2))


def test_case_terms_fall_back_to_the_current_policy_without_a_copy(agent):
    case = make_case(actor=agent)
    case.sla_terms = {}
    assert sla.case_sla_terms(case).final_answer_within == timedelta(days=15)


def test_iso_duration_formats_days_compactly():
    assert sla.format_iso_duration(timedelta(days=15)) == "P15D"


def test_iso_duration_formats_seconds_compactly():
    assert sla.format_iso_duration(timedelta(seconds=30)) == "PT30S"


def test_iso_duration_formats_days_and_hours():
    assert sla.format_iso_duration(timedelta(days=1, hours=12)) == "P1DT12H"


def test_iso_duration_formats_zero():
    assert sla.format_iso_duration(timedelta(0)) == "PT0S"


def test_iso_duration_parses_what_it_formats():
    assert sla.parse_iso_duration("P1DT12H30M") == timedelta(days=1, hours=12, minutes=30)


def test_iso_duration_parser_refuses_django_style_durations():
    assert sla.parse_iso_duration("15 00:00:00") is None


