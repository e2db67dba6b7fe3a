"""The monthly report: the cases received in one local calendar month, scoped to the actor.

Tables by category, channel, verification finding and resolution action; on-time final
answers (summary rows, by the day of the answer); extensions; satisfaction; repeat complaints.
One grouped query over the month's range of the received-at index feeds all but the actions'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django import forms
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.choices import ActionType, Channel, Finding
from complaints.models import Category, FinalAnswerDaily, ResolutionAction
from complaints.reporting.sections import report_sections_for
from complaints.reporting.sources import day_bounds, scoped_to_teams, visible_cases

MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")
FORMATS = ("html", "xlsx")


class MonthForm(forms.Form):
    """`?month=YYYY-MM` (default: the current month) and `&format=html|xlsx`."""

    month = forms.CharField(label=gettext_lazy("Month"), required=False, max_length=7,
                            help_text=gettext_lazy("As YYYY-MM, e.g. 2026-11."))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), required=False, choices=[("html", "HTML"), ("xlsx", "Excel")]
    )

    def clean_month(self) -> date:
        raw = (self.cleaned_data.get("month") or "").strip()
        if not raw:
            return timezone.localdate().replace(day=1)
        match = MONTH_RE.match(raw)
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
            raise forms.ValidationError(_("Give a month as YYYY-MM, e.g. 2026-11."), code="invalid")
        return date(int(match.group(1)), int(match.group(2)), 1)

    def clean_format(self) -> str:
        return self.cleaned_data.get("format") or "html"


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


@dataclass(frozen=True)
class Table:
    """One table of the report: translated headers and rows of plain values (also the xlsx sheet)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]


class Share(float):
    """A fraction that prints as a percentage on the page; the workbook gets the number."""

    def __str__(self) -> str:
        return f"{self * 100:.1f}%"


def _share(part: int, whole: int) -> Share | None:
    return Share(round(part / whole, 4)) if whole else None


# Every table but the actions' is a roll-up of one grouped query over the month's cases: one
# scan of the month instead of one per table (≤ 8 categories × 6 channels × 4 findings × 6 scores
# groups, so the roll-up in Python is cheap).
GROUP_BY = ("category_id", "channel", "verification_finding", "satisfaction")
FIGURES = ("n", "resolved", "breached", "repeat", "extended", "extended_twice", "extensions", "reopened")
EMPTY = {**dict.fromkeys(GROUP_BY), **dict.fromkeys(FIGURES, 0)}


def _groups(cases) -> list[dict]:
    return list(
        cases.values(*GROUP_BY)
        .annotate(
            n=Count("*"),
            resolved=Count("id", filter=Q(resolved_at__isnull=False)),
            breached=Count("id", filter=Q(is_breached=True)),
            repeat=Count("id", filter=Q(is_repeat=True)),
            extended=Count("id", filter=Q(extension_count__gte=1)),
            extended_twice=Count("id", filter=Q(extension_count__gte=2)),
            extensions=Sum("extension_count"),
            reopened=Count("id", filter=Q(reopen_count__gt=0)),
        )
        .order_by()
    )


def _rollup(groups: list[dict], key) -> dict:
    """Sums of the figures per `key(group)`, with the rated count and the sum of scores."""
    result: dict = {}
    for group in groups:
        into = result.setdefault(key(group), {**dict.fromkeys(FIGURES, 0), "rated": 0, "score_sum": 0})
        for figure in FIGURES:
            into[figure] += group[figure] or 0
        if group["satisfaction"] is not None:
            into["rated"] += group["n"]
            into["score_sum"] += group["satisfaction"] * group["n"]
    return result


def _ordered(rolled: dict) -> list[tuple]:
    """Largest first, then by code (as the page has always listed them)."""
    return sorted(rolled.items(), key=lambda item: (-item[1]["n"], item[0]))


def _mean(figures: dict) -> float | None:
    return round(figures["score_sum"] / figures["rated"], 2) if figures["rated"] else None


