from django.db import models


class FloorRow(models.Model):
    """One row per request: the least a create can write."""

    body = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.body
