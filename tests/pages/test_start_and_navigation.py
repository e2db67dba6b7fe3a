"""The start page by role and the navigation bar by role."""

from __future__ import annotations

import re

import pytest

from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def _nav(html: str) -> list[str]:
    block = html.split('id="nav-items"')[1].split("</ul>")[0]
    return re.findall(r'href="([^"]+)"', block)


@pytest.mark.parametrize("role", ["agent", "auditor"])
def test_agents_and_auditors_start_on_the_queue(login, role, request):
    response = login(request.getfixturevalue(role)).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/cases/"


def test_a_supervisor_starts_on_the_dashboard_when_it_exists(login, supervisor):
    from django.urls import NoReverseMatch, reverse

    try:
        expected = reverse("dashboard")
    except NoReverseMatch:
        expected = "/cases/"
    assert login(supervisor).get("/")["Location"] == expected


def test_emergency_staff_start_on_activations_or_notifications(login, lead):
    assert login(lead).get("/")["Location"] in ("/contingency/activations/", "/notifications/")


def test_an_agent_is_offered_the_queue_and_intake_but_not_the_admin(login, agent):
    links = _nav(login(agent).get("/notifications/").content.decode())

    assert "/cases/" in links and "/cases/new/" in links and "/notifications/" in links
    assert "/admin/" not in links
    assert "/api/docs/" in links


def test_an_auditor_is_not_offered_intake(login, auditor):
    links = _nav(login(auditor).get("/notifications/").content.decode())

    assert "/cases/" in links
    assert "/cases/new/" not in links


def test_a_lead_is_not_offered_the_queue(login, lead):
    links = _nav(login(lead).get("/notifications/").content.decode())

    assert "/cases/" not in links


def test_the_header_shows_the_unread_count(login, agent):
    notify([agent], "test", "一")
    notify([agent], "test", "二")

    html = login(agent).get("/notifications/").content.decode()

    assert re.search(r'id="unread-notifications">2<', html)


def test_marking_one_and_all_read(login, agent, supervisor):
    first, second = notify([agent], "test", "一") + notify([agent], "test", "二")
    theirs = notify([supervisor], "test", "别人的")[0]
    client = login(agent)

    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    assert Notification.objects.filter(read_at__isnull=True, recipient=agent).count() == 1
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post("/notifications/read-all/").status_code == 302
    assert Notification.objects.filter(read_at__isnull=True, recipient=agent).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_marking_read_needs_a_post(login, agent):
    first = notify([agent], "test", "一")[0]

    assert login(agent).get(f"/notifications/{first.pk}/read/").status_code == 405


def test_the_interface_is_chinese_by_default_and_english_after_the_switch(login, agent):
    client = login(agent)
    assert '<html lang="zh-hans">' in client.get("/cases/").content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})

    html = client.get("/cases/").content.decode()
    assert '<html lang="en">' in html
    assert "Cases" in html
