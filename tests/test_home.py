"""The home page: who is logged in, with which roles, and where to go."""

from __future__ import annotations

import pytest
from django.urls import reverse


def test_home_redirects_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_home_welcomes_an_administrator_without_a_role_in_chinese(client, admin_user):
    client.force_login(admin_user)

    html = client.get(reverse("home")).content.decode()

    assert f"欢迎，{admin_user}" in html
    assert "管理员" in html


@pytest.mark.django_db
def test_home_links_staff_to_the_admin_and_everyone_to_the_api_docs(client, admin_user):
    client.force_login(admin_user)

    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("admin:index")}"' in html
    assert f'href="{reverse("api-docs")}"' in html


@pytest.mark.django_db
def test_unknown_page_shows_the_html_not_found_page_in_chinese(client, agent):
    client.force_login(agent)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
