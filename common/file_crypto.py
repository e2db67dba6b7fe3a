"""Files at rest: encrypted in chunks under the personal-data keys, so they rotate together.

The keys are `PII_ENCRYPTION_KEY` (Fernet keys, newest first); each file gets its own AES-256-GCM
key derived from one of them (HKDF with a random salt), and names that key in its header, so a
file is read with whichever configured key it was written with and `rotate_keys` can tell the
files still under an older key without decrypting them.

Layout: MAGIC | key id (8) | salt (16) | nonce prefix (7), then the content in sealed chunks of
CHUNK_SIZE bytes (the last may be shorter). A chunk's nonce is the prefix, its counter and a
last-chunk flag, and the header is its associated data: chunks cannot be reordered, dropped,
cut off at the end or moved to another file without the download failing.

Files written before encryption (no MAGIC) are read as they are until `rotate_keys` encrypts
them; an attachment cannot start with MAGIC, because its content check refuses control bytes
in text and every other allowed type has its own signature.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import secrets
import struct
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage

MAGIC = b"CMSENC\x01"
KEY_ID_BYTES = 8
SALT_BYTES = 16
PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + SALT_BYTES + PREFIX_BYTES
CHUNK_SIZE = 64 * 1024
TAG_BYTES = 16
SEALED_CHUNK = CHUNK_SIZE + TAG_BYTES
_HKDF_INFO = b"complaints file encryption v1"


class UnreadableFile(Exception):
    """The file is encrypted under a key no longer configured, or its content was altered."""


def _raw_key(fernet_key: str) -> bytes:
    return base64.urlsafe_b64decode(fernet_key.encode())


def key_id(fernet_key: str) -> bytes:
    """A short public name of a key (a hash, so it reveals nothing of the key)."""
    return hashlib.sha256(b"complaints key id\x00" + _raw_key(fernet_key)).digest()[:KEY_ID_BYTES]


def newest_key_id() -> bytes:
    return key_id(settings.PII_ENCRYPTION_KEY[0])


def _keys_by_id() -> dict[bytes, str]:
    return {key_id(k): k for k in settings.PII_ENCRYPTION_KEY}


def _file_key(fernet_key: str, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO).derive(_raw_key(fernet_key))
    return AESGCM(derived)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I?", counter, last)


def _rechunk(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    """The content in CHUNK_SIZE pieces, each with whether it is the last (one empty piece if none)."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        while len(pending) > CHUNK_SIZE:  # strictly more: the last piece needs its flag
            yield pending[:CHUNK_SIZE], False
            pending = pending[CHUNK_SIZE:]
    yield pending, True


def encrypt_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The encrypted file, header first, under the newest key."""
    fernet_key = settings.PII_ENCRYPTION_KEY[0]
    salt, prefix = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(PREFIX_BYTES)
    header = MAGIC + key_id(fernet_key) + salt + prefix
    aead = _file_key(fernet_key, salt)
    yield header
    for counter, (piece, last) in enumerate(_rechunk(chunks)):
        yield aead.encrypt(_nonce(prefix, counter, last), piece, header)


def _read_exactly(raw: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = raw.read(size - len(data))
        if not more:
            break
        data += more
    return data


class _DecryptingReader(io.RawIOBase):
    def __init__(self, raw: IO[bytes], header: bytes) -> None:
        super().__init__()
        fernet_key = _keys_by_id().get(header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES])
        if fernet_key is None:  # a key was removed before its files were rotated
            raise UnreadableFile("the file's key is not among the configured keys")
        salt_at = len(MAGIC) + KEY_ID_BYTES
        self._aead = _file_key(fernet_key, header[salt_at : salt_at + SALT_BYTES])
        self._prefix = header[salt_at + SALT_BYTES :]
        self._header = header
        self._raw = raw
        self._counter = 0
        self._next = _read_exactly(raw, SEALED_CHUNK)
        self._plain = b""
        self._done = False
        if not self._next:
            raise UnreadableFile("the file ends after its header")

    def readable(self) -> bool:
        return True

    def _open_next(self) -> None:
        sealed, self._next = self._next, _read_exactly(self._raw, SEALED_CHUNK)
        last = not self._next
        try:
            self._plain = self._aead.decrypt(_nonce(self._prefix, self._counter, last), sealed, self._header)
        except InvalidTag as exc:
            raise UnreadableFile("the file was altered or cut short") from exc
        self._counter += 1
        self._done = last

    def readinto(self, buffer: Any) -> int:
        while not self._plain and not self._done:
            self._open_next()
        size = min(len(buffer), len(self._plain))
        buffer[:size] = self._plain[:size]
        self._plain = self._plain[size:]
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_decrypted(raw: IO[bytes]) -> IO[bytes]:
    """A reader of the clear content of a stored file (legacy unencrypted files as they are).

    Raises UnreadableFile when the file's key is not configured; reading raises it when the
    content was altered.
    """
    header = _read_exactly(raw, HEADER_BYTES)
    if not header.startswith(MAGIC):
        raw.seek(0)
        return raw
    return io.BufferedReader(_DecryptingReader(raw, header), buffer_size=CHUNK_SIZE)


def stored_key_id(raw: IO[bytes]) -> bytes | None:
    """The id of the key a stored file is under; None for a legacy unencrypted file."""
    header = _read_exactly(raw, HEADER_BYTES)
    return header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES] if header.startswith(MAGIC) else None


class _Sealed:
    """What FileSystemStorage._save streams: the encrypted chunks of the uploaded content.

    It has no `temporary_file_path`, so a large upload's temporary file is read and encrypted,
    never moved into place as it is.
    """

    def __init__(self, content: File) -> None:
        self._content = content

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        self._content.seek(0)
        return encrypt_chunks(self._content.chunks())


class EncryptedFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files are encrypted at rest; `open` gives the clear content."""

    def _save(self, name: str, content: File) -> str:
        return super()._save(name, _Sealed(content))  # type: ignore[misc]  # private in the stubs

    def _open(self, name: str, mode: str = "rb") -> File:
        if "b" not in mode or any(flag in mode for flag in "wa+"):
            raise ValueError("encrypted files are opened for binary reading only")
        raw = open(self.path(name), "rb")  # noqa: SIM115 - the returned File owns it
        try:
            return File(open_decrypted(raw), name)
        except BaseException:
            raw.close()
            raise

    def is_current(self, name: str) -> bool:
        """Whether the file is already encrypted under the newest key."""
        with open(self.path(name), "rb") as raw:
            return stored_key_id(raw) == newest_key_id()

    def reencrypt(self, name: str) -> bool:
        """Rewrite the file under the newest key (encrypting a legacy one); False if it already was.

        The new content goes to a temporary file beside it that then replaces it in one rename:
        an interrupted run leaves the old file intact, and a download already reading it
        finishes on the old content.
        """
        if self.is_current(name):
            return False
        path = self.path(name)
        with open(path, "rb") as raw, open_decrypted(raw) as clear:
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".rotating-")
            try:
                with os.fdopen(handle, "wb") as out:
                    for chunk in encrypt_chunks(iter(lambda: clear.read(CHUNK_SIZE), b"")):
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                if self.file_permissions_mode is not None:
                    os.chmod(temporary, self.file_permissions_mode)
                os.replace(temporary, path)
            except BaseException:
                if os.path.exists(temporary):
                    os.unlink(temporary)
                raise
        return True


encrypted_storage = EncryptedFileSystemStorage()


def get_encrypted_storage() -> EncryptedFileSystemStorage:
    """FileField(storage=...) callable, so migrations name the function, not a configured instance."""
    return encrypted_storage
