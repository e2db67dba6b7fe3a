from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.file_crypto import get_encrypted_storage
from common.models import AppendOnlyModel
from complaints.choices import Channel, Direction, EventKind, Outcome


class CaseEvent(AppendOnlyModel):
    """The case timeline and its audit log: transitions, notes, escalations, ..."""

    case = models.ForeignKey(
        "complaints.ComplaintCase", on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transition = models.CharField(_("transition"), max_length=40, blank=True)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "id"], name="caseevent_case_id")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.summary}"


class Note(AppendOnlyModel):
    case = models.ForeignKey("complaints.ComplaintCase", on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("body"), max_length=10000)
    internal = models.BooleanField(_("internal"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.body[:50]


class Communication(AppendOnlyModel):
    """A contact with the complainant (call, SMS, letter ...) and how it went."""

    case = models.ForeignKey(
        "complaints.ComplaintCase", on_delete=models.PROTECT, related_name="communications"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    summary = models.TextField(_("summary"), max_length=10000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("communication")
        verbose_name_plural = _("communications")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_outcome_display()}"


class PiiAccessLog(AppendOnlyModel):
    """Who saw which case's personal data unmasked, when and why."""

    case = models.ForeignKey(
        "complaints.ComplaintCase", on_delete=models.PROTECT, related_name="pii_accesses"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    fields = models.JSONField(_("fields"), default=list)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """An uploaded file, stored encrypted under MEDIA_ROOT (outside the web root), served by a
    checked view that logs every download."""

    case = models.ForeignKey(
        "complaints.ComplaintCase", on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", storage=get_encrypted_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class AttachmentDownload(AppendOnlyModel):
    """Who downloaded which attachment and when; auditors read it beside the personal-data accesses."""

    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("attachment download")
        verbose_name_plural = _("attachment downloads")

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M}"
