"""Domain exceptions raised by services; one DRF handler (common.api) maps them to HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction


class DomainError(Exception):
    """Base for business-rule failures a user can act on."""

    code = "error"

    def __init__(self, detail: str = "", *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code


class ValidationFailed(DomainError):
    """Bad input: `errors` maps each bad field to a list of (code, message)."""

    code = "validation_error"

    def __init__(self, errors: dict[str, list[tuple[str, str]]]) -> None:
        super().__init__("; ".join(f"{k}: {m}" for k, v in errors.items() for _, m in v))
        self.errors = errors

    @classmethod
    def single(cls, attr: str, code: str, message: str) -> ValidationFailed:
        return cls({attr: [(code, str(message))]})


class TransitionNotAllowed(DomainError):
    """The transition does not exist from the case's current state or its guards fail (409)."""

    code = "invalid_transition"


class ConflictError(DomainError):
    """Someone else changed the object first (stale version, concurrent transition) (409)."""

    code = "conflict"


class ActionNotPermitted(DomainError):
    """The actor may see the object but not do this (403)."""

    code = "permission_denied"


class NotFound(DomainError):
    """The object does not exist or the actor may not see it (404)."""

    code = "not_found"


@contextmanager
def unique_violation_as(constraint: str, attr: str, message: str) -> Iterator[None]:
    """Run the block in a savepoint; a violation of the named unique constraint becomes a 400 on `attr`.

    The database decides uniqueness (two requests at once cannot both pass a check in Python).
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if constraint in str(exc):
            raise ValidationFailed.single(attr, "unique", message) from exc
        raise
