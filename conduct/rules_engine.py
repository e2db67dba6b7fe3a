"""The conduct rules as pure functions: contacts and parameters in, breaches out.

No database and no settings here, so each rule is tested at its boundaries on plain values.
Times are judged in the customer's time zone `tz`: "22:00" means 22:00 where the customer is.
Each breach names the contacts that prove it; `decisive` is the contact that broke the rule
(for a count, the first one over the limit), whose month the breach counts in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from conduct.choices import (
    RELATED_PARTIES,
    UNANSWERED_OUTCOMES,
    ContactChannel,
    ContactDirection,
    ContactParty,
    RuleKind,
)


@dataclass(frozen=True)
class Contact:
    """What the rules need of a contact (no personal data: the number only as its index)."""

    id: int
    source_id: str
    at: datetime
    channel: str
    direction: str
    outcome: str
    party: str
    number_key: str = ""
    consented_contact: bool = False
    collectors_present: int | None = None
    collector: str = ""
    agency: str = ""


@dataclass(frozen=True)
class Breach:
    rule: str
    detail: str
    contacts: tuple[Contact, ...]
    decisive: Contact

    def as_json(self) -> dict:
        return {"rule": self.rule, "detail": self.detail, "contacts": [c.source_id for c in self.contacts]}


RuleFunction = Callable[[str, Sequence[Contact], dict, ZoneInfo], list[Breach]]


def parse_clock(value: str) -> time:
    """"22:00" → time(22, 0); raises ValueError on anything else."""
    hours, sep, minutes = value.partition(":")
    if not sep or len(hours) != 2 or len(minutes) != 2 or not (hours + minutes).isdigit():
        raise ValueError(value)
    return time(int(hours), int(minutes))


def _in_quiet_hours(moment: time, start: time, end: time) -> bool:
    if start > end:  # across midnight: 22:00–08:00
        return moment >= start or moment < end
    return start <= moment < end


def _outbound(contacts: Sequence[Contact]) -> list[Contact]:
    return [c for c in contacts if c.direction == ContactDirection.OUTBOUND]


def _labels() -> dict[str, str]:
    """Channel and party labels in the active language, translated once per rule run."""
    return {code: str(label) for choices in (ContactChannel, ContactParty) for code, label in choices.choices}


def _group_key(contact: Contact) -> str:
    # Per contacted number; per contacted party where the collection system gave no number.
    return contact.number_key or f"party:{contact.party}"


def quiet_hours(code: str, contacts: Sequence[Contact], params: dict, tz: ZoneInfo) -> list[Breach]:
    """A call or visit starting in [start, end) local time, unless the customer consented."""
    start, end = parse_clock(params["start"]), parse_clock(params["end"])
    template, labels = _("%(channel)s at %(time)s local time, within the quiet hours %(start)s–%(end)s"), _labels()
    breaches = []
    for contact in _outbound(contacts):
        if contact.channel not in (ContactChannel.CALL, ContactChannel.VISIT) or contact.consented_contact:
            continue
        local = contact.at.astimezone(tz)
        if _in_quiet_hours(local.time(), start, end):
            detail = template % {
                "channel": labels[contact.channel],
                "time": f"{local:%Y-%m-%d %H:%M}",
                "start": params["start"],
                "end": params["end"],
            }
            breaches.append(Breach(code, detail, (contact,), contact))
    return breaches


def daily_unanswered_attempts(code: str, contacts: Sequence[Contact], params: dict, tz: ZoneInfo) -> list[Breach]:
    """More than `max` unanswered outbound call attempts to one number (or party) on one local day."""
    limit = int(params["max"])
    groups: dict[tuple[str, date], list[Contact]] = defaultdict(list)
    for contact in _outbound(contacts):
        if contact.channel == ContactChannel.CALL and contact.outcome in UNANSWERED_OUTCOMES:
            groups[(_group_key(contact), contact.at.astimezone(tz).date())].append(contact)
    breaches = []
    for (_key, day), attempts in groups.items():
        if len(attempts) > limit:
            attempts.sort(key=lambda c: (c.at, c.id))
            detail = _("%(count)d unanswered call attempts to one number on %(day)s (at most %(max)d)") % {
                "count": len(attempts),
                "day": day.isoformat(),
                "max": limit,
            }
            breaches.append(Breach(code, detail, tuple(attempts), attempts[limit]))
    return sorted(breaches, key=lambda b: (b.decisive.at, b.decisive.id))


def unrelated_third_party(code: str, contacts: Sequence[Contact], params: dict, tz: ZoneInfo) -> list[Breach]:
    """An outbound contact with anyone but the parties allowed (debtor, guarantor, spouse)."""
    allowed = set(params.get("allowed_parties") or RELATED_PARTIES)
    template, labels = _("%(channel)s to a party the guideline does not allow: %(party)s"), _labels()
    breaches = []
    for contact in _outbound(contacts):
        if contact.party not in allowed:
            detail = template % {
                "channel": labels[contact.channel],
                "party": labels[contact.party],
            }
            breaches.append(Breach(code, detail, (contact,), contact))
    return breaches


def visit_collectors(code: str, contacts: Sequence[Contact], params: dict, tz: ZoneInfo) -> list[Breach]:
    """A visit by fewer than `min` collectors (a visit without the number recorded is not judged)."""
    minimum = int(params["min"])
    breaches = []
    for contact in _outbound(contacts):
        if contact.channel != ContactChannel.VISIT or contact.collectors_present is None:
            continue
        if contact.collectors_present < minimum:
            detail = _("Visit by %(present)d collector(s) (at least %(min)d)") % {
                "present": contact.collectors_present,
                "min": minimum,
            }
            breaches.append(Breach(code, detail, (contact,), contact))
    return breaches


def attempts_in_days(code: str, contacts: Sequence[Contact], params: dict, tz: ZoneInfo) -> list[Breach]:
    """More than `max` outbound call attempts within any rolling `days`-day period (Regulation F style).

    Once a window breaches, counting starts again after its last attempt, so one run of calls is
    one breach, not one per call.
    """
    limit, period = int(params["max"]), timedelta(days=int(params["days"]))
    calls = sorted(
        (c for c in _outbound(contacts) if c.channel == ContactChannel.CALL), key=lambda c: (c.at, c.id)
    )
    breaches = []
    left = 0
    for right, contact in enumerate(calls):
        while calls[left].at <= contact.at - period:
            left += 1
        if right - left + 1 > limit:
            window = tuple(calls[left : right + 1])
            detail = _("%(count)d call attempts within %(days)d days from %(since)s (at most %(max)d)") % {
                "count": len(window),
                "days": period.days,
                "since": f"{window[0].at.astimezone(tz):%Y-%m-%d %H:%M}",
                "max": limit,
            }
            breaches.append(Breach(code, detail, window, contact))
            left = right + 1
    return breaches


RULE_FUNCTIONS: dict[str, RuleFunction] = {
    RuleKind.QUIET_HOURS: quiet_hours,
    RuleKind.DAILY_UNANSWERED_ATTEMPTS: daily_unanswered_attempts,
    RuleKind.UNRELATED_THIRD_PARTY: unrelated_third_party,
    RuleKind.VISIT_COLLECTORS: visit_collectors,
    RuleKind.ATTEMPTS_IN_DAYS: attempts_in_days,
}


@dataclass(frozen=True)
class RuleSpec:
    code: str
    kind: str
    params: dict


def evaluate(rules: Sequence[RuleSpec], contacts: Sequence[Contact], tz: ZoneInfo) -> list[Breach]:
    """Every breach of every rule, in rule order."""
    breaches: list[Breach] = []
    for rule in rules:
        breaches.extend(RULE_FUNCTIONS[rule.kind](rule.code, contacts, rule.params, tz))
    return breaches
