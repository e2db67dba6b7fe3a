"""The encrypted file format: round trip, key choice, and refusal of altered or cut files."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet

from common.file_crypto import CHUNK_SIZE, SEALED_CHUNK, UnreadableFile, encrypt_chunks, open_decrypted

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
CONTENT = bytes(range(256)) * (CHUNK_SIZE // 128)  # exactly two chunks


@pytest.fixture(autouse=True)
def keys(settings):
    settings.PII_ENCRYPTION_KEY = [KEY_A]


def sealed(content: bytes) -> bytes:
    return b"".join(encrypt_chunks([content]))


def read(data: bytes) -> bytes:
    return open_decrypted(io.BytesIO(data)).read()


def test_round_trip_of_an_exact_number_of_chunks():
    assert read(sealed(CONTENT)) == CONTENT


def test_round_trip_of_an_empty_file():
    assert read(sealed(b"")) == b""


def test_file_reads_after_a_newer_key_is_put_in_front(settings):
    data = sealed(CONTENT)
    settings.PII_ENCRYPTION_KEY = [KEY_B, KEY_A]

    assert read(data) == CONTENT


def test_file_does_not_open_once_its_key_is_dropped(settings):
    data = sealed(CONTENT)
    settings.PII_ENCRYPTION_KEY = [KEY_B]

    with pytest.raises(UnreadableFile):
        open_decrypted(io.BytesIO(data))


def test_altered_byte_is_refused():
    data = bytearray(sealed(CONTENT))
    data[-100] ^= 1

    with pytest.raises(UnreadableFile):
        read(bytes(data))


def test_file_cut_after_a_whole_chunk_is_refused():
    data = sealed(CONTENT)
    header_and_first_chunk = data[: len(data) - SEALED_CHUNK]

    with pytest.raises(UnreadableFile):
        read(header_and_first_chunk)


def test_unencrypted_legacy_content_reads_as_it_is():
    assert read(b"%PDF-1.7 legacy") == b"%PDF-1.7 legacy"
