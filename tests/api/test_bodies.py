"""Request bodies: JSON only, except where a view takes files; others are refused unread."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from tests.api.conftest import case_url, error_codes

pytestmark = pytest.mark.django_db
HUGE = str(4 * 1024**3)  # 4 GB declared; the body actually sent is a few bytes


class _Unreadable(io.BytesIO):
    """A request stream that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


def _huge_multipart(client, path: str, token: str):
    return client.generic(
        "POST",
        path,
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        HTTP_AUTHORIZATION=f"Token {token}",
        CONTENT_LENGTH=HUGE,
        **{"wsgi.input": _Unreadable()},
    )


@pytest.fixture
def token(agent):
    from accounts.tokens import token_issue

    return token_issue(user=agent)


def test_a_huge_multipart_body_to_a_json_endpoint_is_refused_before_it_is_read(token):
    response = _huge_multipart(Client(), "/api/v1/complaints/", token)

    assert response.status_code == 415
    assert error_codes(response) == {None: "unsupported_media_type"}


def test_a_huge_multipart_body_to_the_token_endpoint_is_refused_unread(token):
    assert _huge_multipart(Client(), "/api/v1/auth/token/", token).status_code == 415


def test_a_huge_multipart_body_with_a_session_is_refused_before_csrf_reads_it(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    response = client.generic(
        "POST",
        "/api/v1/complaints/",
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=HUGE,
        **{"wsgi.input": _Unreadable()},
    )

    assert response.status_code == 415


def test_a_form_encoded_body_is_415_on_json_endpoints(api, agent):
    response = api(agent).post("/api/v1/complaints/", "summary=x", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415


def test_the_attachment_upload_still_takes_multipart(api, agent, case_a):
    upload = io.BytesIO(b"hello")
    upload.name = "note.txt"

    response = api(agent).post(case_url(case_a, "attachments/"), {"file": upload}, format="multipart")

    assert response.status_code == 201


def test_a_huge_declared_upload_to_the_attachment_endpoint_is_413(agent, case_a, token):
    response = _huge_multipart(Client(), case_url(case_a, "attachments/"), token)

    assert response.status_code == 413
