"""POST/GET /api/v1/complaints/{id}/attachments/: content checks, limits, storage and visibility."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from complaints.models import Attachment, CaseEvent
from tests.factories import make_case

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def _office_zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


DOCX_BYTES = _office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX_BYTES = _office_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
WAV_BYTES = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + b"\x00" * 20
MP3_BYTES = b"\xff\xfb\x90\x64" + b"\x00" * 60
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
GIF_BYTES = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(user, case_id, name: str, content: bytes, content_type: str = "application/octet-stream"):
    return client_for(user).post(
        f"/api/v1/complaints/{case_id}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


@pytest.fixture
def case(agent):
    return make_case(actor=agent)


# -- accepted uploads -------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_pdf_returns_201_with_its_details(agent, case):
    response = upload(agent, case.pk, "通话记录.pdf", PDF_BYTES)

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["content_type"], body["size"]) == ("通话记录.pdf", "application/pdf", len(PDF_BYTES))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("screen.png", PNG_BYTES, "image/png"),
        ("photo.jpg", JPEG_BYTES, "image/jpeg"),
        ("anim.gif", GIF_BYTES, "image/gif"),
        ("call.wav", WAV_BYTES, "audio/wav"),
        ("call.mp3", MP3_BYTES, "audio/mpeg"),
        ("letter.docx", DOCX_BYTES, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("fees.xlsx", XLSX_BYTES, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("note.txt", "客户来电记录\n第二行".encode(), "text/plain; charset=utf-8"),
        ("gbk.txt", "客户来电记录".encode("gbk"), "text/plain; charset=gb18030"),
    ],
)
def test_upload_accepts_allowed_type_by_content(agent, case, name, content, content_type):
    response = upload(agent, case.pk, name, content)

    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == content_type


@pytest.mark.django_db
def test_upload_lands_on_the_case_timeline(agent, case):
    attachment_id = upload(agent, case.pk, "evidence.pdf", PDF_BYTES).json()["id"]

    event = CaseEvent.objects.filter(case=case, kind="attachment").get()
    assert (event.actor, event.data["attachment_id"], event.data["name"]) == (agent, attachment_id, "evidence.pdf")


@pytest.mark.django_db
def test_stored_file_has_a_random_name_under_media_root(agent, case, media_root):
    upload(agent, case.pk, "../../etc/passwd.txt", b"plain text")

    attachment = Attachment.objects.get()
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(media_root)
    assert "passwd" not in stored.name
    assert attachment.original_name == "passwd.txt"


@pytest.mark.django_db
def test_upload_without_extension_gets_the_detected_one(agent, case):
    response = upload(agent, case.pk, "recording", MP3_BYTES)

    assert response.json()["name"] == "recording.mp3"


@pytest.mark.django_db
def test_long_name_is_shortened_keeping_its_extension(agent, case):
    response = upload(agent, case.pk, "记" * 300 + ".pdf", PDF_BYTES)

    name = response.json()["name"]
    assert (len(name), name[-4:]) == (255, ".pdf")


@pytest.mark.django_db
def test_name_of_only_an_extension_gets_a_stem(agent, case):
    assert upload(agent, case.pk, ".pdf", PDF_BYTES).json()["name"] == "attachment.pdf"


@pytest.mark.django_db
def test_trailing_dots_are_dropped_from_the_name(agent, case):
    assert upload(agent, case.pk, "a.pdf. .", PDF_BYTES).json()["name"] == "a.pdf"


@pytest.mark.django_db
def test_right_to_left_override_cannot_disguise_the_extension(agent, case):
    response = upload(agent, case.pk, "invoice\u202efdp.exe", PDF_BYTES)

    assert response.json()["errors"][0]["code"] == "type_mismatch"


@pytest.mark.django_db
def test_absurdly_long_extension_is_400_not_500(agent, case):
    response = upload(agent, case.pk, "a." + "b" * 300, PDF_BYTES)

    assert response.status_code == 400


# -- refused uploads --------------------------------------------------------------------------


@pytest.mark.django_db
def test_pdf_name_with_exe_content_is_refused_with_a_clear_error(agent, case):
    response = upload(agent, case.pk, "invoice.pdf", EXE_BYTES, content_type="application/pdf")

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("file", "invalid_type")
    assert "PDF, PNG" in error["detail"]  # names the allowed types
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_pdf_name_with_png_content_is_refused_as_mismatch(agent, case):
    response = upload(agent, case.pk, "invoice.pdf", PNG_BYTES)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "type_mismatch"


@pytest.mark.django_db
def test_docx_with_macros_is_refused(agent, case):
    macro_docx = _office_zip({
        "[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\x00",
    })

    response = upload(agent, case.pk, "letter.docx", macro_docx)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_type"


@pytest.mark.django_db
def test_plain_zip_named_docx_is_refused(agent, case):
    response = upload(agent, case.pk, "letter.docx", _office_zip({"payload.exe": EXE_BYTES}))

    assert response.status_code == 400


@pytest.mark.django_db
def test_empty_file_is_refused(agent, case):
    response = upload(agent, case.pk, "empty.txt", b"")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "file"


@pytest.mark.django_db
def test_missing_file_field_is_refused(agent, case):
    response = client_for(agent).post(
        f"/api/v1/complaints/{case.pk}/attachments/", {"other": "x"}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "file"


@pytest.mark.django_db
def test_json_body_is_unsupported_media_type(agent, case):
    response = client_for(agent).post(
        f"/api/v1/complaints/{case.pk}/attachments/", {"file": "x"}, format="json"
    )

    assert response.status_code == 415


@pytest.mark.django_db
def test_file_above_the_limit_is_413(agent, case, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000

    response = upload(agent, case.pk, "big.txt", b"a" * 1001)

    assert response.status_code == 413
    assert response.json()["type"] == "request_too_large"
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_body_declaring_far_more_than_the_limit_is_413_before_parsing(agent, case, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000

    response = upload(agent, case.pk, "big.txt", b"a" * 200_000)

    assert response.status_code == 413


@pytest.mark.django_db
def test_file_at_the_limit_is_accepted(agent, case, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000

    response = upload(agent, case.pk, "exact.txt", b"a" * 1000)

    assert response.status_code == 201


# -- who may upload and see -------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_without_auth_is_401(case):
    response = APIClient().post(
        f"/api/v1/complaints/{case.pk}/attachments/",
        {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)},
        format="multipart",
    )

    assert response.status_code == 401


@pytest.mark.django_db
def test_other_teams_agent_gets_404_on_upload(agent_b, case):
    response = upload(agent_b, case.pk, "a.pdf", PDF_BYTES)

    assert response.status_code == 404


@pytest.mark.django_db
def test_api_client_may_not_upload_to_its_own_case(callcenter):
    own_case = make_case(actor=callcenter)

    response = upload(callcenter, own_case.pk, "a.pdf", PDF_BYTES)

    assert response.status_code == 403


@pytest.mark.django_db
def test_auditor_may_not_upload(auditor, case):
    response = upload(auditor, case.pk, "a.pdf", PDF_BYTES)

    assert response.status_code == 403


@pytest.mark.django_db
def test_list_shows_the_cases_attachments(agent, case):
    upload(agent, case.pk, "a.pdf", PDF_BYTES)
    upload(agent, case.pk, "b.png", PNG_BYTES)

    response = client_for(agent).get(f"/api/v1/complaints/{case.pk}/attachments/")

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["a.pdf", "b.png"]


@pytest.mark.django_db
def test_other_teams_agent_gets_404_on_list(agent, agent_b, case):
    upload(agent, case.pk, "a.pdf", PDF_BYTES)

    response = client_for(agent_b).get(f"/api/v1/complaints/{case.pk}/attachments/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_download_returns_the_exact_bytes_as_an_attachment(agent, case):
    body = upload(agent, case.pk, "通话记录.pdf", PDF_BYTES).json()

    response = client_for(agent).get(body["download_url"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_auditor_may_download(agent, auditor, case):
    attachment_id = upload(agent, case.pk, "a.pdf", PDF_BYTES).json()["id"]

    response = client_for(auditor).get(f"/api/v1/complaints/{case.pk}/attachments/{attachment_id}/download/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_other_teams_agent_gets_404_on_download(agent, agent_b, case):
    attachment_id = upload(agent, case.pk, "a.pdf", PDF_BYTES).json()["id"]

    response = client_for(agent_b).get(f"/api/v1/complaints/{case.pk}/attachments/{attachment_id}/download/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_attachment_of_another_case_is_404_through_this_case(agent, case):
    other_case = make_case(actor=agent)
    attachment_id = upload(agent, other_case.pk, "a.pdf", PDF_BYTES).json()["id"]

    response = client_for(agent).get(f"/api/v1/complaints/{case.pk}/attachments/{attachment_id}/download/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_missing_stored_file_is_404_not_500(agent, case):
    attachment_id = upload(agent, case.pk, "a.pdf", PDF_BYTES).json()["id"]
    Path(Attachment.objects.get().file.path).unlink()

    response = client_for(agent).get(f"/api/v1/complaints/{case.pk}/attachments/{attachment_id}/download/")

    assert response.status_code == 404
