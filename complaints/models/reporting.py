"""Summary rows behind the dashboard and the monthly report (complaints.reporting.summaries).

Both are rebuilt per local day from append-only sources (the timeline, met deadlines), so a
refresh of a day is idempotent and a row, once its day is over, no longer changes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StageTimeDaily(models.Model):
    """Per day, team and stage: how many stage exits took how long, in log-scale buckets.

    Bucket `b` holds durations in [BASE**b, BASE**(b+1)) seconds (complaints.reporting.summaries),
    so the median over any days and teams is a sum of a few hundred rows instead of a sort of
    every transition.
    """

    day = models.DateField(_("day"))
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", db_index=False)
    stage = models.CharField(_("stage"), max_length=20)
    bucket = models.SmallIntegerField(_("bucket"))
    exits = models.PositiveIntegerField(_("stage exits"))

    class Meta:
        verbose_name = _("stage time summary")
        verbose_name_plural = _("stage time summaries")
        constraints = [
            models.UniqueConstraint(fields=["day", "team", "stage", "bucket"], name="stagetime_day_unique"),
        ]
        # The dashboard's stage medians read ~36,000 rows (90 days, two teams) index-only.
        indexes = [models.Index(fields=["team", "day"], include=["stage", "bucket", "exits"],
                                name="stagetime_team_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.stage} {self.bucket}"


class FinalAnswerDaily(models.Model):
    """Per day (of the answer), team and category: final answers given and how many were on time."""

    day = models.DateField(_("day"))
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("complaints.Category", on_delete=models.CASCADE, related_name="+")
    answered = models.PositiveIntegerField(_("final answers"))
    on_time = models.PositiveIntegerField(_("on time"))

    class Meta:
        verbose_name = _("final-answer summary")
        verbose_name_plural = _("final-answer summaries")
        constraints = [
            models.UniqueConstraint(fields=["day", "team", "category"], name="finalanswer_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.on_time}/{self.answered}"


class IntakeHourly(models.Model):
    """Cases received per UTC hour and team, kept by PostgreSQL triggers on the cases table
    (migration 0015_report_counters): every insert, update of `received_at`/`team` and delete
    appends a signed count, whatever wrote it (services, bulk SQL, the admin). Rows of one
    (hour, team) are summed when read and merged by beat (`summaries.counters_compact`).
    The dashboard's complaints per local day sum 24 rows per day and team, not ~1,400 cases."""

    hour = models.DateTimeField(_("hour"))
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", db_index=False)
    received = models.IntegerField(_("cases received"))

    class Meta:
        verbose_name = _("intake summary")
        verbose_name_plural = _("intake summaries")
        indexes = [models.Index(fields=["hour", "team"], include=["received"], name="intake_hour_team")]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}h {self.received}"


class OpenCaseCount(models.Model):
    """Open cases per team, state, category, severity and assignee, kept by the same triggers as
    IntakeHourly (signed counts appended, summed when read, merged by beat). The dashboard's
    open-case breakdown and workload read ~a few hundred rows instead of every open case."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", db_index=False)
    state = models.CharField(_("state"), max_length=20)
    category = models.ForeignKey("complaints.Category", on_delete=models.CASCADE, related_name="+", db_index=False)
    severity = models.CharField(_("severity"), max_length=10)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    n = models.IntegerField(_("open cases"))

    class Meta:
        verbose_name = _("open-case summary")
        verbose_name_plural = _("open-case summaries")
        indexes = [models.Index(fields=["team"], include=["state", "category", "severity", "assignee", "n"],
                                name="opencount_team")]

    def __str__(self) -> str:
        return f"{self.state} {self.n}"


class ReferenceDay(models.Model):
    """The receipt times of the cases created on one local day, the date in their reference
    (`TS20260315…`), kept by PostgreSQL triggers on the cases table (migration
    0020_reference_days). A row is appended only when a case falls outside the day's rows so far
    (the first row's upper end is padded by a day), so a create reads one index entry and
    usually writes nothing, and no create waits on another's lock. Rows are never narrowed: a
    deleted case leaves its day as wide as it was, which keeps every bound true.

    A reference-prefix search (`q=TS2026`) bounds its walk of the received-time index by the
    matching days' range, read from a few hundred rows, instead of reading every matching
    reference."""

    day = models.CharField(_("day"), max_length=8)
    first_received = models.DateTimeField(_("earliest receipt"))
    last_received = models.DateTimeField(_("latest receipt"))

    class Meta:
        verbose_name = _("reference day")
        verbose_name_plural = _("reference days")
        indexes = [models.Index(fields=["day"], include=["first_received", "last_received"],
                                name="reference_day")]

    def __str__(self) -> str:
        return self.day


class OpenBreach(models.Model):
    """The open cases with a breached deadline, one row each, kept by PostgreSQL triggers on the
    cases table (migration 0022_open_breaches) for any writer.

    The dashboard's breached list and count read these few rows. The breach flag used to sit in
    the predicate of two partial indexes on the cases table, which made every sweep UPDATE of it
    a non-HOT update writing the new row version into each of the case indexes; with the flag in
    no case index (and room on the pages, fillfactor 80) the sweep's update stays on its page."""

    case = models.OneToOneField(
        "complaints.ComplaintCase", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", db_index=False)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("open breached case")
        verbose_name_plural = _("open breached cases")
        indexes = [
            models.Index(fields=["team", "-received_at", "-case"], name="openbreach_team_recv"),
            models.Index(fields=["-received_at", "-case"], name="openbreach_recv"),
        ]

    def __str__(self) -> str:
        return str(self.case_id)
