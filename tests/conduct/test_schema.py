"""The OpenAPI schema documents every conduct endpoint with its error statuses."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client, agent):
    client.force_login(agent)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_documents_every_conduct_endpoint(schema):
    paths = schema["paths"]

    assert {"post"} <= set(paths["/api/v1/collection-contacts/"])
    assert {"get"} <= set(paths["/api/v1/complaints/{id}/contacts/"])
    assert {"get", "post"} <= set(paths["/api/v1/complaints/{id}/conduct-check/"])
    assert {"get"} <= set(paths["/api/v1/conduct-rules/"])
    assert {"patch"} <= set(paths["/api/v1/conduct-rules/{code}/"])
    assert {"get"} <= set(paths["/api/v1/reports/conduct/"])


def test_schema_documents_the_import_body_and_errors(schema):
    post = schema["paths"]["/api/v1/collection-contacts/"]["post"]

    assert {"200", "400", "403", "413"} <= set(post["responses"])
    assert post["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert "application/json" in post["requestBody"]["content"]


def test_schema_documents_the_contact_enums(schema):
    row = schema["components"]["schemas"]["ContactRowRequest"]["properties"]

    assert "channel" in row and "party" in row and "at" in row
