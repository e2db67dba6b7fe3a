from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The stored answer to one `Idempotency-Key` of one client (docs/api-guide.md, create).

    The row is inserted in the same transaction as the work it guards, so a concurrent request
    with the same key blocks on the unique index until the first one commits, then replays the
    stored response; if the work fails the row rolls back with it and a retry starts afresh.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(_("key"), max_length=255)
    scope = models.CharField(_("scope"), max_length=100)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_once_per_client_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only.")

    def delete(self):
        raise TypeError("The audit trail is append-only.")


class AppendOnlyModel(models.Model):
    """Rows are written once: updates and deletes through the ORM raise (and, on PostgreSQL, in the
    database too, once a migration puts `common.audit_trail.append_only` on the table)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")
