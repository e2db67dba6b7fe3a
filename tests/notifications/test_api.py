"""/api/v1/notifications/: a user's own notifications, unread count, mark read."""

from __future__ import annotations

import pytest

from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_list_shows_only_my_notifications_newest_first(api, agent, supervisor):
    notify([agent], "note", "第一条")
    notify([supervisor], "note", "别人的")
    notify([agent], "note", "第二条")
    response = api(agent).get("/api/v1/notifications/")
    assert (response.status_code, [n["title"] for n in response.json()["results"]]) == (200, ["第二条", "第一条"])


def test_list_item_has_the_documented_fields(api, agent):
    notify([agent], "deadline_warning", "标题", "正文", data={"level": 1})
    item = api(agent).get("/api/v1/notifications/").json()["results"][0]
    assert {k: item[k] for k in ("kind", "title", "body", "is_read", "read_at", "data")} == {
        "kind": "deadline_warning", "title": "标题", "body": "正文", "is_read": False, "read_at": None,
        "data": {"level": 1},
    }


def test_list_filters_unread(api, agent):
    notify([agent], "note", "已读")
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    notify([agent], "note", "未读")
    response = api(agent).get("/api/v1/notifications/?unread=true")
    assert [n["title"] for n in response.json()["results"]] == ["未读"]


def test_list_query_count_does_not_grow_with_rows(api, agent, django_assert_max_num_queries):
    from tests.factories import make_case

    case = make_case(actor=agent)
    for _ in range(15):
        notify([agent], "note", "标题", case=case)
    client = api(agent)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/notifications/")
    assert len(response.json()["results"]) == 15


def test_unread_count(api, agent):
    notify([agent], "note", "一")
    notify([agent], "note", "二")
    assert api(agent).get("/api/v1/notifications/unread-count/").json() == {"count": 2}


def test_mark_read_marks_it_and_lowers_the_count(api, agent):
    notification = notify([agent], "note", "一")[0]
    client = api(agent)
    response = client.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert (response.status_code, response.json()["is_read"], client.get("/api/v1/notifications/unread-count/").json()) == (
        200, True, {"count": 0}
    )


def test_mark_read_twice_keeps_the_first_read_time(api, agent):
    notification = notify([agent], "note", "一")[0]
    client = api(agent)
    first = client.post(f"/api/v1/notifications/{notification.pk}/read/").json()["read_at"]
    assert client.post(f"/api/v1/notifications/{notification.pk}/read/").json()["read_at"] == first


def test_mark_read_of_someone_elses_notification_is_404(api, agent, supervisor):
    notification = notify([supervisor], "note", "别人的")[0]
    response = api(agent).post(f"/api/v1/notifications/{notification.pk}/read/")
    assert (response.status_code, Notification.objects.get().read_at) == (404, None)


def test_mark_read_of_unknown_id_is_404(api, agent):
    assert api(agent).post("/api/v1/notifications/999999/read/").status_code == 404


def test_read_all_marks_only_mine(api, agent, supervisor):
    notify([agent, supervisor], "note", "一")
    notify([agent], "note", "二")
    response = api(agent).post("/api/v1/notifications/read-all/")
    assert (response.json(), Notification.objects.filter(read_at__isnull=True).count()) == ({"marked": 2}, 1)


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/api/v1/notifications/"),
        ("get", "/api/v1/notifications/unread-count/"),
        ("post", "/api/v1/notifications/1/read/"),
        ("post", "/api/v1/notifications/read-all/"),
    ],
)
def test_anonymous_is_401(api, method, url):
    assert getattr(api(None), method)(url).status_code == 401


def test_list_with_bad_cursor_is_404_not_500(api, agent):
    assert api(agent).get("/api/v1/notifications/?cursor=bz1hYmM%3D").status_code == 404
