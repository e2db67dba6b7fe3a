"""Uploads above the in-memory limit are spooled to disk encrypted, and read back in clear."""

from __future__ import annotations

import io
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from rest_framework.test import APIClient

from common import uploads
from complaints.models import Attachment
from tests.factories import make_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

SECRET = "客户张三，身份证号 110101199003071234，手机 13800001234。\n".encode()


@pytest.fixture
def spooled(settings, tmp_path, monkeypatch):
    """Every upload above 1 KiB goes to disk; the spool files are kept in tmp_path to be read."""
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    monkeypatch.setattr(
        uploads.tempfile, "TemporaryFile", lambda dir: tempfile.NamedTemporaryFile(dir=dir, delete=False)
    )
    return spool


def post_attachment(user, case, upload: SimpleUploadedFile):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(f"/api/v1/complaints/{case.pk}/attachments/", {"file": upload}, format="multipart")


def test_the_spooled_file_holds_no_clear_byte_of_the_upload(agent, spooled):
    response = post_attachment(agent, make_case(actor=agent), SimpleUploadedFile("记录.txt", SECRET * 500))

    spool_files = [path.read_bytes() for path in spooled.iterdir()]
    assert response.status_code == 201
    assert spool_files and all(b"110101199003071234" not in content for content in spool_files)


def test_a_large_upload_is_stored_and_downloads_as_sent(agent, spooled):
    case = make_case(actor=agent)
    post_attachment(agent, case, SimpleUploadedFile("记录.txt", SECRET * 500))

    with Attachment.objects.get(case=case).file.open("rb") as stored:
        assert stored.read() == SECRET * 500


def test_a_large_office_file_passes_the_content_check_read_as_a_zip(agent, spooled):
    workbook = Workbook()
    for row in range(2000):
        workbook.active.append([f"第{row}行", row, SECRET.decode()])
    content = io.BytesIO()
    workbook.save(content)

    response = post_attachment(agent, make_case(actor=agent), SimpleUploadedFile("清单.xlsx", content.getvalue()))

    assert response.status_code == 201, response.json()
    assert response.json()["content_type"].endswith("spreadsheetml.sheet")


@pytest.mark.parametrize("offset", [0, 1, 15, 16, 17, 4095, 70_000])
def test_reads_at_any_offset_give_the_clear_bytes(offset):
    content = bytes(range(256)) * 400
    handler = uploads.EncryptedTemporaryFileUploadHandler()
    handler.new_file("file", "data.bin", "application/octet-stream", len(content))
    for start in range(0, len(content), 7_000):
        handler.receive_data_chunk(content[start : start + 7_000], start)
    uploaded = handler.file_complete(len(content))

    uploaded.seek(offset)

    assert uploaded.read(1_000) == content[offset : offset + 1_000]
