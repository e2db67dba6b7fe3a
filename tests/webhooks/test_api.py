"""GET|POST|DELETE /api/v1/webhooks/ (admin only) and the deliveries of a subscription."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from webhooks import services
from webhooks.models import Subscription

SECRET = "s3cret-for-tests-only"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def create(user, **overrides):
    payload = {"url": "http://127.0.0.1:9/hooks", "events": ["case.created"], "secret": SECRET, **overrides}
    return client_for(user).post("/api/v1/webhooks/", payload, format="json")


@pytest.fixture
def no_private_hosts(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    settings.DEBUG = False


@pytest.mark.django_db
def test_admin_subscribes_and_gets_201(admin_user):
    response = create(admin_user, events=["case.created", "case.escalated"])

    assert response.status_code == 201
    body = response.json()
    assert (body["url"], body["events"], body["is_active"]) == (
        "http://127.0.0.1:9/hooks", ["case.created", "case.escalated"], True
    )


@pytest.mark.django_db
def test_secret_is_stored_encrypted(admin_user):
    create(admin_user)

    subscription = Subscription.objects.get()
    assert SECRET not in subscription.secret_encrypted
    assert subscription.secret == SECRET


@pytest.mark.django_db
def test_missing_secret_is_generated_and_shown_once(admin_user):
    response = create(admin_user, secret="")

    generated = response.json()["secret"]
    assert len(generated) >= 32
    assert "secret" not in client_for(admin_user).get("/api/v1/webhooks/").json()["results"][0]


@pytest.mark.django_db
def test_list_never_shows_the_secret(admin_user):
    create(admin_user)

    rows = client_for(admin_user).get("/api/v1/webhooks/").json()["results"]

    assert SECRET not in str(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["agent", "supervisor", "auditor", "callcenter"])
def test_non_admins_get_403(user, request):
    response = client_for(request.getfixturevalue(user)).get("/api/v1/webhooks/")

    assert response.status_code == 403


@pytest.mark.django_db
def test_agent_may_not_subscribe(agent):
    assert create(agent).status_code == 403
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_unknown_event_type_is_400(admin_user):
    response = create(admin_user, events=["case.deleted"])

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"].startswith("events")


@pytest.mark.django_db
def test_empty_event_list_is_400(admin_user):
    assert create(admin_user, events=[]).status_code == 400


@pytest.mark.django_db
def test_short_secret_is_400(admin_user):
    response = create(admin_user, secret="short")

    assert (response.status_code, response.json()["errors"][0]["attr"]) == (400, "secret")


@pytest.mark.django_db
def test_non_http_url_is_400(admin_user):
    response = create(admin_user, url="ftp://example.com/hooks")

    assert (response.status_code, response.json()["errors"][0]["attr"]) == (400, "url")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/hooks", "http://10.1.2.3/hooks", "http://169.254.169.254/latest", "http://[::1]/hooks"],
)
def test_private_target_is_refused_when_not_allowed(admin_user, no_private_hosts, url):
    response = create(admin_user, url=url)

    error = response.json()["errors"][0]
    assert (response.status_code, error["attr"], error["code"]) == (400, "url", "private_host")


@pytest.mark.django_db
def test_public_address_is_accepted_when_private_hosts_are_refused(admin_user, no_private_hosts):
    assert create(admin_user, url="http://93.184.216.34/hooks").status_code == 201


@pytest.mark.django_db
def test_private_target_is_allowed_in_debug(admin_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    settings.DEBUG = True

    assert create(admin_user).status_code == 201


@pytest.mark.django_db
def test_delete_deactivates_and_hides_the_subscription(admin_user):
    subscription_id = create(admin_user).json()["id"]

    response = client_for(admin_user).delete(f"/api/v1/webhooks/{subscription_id}/")

    assert response.status_code == 204
    assert client_for(admin_user).get("/api/v1/webhooks/").json()["results"] == []
    assert Subscription.objects.get().is_active is False


@pytest.mark.django_db
def test_delete_unknown_subscription_is_404(admin_user):
    assert client_for(admin_user).delete("/api/v1/webhooks/999999/").status_code == 404


@pytest.mark.django_db
def test_agent_may_not_delete(admin_user, agent):
    subscription_id = create(admin_user).json()["id"]

    assert client_for(agent).delete(f"/api/v1/webhooks/{subscription_id}/").status_code == 403
    assert Subscription.objects.get().is_active is True


@pytest.mark.django_db
def test_deliveries_list_shows_each_attempt(admin_user, receiver):
    receiver.script = [500]
    subscription_id = create(admin_user, url=receiver.url).json()["id"]
    services.event_publish(type="case.created", data={"case_id": 1})
    delivery_id = Subscription.objects.get().deliveries.get().pk
    services.delivery_attempt(delivery_id=delivery_id)

    rows = client_for(admin_user).get(f"/api/v1/webhooks/{subscription_id}/deliveries/").json()["results"]

    assert (rows[0]["state"], rows[0]["attempts"], rows[0]["event_type"]) == ("pending", 1, "case.created")
    assert [(a["number"], a["status_code"]) for a in rows[0]["attempt_log"]] == [(1, 500)]


@pytest.mark.django_db
def test_admin_reads_one_subscription(admin_user):
    subscription_id = create(admin_user).json()["id"]

    response = client_for(admin_user).get(f"/api/v1/webhooks/{subscription_id}/")

    assert (response.status_code, response.json()["id"]) == (200, subscription_id)
    assert "secret" not in response.json()


@pytest.mark.django_db
def test_deliveries_of_unknown_subscription_are_404(admin_user):
    assert client_for(admin_user).get("/api/v1/webhooks/999999/deliveries/").status_code == 404
