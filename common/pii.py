"""Personal data at rest: Fernet encryption, a keyed-hash blind index, and masking.

Decrypted values are wrapped in `Sensitive`, whose text form is always masked, so templates,
admin, logs and reprs show `138****1234` by default. The clear value is read only through
`Sensitive.reveal()`, which `complaints.services.case_pii_reveal` calls after checking the
permission and writing the access log.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class PiiKind(models.TextChoices):
    NAME = "name"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    EMAIL = "email"
    ACCOUNT = "account"


def mask(value: str, kind: str) -> str:
    """Mask a clear value the way docs/api-guide.md shows: 张*, 138****1234, 110***********1234, a***@b.cn."""
    if not value:
        return value
    if kind == PiiKind.NAME:
        return value[0] + "*" * max(len(value) - 1, 1)
    if kind == PiiKind.PHONE:
        if len(value) <= 7:
            return value[:1] + "*" * (len(value) - 1)
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if kind == PiiKind.ID_NUMBER:
        return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)
    if kind == PiiKind.EMAIL:
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain) if domain else value[:1] + "***"
    if kind == PiiKind.ACCOUNT:
        prefix, sep, rest = value.partition("-")
        tail = value[-4:]
        return f"{prefix}-****{tail}" if sep and len(rest) > 4 else "****" + tail
    return "****"


class Sensitive:
    """A personal value whose every text form is masked. One read from the database stays
    encrypted until first used, so a page of rows decrypts only the fields it shows."""

    __slots__ = ("_value", "_token", "kind")

    def __init__(self, clear: str, kind: str) -> None:
        self._value = clear
        self._token: str | None = None
        self.kind = kind

    @classmethod
    def encrypted(cls, token: str, kind: str) -> Sensitive:
        value = cls("", kind)
        value._token = token
        return value

    @property
    def _clear(self) -> str:
        if self._token is not None:
            self._value, self._token = decrypt(self._token), None
        return self._value

    def reveal(self) -> str:
        """The clear value. Call only behind a permission check that logs the access."""
        return self._clear

    @property
    def masked(self) -> str:
        return mask(self._clear, self.kind)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"<Sensitive {self.kind} {self.masked}>"

    def __bool__(self) -> bool:
        # Only a non-empty value is stored encrypted (EncryptedField.get_prep_value).
        return self._token is not None or bool(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sensitive):
            return self._clear == other._clear
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.kind, self._clear))


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(clear: str) -> str:
    return _fernet(tuple(settings.PII_ENCRYPTION_KEY)).encrypt(clear.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.PII_ENCRYPTION_KEY)).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key was removed before its rows were rotated
        raise ValueError("personal data cannot be decrypted with the configured keys") from exc


def is_current(token: str) -> bool:
    """Whether a stored token is encrypted under the newest key."""
    try:
        _fernet(tuple(settings.PII_ENCRYPTION_KEY[:1])).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The same clear value as `token`, encrypted under the newest key (for key rotation)."""
    try:
        return _fernet(tuple(settings.PII_ENCRYPTION_KEY)).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("personal data cannot be decrypted with the configured keys") from exc


def blind_index(value: str) -> str:
    """Keyed hash of a normalised value, for equality look-ups without decrypting."""
    normalised = "".join(value.split()).upper()
    return hmac.new(
        settings.PII_INDEX_KEY.encode(), normalised.encode(), hashlib.sha256
    ).hexdigest()


def reveal(value: Sensitive | str | None) -> str:
    if value is None:
        return ""
    return value.reveal() if isinstance(value, Sensitive) else value


class EncryptedField(models.TextField):  # type: ignore[type-arg]
    """A text column holding a Fernet token; the Python value is a `Sensitive`."""

    def __init__(self, *args: Any, pii_kind: str = PiiKind.NAME, **kwargs: Any) -> None:
        self.pii_kind = pii_kind
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["pii_kind"] = self.pii_kind
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Sensitive:
        if value in (None, ""):
            return Sensitive("", self.pii_kind)
        return Sensitive.encrypted(value, self.pii_kind)

    def to_python(self, value: Any) -> Sensitive | None:
        if isinstance(value, Sensitive) or value is None:
            return value
        return Sensitive(str(value), self.pii_kind)

    def get_prep_value(self, value: Any) -> str:
        clear = reveal(value)
        return encrypt(clear) if clear else ""

    def value_to_string(self, obj: models.Model) -> str:
        # Dumps and serializers get the mask, never the clear value.
        return str(self.value_from_object(obj))
