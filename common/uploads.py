"""Large uploads are never on disk in clear, not even while the request runs.

Django keeps an upload up to FILE_UPLOAD_MAX_MEMORY_SIZE in memory and writes a larger one to a
temporary file as it arrives. That file would hold a complainant's scanned ID card or a contact
CSV in clear until the request ends (and for good if the process dies). This handler writes it
encrypted instead, under a random key that only the request's memory holds, to an unnamed
temporary file (deleted by the operating system when closed or when the process dies). AES-CTR
keeps the file seekable, which the content checks need (an Office file is read as a zip).
Integrity is not needed here: the key never leaves the process, and the file lives as long as
the request; at rest, the stored attachment is sealed by common.file_crypto.
"""

from __future__ import annotations

import io
import secrets
import tempfile
from typing import IO, Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

BLOCK = 16


def _cipher(key: bytes, nonce: bytes, block: int) -> Cipher[modes.CTR]:
    counter = (int.from_bytes(nonce, "big") + block) % (1 << 128)
    return Cipher(algorithms.AES(key), modes.CTR(counter.to_bytes(BLOCK, "big")))


class _DecryptingFile(io.RawIOBase):
    """The clear content of an AES-CTR encrypted file, readable at any offset."""

    def __init__(self, raw: IO[bytes], key: bytes, nonce: bytes, size: int) -> None:
        self._raw, self._key, self._nonce, self._size = raw, key, nonce, size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self._size - self._position)
        if wanted <= 0:
            return 0
        skip = self._position % BLOCK
        self._raw.seek(self._position - skip)
        sealed = self._raw.read(wanted + skip)
        clear = _cipher(self._key, self._nonce, self._position // BLOCK).decryptor().update(sealed)[skip:]
        buffer[: len(clear)] = clear
        self._position += len(clear)
        return len(clear)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class EncryptedTemporaryUploadedFile(UploadedFile):
    """An upload held in an encrypted temporary file; reads give the clear content. It has no
    `temporary_file_path`, so nothing moves the encrypted file into place as it is."""

    def __init__(
        self, raw: IO[bytes], key: bytes, nonce: bytes, *, name: str, content_type: str | None,
        size: int, charset: str | None, content_type_extra: dict[str, Any] | None,
    ) -> None:
        clear = io.BufferedReader(_DecryptingFile(raw, key, nonce, size), buffer_size=64 * 1024)
        super().__init__(clear, name, content_type, size, charset, content_type_extra)


class EncryptedTemporaryFileUploadHandler(FileUploadHandler):
    """Takes the uploads that MemoryFileUploadHandler leaves (above FILE_UPLOAD_MAX_MEMORY_SIZE)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._key = secrets.token_bytes(32)
        self._nonce = secrets.token_bytes(BLOCK)
        self._raw: IO[bytes] = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115 - the upload owns it
        self._encryptor = _cipher(self._key, self._nonce, 0).encryptor()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._raw.write(self._encryptor.update(raw_data))
        return None

    def file_complete(self, file_size: int) -> EncryptedTemporaryUploadedFile:
        self._raw.write(self._encryptor.finalize())
        self._raw.flush()
        return EncryptedTemporaryUploadedFile(
            self._raw, self._key, self._nonce, name=self.file_name or "", content_type=self.content_type,
            size=file_size, charset=self.charset, content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self) -> None:
        raw = getattr(self, "_raw", None)
        if raw is not None:
            raw.close()
