import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, agent):
    """The schema and docs are for people and systems with an account: log in first."""
    client.force_login(agent)
    return client


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_documents_every_complaints_endpoint(schema):
    expected = {
        "/api/v1/auth/token/",
        "/api/v1/categories/",
        "/api/v1/complaints/",
        "/api/v1/complaints/{id}/",
        "/api/v1/complaints/{id}/transitions/{name}/",
        "/api/v1/complaints/{id}/notes/",
        "/api/v1/complaints/{id}/communications/",
        "/api/v1/complaints/{id}/timeline/",
        "/api/v1/complaints/{id}/pii/",
        "/api/v1/complaints/{id}/assign/",
    }

    assert expected <= set(schema["paths"])


def test_schema_documents_the_error_shape_and_codes_for_create(schema):
    responses = schema["paths"]["/api/v1/complaints/"]["post"]["responses"]

    assert {"201", "200", "400", "401", "403", "409", "413", "429"} <= set(responses)
    assert responses["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_schema_documents_enums(schema):
    enums = schema["components"]["schemas"]

    assert enums["RiskFlagEnum"]["enum"] == [
        "regulator_referral",
        "media_exposure",
        "self_harm_risk",
        "violence_threat",
        "mass_complaint",
        "litigation_threat",
    ]
    assert "critical" in enums["SeverityEnum"]["enum"]


def test_schema_carries_chinese_examples(schema):
    examples = schema["paths"]["/api/v1/complaints/"]["post"]["requestBody"]["content"]["application/json"][
        "examples"
    ]

    assert any(e["value"].get("summary") == "催收电话一天十几次" for e in examples.values())


def test_schema_documents_the_idempotency_key_header(schema):
    params = schema["paths"]["/api/v1/complaints/"]["post"]["parameters"]

    assert {"name": "Idempotency-Key", "in": "header"}.items() <= params[0].items()


def test_docs_page_loads_nothing_from_the_internet(client):
    response = client.get("/api/docs/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "http://" not in html and "https://" not in html
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?//""", html)
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html


def test_docs_assets_are_our_own_static_files(client):
    html = client.get("/api/docs/").content.decode()
    assets = re.findall(r"""/static/(drf_spectacular_sidecar/[^"'?\s]+)""", html)

    assert assets
    assert all(finders.find(path) for path in assets)


def test_the_schema_needs_a_login(api):
    response = api(None).get("/api/schema/")

    assert response.status_code == 401


def test_the_schema_is_served_to_a_token(api, callcenter):
    assert api(callcenter).get("/api/schema/").status_code == 200


def test_the_docs_page_sends_an_anonymous_visitor_to_the_login_page(django_user_model):
    from django.test import Client

    response = Client().get("/api/docs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
