"""Every page sends a Content-Security-Policy that allows no inline script and no eval, and no
template carries an inline script or an inline event handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from notifications.services import notify

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def assert_strict_csp(response) -> None:
    header = response.get("Content-Security-Policy")
    assert header, f"no CSP on {response.wsgi_request.path}"
    directives = _directives(header)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in directives.get("style-src", [])
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.fixture
def pages(agent, supervisor, auditor, lead, admin_user, case_a):
    notify([agent], "test", "提醒", case=case_a)
    return [
        (None, "/accounts/login/"),
        (agent, "/cases/"),
        (agent, "/cases/?state=nonsense"),
        (agent, "/cases/new/"),
        (agent, f"/cases/{case_a.pk}/"),
        (agent, "/cases/999999/"),
        (agent, "/notifications/"),
        (auditor, "/cases/"),
        (auditor, f"/cases/{case_a.pk}/"),
        (supervisor, f"/cases/{case_a.pk}/"),
        (lead, "/"),
        (lead, "/cases/"),
        (admin_user, "/"),
        (admin_user, "/admin/"),
        (admin_user, "/admin/complaints/complaintcase/"),
        (admin_user, f"/admin/complaints/complaintcase/{case_a.pk}/change/"),
        (agent, "/api/docs/"),
    ]


def test_every_page_sends_a_strict_policy(pages, login, client):
    for user, path in pages:
        response = (login(user) if user else client).get(path)
        assert response.status_code in (200, 302, 400, 403, 404), (path, response.status_code)
        assert_strict_csp(response)


def test_the_api_docs_load_their_start_up_script_as_a_file(login, agent):
    client = login(agent)
    html = client.get("/api/docs/").content.decode()

    script_src = re.search(r'<script src="([^"]*script[^"]*)"', html).group(1)
    script = client.get(script_src.replace("&amp;", "&"))
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    assert "<style>" not in html


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=", re.I)


def test_no_template_has_inline_script_handlers_or_styles():
    offenders = []
    for path in ROOT.glob("*/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        offenders += _scan(path)
    for path in (ROOT / "templates").glob("**/*.html"):
        offenders += _scan(path)
    assert offenders == []


def _scan(path: Path) -> list[str]:
    text = path.read_text()
    found = []
    for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
        if pattern.search(text):
            found.append(f"{path.relative_to(ROOT)}: {pattern.pattern}")
    return found
