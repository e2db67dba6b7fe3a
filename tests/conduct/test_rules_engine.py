"""Each default rule at its boundaries, judged in the customer's time zone (no database)."""

from datetime import UTC, datetime, timedelta

from conduct.rules_engine import (
    attempts_in_days,
    daily_unanswered_attempts,
    quiet_hours,
    unrelated_third_party,
    visit_collectors,
)
from tests.conduct.helpers import SHANGHAI, contact, local

QUIET = {"start": "22:00", "end": "08:00"}


def _quiet(*contacts):
    return quiet_hours("quiet_hours", contacts, QUIET, SHANGHAI)


def test_quiet_hours_call_at_2159_is_allowed():
    assert _quiet(contact(local(3, 21, 59))) == []


def test_quiet_hours_call_at_2200_is_a_breach():
    c = contact(local(3, 22, 0))

    [breach] = _quiet(c)

    assert breach.rule == "quiet_hours" and breach.contacts == (c,)


def test_quiet_hours_call_at_0759_is_a_breach():
    assert len(_quiet(contact(local(4, 7, 59)))) == 1


def test_quiet_hours_call_at_0800_is_allowed():
    assert _quiet(contact(local(4, 8, 0))) == []


def test_quiet_hours_visit_at_night_is_a_breach():
    assert len(_quiet(contact(local(3, 23, 0), channel="visit", collectors_present=2))) == 1


def test_quiet_hours_consented_contact_is_allowed():
    assert _quiet(contact(local(3, 22, 30), consented_contact=True)) == []


def test_quiet_hours_ignore_sms_and_inbound_calls():
    assert _quiet(contact(local(3, 23, 0), channel="sms"), contact(local(3, 23, 0), direction="inbound")) == []


def test_quiet_hours_judge_utc_times_in_shanghai():
    # 14:30 UTC is 22:30 in Shanghai; 23:30 UTC the previous evening is 07:30 there.
    late = contact(datetime(2026, 11, 3, 14, 30, tzinfo=UTC))
    early = contact(datetime(2026, 11, 3, 23, 30, tzinfo=UTC))
    daytime = contact(datetime(2026, 11, 3, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai

    assert [b.contacts[0] for b in _quiet(late, early, daytime)] == [late, early]


def test_quiet_hours_daytime_window_that_does_not_cross_midnight():
    params = {"start": "12:00", "end": "14:00"}

    assert len(quiet_hours("q", [contact(local(3, 12, 0)), contact(local(3, 14, 0))], params, SHANGHAI)) == 1


def _unanswered(at, **overrides):
    return contact(at, outcome="unanswered", **overrides)


def _daily(contacts):
    return daily_unanswered_attempts("daily_unanswered_attempts", contacts, {"max": 6}, SHANGHAI)


def test_six_unanswered_attempts_on_one_day_are_allowed():
    assert _daily([_unanswered(local(3, 9 + i)) for i in range(6)]) == []


def test_seven_unanswered_attempts_on_one_day_are_a_breach_listing_all_seven():
    attempts = [_unanswered(local(3, 9 + i)) for i in range(7)]

    [breach] = _daily(attempts)

    assert breach.contacts == tuple(attempts)
    assert breach.decisive == attempts[6]


def test_busy_counts_as_unanswered():
    assert len(_daily([_unanswered(local(3, 9 + i)) for i in range(6)] + [contact(local(3, 20), outcome="busy")])) == 1


def test_seven_unanswered_attempts_over_two_local_days_are_allowed():
    # 23:00 and 23:30 on the 3rd, five more after midnight local time.
    attempts = [_unanswered(local(3, 23, 0)), _unanswered(local(3, 23, 30))]
    attempts += [_unanswered(local(4, 9 + i)) for i in range(5)]

    assert _daily(attempts) == []


def test_local_day_not_utc_day_decides():
    # 16:00-22:00 UTC on the 2nd are all on the 3rd in Shanghai (00:00-06:00): one local day.
    attempts = [_unanswered(datetime(2026, 11, 2, 16 + i, tzinfo=UTC)) for i in range(7)]

    assert len(_daily(attempts)) == 1


def test_attempts_are_counted_per_number():
    attempts = [_unanswered(local(3, 9 + i), number_key="a") for i in range(4)]
    attempts += [_unanswered(local(3, 9 + i), number_key="b") for i in range(4)]

    assert _daily(attempts) == []


def test_attempts_without_a_number_are_counted_per_party():
    attempts = [_unanswered(local(3, 9 + i), number_key="", party="debtor") for i in range(4)]
    attempts += [_unanswered(local(3, 9 + i), number_key="", party="guarantor") for i in range(4)]

    assert _daily(attempts) == []


def test_answered_calls_do_not_count_as_unanswered_attempts():
    assert _daily([contact(local(3, 9 + i)) for i in range(8)]) == []


def _third(*contacts):
    return unrelated_third_party("unrelated_third_party", contacts, {}, SHANGHAI)


def test_contacting_a_guarantor_is_allowed():
    assert _third(contact(local(3, 10), party="guarantor")) == []


def test_contacting_a_spouse_is_allowed():
    assert _third(contact(local(3, 10), party="spouse")) == []


def test_contacting_a_neighbour_is_a_breach():
    neighbour = contact(local(3, 10), party="third_party")

    assert [b.contacts for b in _third(neighbour)] == [(neighbour,)]


def test_contacting_relative_employer_or_emergency_contact_is_a_breach():
    parties = ("relative", "employer", "emergency_contact")

    assert len(_third(*(contact(local(3, 10), party=p) for p in parties))) == 3


def test_an_inbound_call_from_a_third_party_is_not_a_breach():
    assert _third(contact(local(3, 10), party="employer", direction="inbound")) == []


def _visits(*contacts):
    return visit_collectors("visit_collectors", contacts, {"min": 2}, SHANGHAI)


def test_a_visit_by_one_collector_is_a_breach():
    assert len(_visits(contact(local(3, 10), channel="visit", collectors_present=1))) == 1


def test_a_visit_by_two_collectors_is_allowed():
    assert _visits(contact(local(3, 10), channel="visit", collectors_present=2)) == []


def test_a_visit_without_the_number_of_collectors_is_not_judged():
    assert _visits(contact(local(3, 10), channel="visit", collectors_present=None)) == []


def _rolling(contacts):
    return attempts_in_days("attempts_in_days", contacts, {"max": 7, "days": 7}, SHANGHAI)


def test_seven_calls_in_seven_days_are_allowed():
    assert _rolling([contact(local(1, 10) + timedelta(hours=20 * i)) for i in range(7)]) == []


def test_eight_calls_in_seven_days_are_one_breach():
    calls = [contact(local(1, 10) + timedelta(hours=20 * i)) for i in range(8)]

    [breach] = _rolling(calls)

    assert breach.contacts == tuple(calls) and breach.decisive == calls[7]


def test_eight_calls_spread_over_more_than_seven_days_are_allowed():
    assert _rolling([contact(local(1, 10) + timedelta(days=i)) for i in range(8)]) == []