def monthly_report(*, actor, month: date) -> dict:
    """Every table of the report for the month starting on `month` (a first of the month)."""
    last_day = date.fromordinal(next_month(month).toordinal() - 1)
    start, end = day_bounds(month, last_day)
    cases = visible_cases(actor).filter(received_at__gte=start, received_at__lt=end)

    groups = _groups(cases)
    totals = _rollup(groups or [EMPTY], lambda g: None)[None]
    received = totals["n"]

    names = {c.pk: c.name for c in Category.objects.all()}
    by_category = [
        [names.get(code, "?"), r["n"], r["resolved"], r["breached"], r["repeat"], _mean(r)]
        for code, r in _ordered(_rollup(groups, lambda g: g["category_id"]))
    ]
    channel_labels = dict(Channel.choices)
    by_channel = [
        [str(channel_labels.get(code, code)), r["n"], _share(r["n"], received)]
        for code, r in _ordered(_rollup(groups, lambda g: g["channel"]))
    ]
    finding_labels = dict(Finding.choices)
    by_finding = [
        [str(finding_labels.get(code, _("Not verified yet"))), r["n"], _share(r["n"], received)]
        for code, r in _ordered(_rollup(groups, lambda g: g["verification_finding"]))
    ]
    action_labels = dict(ActionType.choices)
    by_action = [
        [str(action_labels.get(r["type"], r["type"])), r["n"], r["cases"], r["amount"]]
        for r in ResolutionAction.objects.filter(case__in=cases.values("pk"))
        .values("type")
        .annotate(n=Count("id"), cases=Count("case_id", distinct=True), amount=Sum("amount"))
        .order_by("-n", "type")
    ]
    answers = (
        scoped_to_teams(FinalAnswerDaily.objects, actor)
        .filter(day__gte=month, day__lte=last_day)
        .aggregate(answered=Sum("answered"), on_time=Sum("on_time"))
    )
    answered, in_time = answers["answered"] or 0, answers["on_time"] or 0
    by_score = _rollup([g for g in groups if g["satisfaction"] is not None], lambda g: g["satisfaction"])
    satisfaction_rows = [[score, by_score[score]["n"], _share(by_score[score]["n"], totals["rated"])]
                         for score in sorted(by_score)]

    summary = Table("summary", _("Overview"), [_("Figure"), _("Value")], [
        [_("Complaints received"), received],
        [_("Resolved"), totals["resolved"]],
        [_("Breached a deadline"), totals["breached"]],
        [_("Final answers given this month"), answered],
        [_("Of which on time"), in_time],
        [_("On-time rate"), _share(in_time, answered)],
        [_("Cases extended once or more"), totals["extended"]],
        [_("Cases extended twice"), totals["extended_twice"]],
        [_("Extensions in all"), totals["extensions"]],
        [_("Customers who rated"), totals["rated"]],
        [_("Mean satisfaction (1–5)"), _mean(totals)],
        [_("Reopened"), totals["reopened"]],
        [_("Repeat complaints"), totals["repeat"]],
        [_("Repeat share"), _share(totals["repeat"], received)],
    ])
    tables = [
        summary,
        Table("category", _("By category"),
              [_("Category"), _("Received"), _("Resolved"), _("Breached"), _("Repeat"), _("Mean satisfaction")],
              by_category),
        Table("channel", _("By channel"), [_("Channel"), _("Received"), _("Share")], by_channel),
        Table("finding", _("By verification finding"), [_("Finding"), _("Cases"), _("Share")], by_finding),
        Table("action", _("By resolution action"), [_("Action"), _("Actions"), _("Cases"), _("Amount (CNY)")],
              by_action),
        Table("satisfaction", _("Satisfaction"), [_("Score"), _("Customers"), _("Share")], satisfaction_rows),
        *report_sections_for(actor=actor, month=month, last_day=last_day),
    ]
    return {"month": month, "last_day": last_day, "received": received, "tables": tables}
