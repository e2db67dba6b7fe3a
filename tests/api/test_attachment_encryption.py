"""Attachments at rest are encrypted; every download is logged and shown to auditors."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from complaints import attachments
from complaints.models import Attachment, AttachmentDownload
from tests.factories import make_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

# A call transcript: personal data that must not be readable on the disk.
TRANSCRIPT = "通话记录：客户张三，身份证号 110101199003071234，手机 13800001234。\n".encode()
LARGE_TRANSCRIPT = TRANSCRIPT * 3000  # about 250 KB: several encrypted chunks


@pytest.fixture
def case(agent):
    return make_case(actor=agent)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(user, case_id, content: bytes, name: str = "transcript.txt") -> int:
    response = client_for(user).post(
        f"/api/v1/complaints/{case_id}/attachments/",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def download(user, case_id, attachment_id):
    return client_for(user).get(f"/api/v1/complaints/{case_id}/attachments/{attachment_id}/download/")


def stored_bytes(attachment_id: int) -> bytes:
    return Path(Attachment.objects.get(pk=attachment_id).file.path).read_bytes()


def test_bytes_on_disk_do_not_contain_the_uploaded_content(agent, case):
    attachment_id = upload(agent, case.pk, TRANSCRIPT)

    on_disk = stored_bytes(attachment_id)

    assert TRANSCRIPT not in on_disk
    assert b"110101199003071234" not in on_disk


def test_file_uploaded_on_the_workspace_page_is_encrypted_too(client, agent, case):
    client.force_login(agent)

    client.post(f"/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile("记录.txt", TRANSCRIPT)})

    assert TRANSCRIPT not in Path(Attachment.objects.get(case=case).file.path).read_bytes()


def test_large_upload_spooled_to_a_temporary_file_is_encrypted_too(agent, case, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # the upload goes through a temporary file

    attachment_id = upload(agent, case.pk, LARGE_TRANSCRIPT)

    assert TRANSCRIPT not in stored_bytes(attachment_id)


def test_download_returns_the_original_bytes_of_a_multi_chunk_file(agent, case):
    attachment_id = upload(agent, case.pk, LARGE_TRANSCRIPT)

    response = download(agent, case.pk, attachment_id)

    assert b"".join(response.streaming_content) == LARGE_TRANSCRIPT
    assert response["Content-Length"] == str(len(LARGE_TRANSCRIPT))


def test_download_is_logged_with_who_and_which_file(agent, auditor, case):
    attachment_id = upload(agent, case.pk, TRANSCRIPT)

    download(auditor, case.pk, attachment_id)

    log = AttachmentDownload.objects.get()
    assert (log.user, log.attachment_id, log.at is not None) == (auditor, attachment_id, True)


def test_other_teams_agent_cannot_download_and_nothing_is_logged(agent, agent_b, case):
    attachment_id = upload(agent, case.pk, TRANSCRIPT)

    response = download(agent_b, case.pk, attachment_id)

    assert (response.status_code, AttachmentDownload.objects.count()) == (404, 0)


def test_file_stored_before_encryption_still_downloads(agent, case, media_root):
    legacy = Path(media_root / "attachments/2025/01" / f"{uuid.uuid4().hex}.txt")
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(TRANSCRIPT)
    attachment = Attachment.objects.create(
        case=case, uploaded_by=agent, file=str(legacy.relative_to(media_root)), original_name="old.txt",
        content_type="text/plain; charset=utf-8", size=len(TRANSCRIPT), sha256="0" * 64,
    )

    response = download(agent, case.pk, attachment.pk)

    assert b"".join(response.streaming_content) == TRANSCRIPT


def test_file_under_a_dropped_key_is_404_not_500_and_not_logged(agent, case, settings):
    configured = list(settings.PII_ENCRYPTION_KEY)  # the case's personal data stays readable
    settings.PII_ENCRYPTION_KEY = [Fernet.generate_key().decode(), *configured]
    attachment_id = upload(agent, case.pk, TRANSCRIPT)
    settings.PII_ENCRYPTION_KEY = configured

    response = download(agent, case.pk, attachment_id)

    assert (response.status_code, AttachmentDownload.objects.count()) == (404, 0)


def test_service_gives_the_clear_content(agent, case):
    attachment_id = upload(agent, case.pk, TRANSCRIPT)

    _, content = attachments.attachment_download(actor=agent, case_id=case.pk, attachment_id=attachment_id)

    assert content.read() == TRANSCRIPT


# -- the download log in the admin ----------------------------------------------------------

DOWNLOADS = reverse("admin:complaints_attachmentdownload_changelist")


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_auditor_sees_the_download_log_in_the_admin(client, agent, auditor, case):
    attachment_id = upload(agent, case.pk, TRANSCRIPT, name="录音转写.txt")
    download(agent, case.pk, attachment_id)
    client.force_login(_staff(auditor))

    page = client.get(DOWNLOADS).content.decode()

    assert "录音转写.txt" in page and case.reference in page


def test_agent_may_not_read_the_download_log(client, agent, case):
    client.force_login(_staff(agent))

    assert client.get(DOWNLOADS).status_code == 403


def test_the_download_log_is_listed_beside_the_personal_data_accesses(client, auditor):
    client.force_login(_staff(auditor))

    page = client.get(reverse("admin:app_list", args=["complaints"])).content.decode()

    assert reverse("admin:complaints_piiaccesslog_changelist") in page and DOWNLOADS in page



def _logged_download(agent, auditor, case) -> AttachmentDownload:
    download(auditor, case.pk, upload(agent, case.pk, TRANSCRIPT))
    return AttachmentDownload.objects.get()


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_database_refuses_to_rewrite_who_downloaded(agent, auditor, case):
    log = _logged_download(agent, auditor, case)

    with pytest.raises(IntegrityError, match="append-only: UPDATE on complaints_attachmentdownload"):
        _raw("UPDATE complaints_attachmentdownload SET user_id = %s WHERE id = %s", [agent.pk, log.pk])


def test_database_refuses_to_delete_a_download_record(agent, auditor, case):
    log = _logged_download(agent, auditor, case)

    with pytest.raises(IntegrityError, match="append-only: DELETE on complaints_attachmentdownload"):
        _raw("DELETE FROM complaints_attachmentdownload WHERE id = %s", [log.pk])
