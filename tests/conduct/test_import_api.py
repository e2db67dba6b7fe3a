"""POST /api/v1/collection-contacts/: idempotent batch import, whole batch refused on one bad row."""

import json

import pytest
from django.db import connection

from conduct.models import CollectionContact
from tests.api.conftest import error_codes
from tests.conduct.helpers import ACCOUNT, row

pytestmark = pytest.mark.django_db
URL = "/api/v1/collection-contacts/"


def _batch(n, prefix="S"):
    return [row(f"{prefix}{i}", at=f"2026-11-{1 + i % 27:02d}T{8 + i % 12:02d}:{i % 60:02d}:00+08:00") for i in range(n)]


def _post(client, body):
    return client.post(URL, json.dumps(body, ensure_ascii=False), content_type="application/json")


@pytest.mark.parametrize("user", ["callcenter", "supervisor", "admin_user"])
def test_api_client_supervisor_and_admin_may_import(request, api, user):
    response = _post(api(request.getfixturevalue(user)), {"contacts": [row("A1")]})

    assert response.status_code == 200
    assert response.json() == {"created": 1, "unchanged": 0}


@pytest.mark.parametrize("user", ["agent", "auditor", "lead", "member"])
def test_other_roles_may_not_import(request, api, user):
    response = _post(api(request.getfixturevalue(user)), {"contacts": [row("A1")]})

    assert response.status_code == 403
    assert not CollectionContact.objects.exists()


def test_anonymous_import_is_401(api):
    assert _post(api(None), {"contacts": [row("A1")]}).status_code == 401


def test_a_batch_of_5000_sent_twice_is_stored_once(api, callcenter, django_assert_max_num_queries):
    body = {"contacts": _batch(5000)}
    client = api(callcenter)

    first = _post(client, body)
    with django_assert_max_num_queries(8):  # auth, token, the known-ids SELECT; nothing to insert
        second = _post(client, body)

    assert first.json() == {"created": 5000, "unchanged": 0}
    assert second.json() == {"created": 0, "unchanged": 5000}
    assert CollectionContact.objects.count() == 5000


def test_the_5000_row_body_is_over_one_megabyte_and_accepted(api, callcenter):
    body = json.dumps({"contacts": _batch(5000)}, ensure_ascii=False).encode()

    response = api(callcenter).post(URL, body, content_type="application/json")

    assert len(body) > 1024 * 1024 and response.status_code == 200


def test_a_body_over_four_megabytes_is_413(api, callcenter):
    body = json.dumps({"contacts": [row("A1", recording_ref="x" * 200)], "pad": "x" * (4 * 1024 * 1024)})

    assert api(callcenter).post(URL, body, content_type="application/json").status_code == 413


def test_other_endpoints_keep_the_one_megabyte_limit(api, agent):
    body = json.dumps({"summary": "x", "pad": "x" * (1024 * 1024 + 10)})

    assert api(agent).post("/api/v1/complaints/", body, content_type="application/json").status_code == 413


def test_a_batch_with_one_bad_row_stores_nothing_and_names_the_row(api, callcenter):
    rows = _batch(30)
    rows[17]["at"] = "not a time"

    response = _post(api(callcenter), {"contacts": rows})

    assert response.status_code == 400
    assert error_codes(response) == {"contacts[17].at": "invalid"}
    assert not CollectionContact.objects.exists()


def test_every_bad_row_is_named(api, callcenter):
    rows = _batch(5)
    rows[1]["channel"] = "fax"
    rows[3]["party"] = "neighbour"
    del rows[4]["collector"]

    codes = error_codes(_post(api(callcenter), {"contacts": rows}))

    assert codes == {"contacts[1].channel": "invalid_choice", "contacts[3].party": "invalid_choice",
                     "contacts[4].collector": "required"}


def test_a_time_without_offset_is_refused(api, callcenter):
    response = _post(api(callcenter), {"contacts": [row("A1", at="2026-11-03T22:00:00")]})

    assert error_codes(response) == {"contacts[0].at": "missing_offset"}


def test_a_nul_character_is_refused(api, callcenter):
    response = _post(api(callcenter), {"contacts": [row("A1", collector="王\x00五")]})

    assert response.status_code == 400 and list(error_codes(response)) == ["contacts[0].collector"]


def test_5001_rows_are_refused(api, callcenter):
    response = _post(api(callcenter), {"contacts": _batch(5001)})

    assert error_codes(response) == {"contacts": "max_length"}
    assert not CollectionContact.objects.exists()


@pytest.mark.parametrize("value", [{"source_id": "A1"}, "rows", 7, None])
def test_contacts_that_are_not_a_list_are_refused(api, callcenter, value):
    response = _post(api(callcenter), {"contacts": value})

    assert response.status_code == 400 and list(error_codes(response)) == ["contacts"]


def test_missing_contacts_are_refused(api, callcenter):
    assert error_codes(_post(api(callcenter), {})) == {"contacts": "required"}


def test_a_body_that_is_not_an_object_is_refused(api, callcenter):
    response = _post(api(callcenter), [row("A1")])

    assert response.status_code == 400


def test_a_row_that_is_not_an_object_is_named(api, callcenter):
    assert error_codes(_post(api(callcenter), {"contacts": [row("A1"), "x"]})) == {"contacts[1]": "invalid"}


def test_a_source_id_twice_in_one_batch_is_refused(api, callcenter):
    response = _post(api(callcenter), {"contacts": [row("A1"), row("A1")]})

    assert error_codes(response) == {"contacts[1].source_id": "duplicate"}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("collectors_present", 0, "min_value"), ("contacted_number", "call me", "invalid_number"),
     ("at", "2099-01-01T00:00:00+08:00", "out_of_range"), ("at", "0001-01-01T00:00:00+14:00", "overflow"),
     ("source_id", "", "blank"), ("at", "2026-11-02T00:00:00\x00+08:00", "invalid"),
     ("consented_contact", "maybe", "invalid"), ("recording_ref", "x" * 201, "max_length")],
)
def test_bad_values_name_the_field(api, callcenter, field, value, code):
    bad = {**row("A1"), field: value}

    assert error_codes(_post(api(callcenter), {"contacts": [bad]})) == {f"contacts[0].{field}": code}


def test_the_same_source_id_from_another_client_is_another_contact(api, callcenter, supervisor):
    _post(api(callcenter), {"contacts": [row("A1")]})

    assert _post(api(supervisor), {"contacts": [row("A1")]}).json() == {"created": 1, "unchanged": 0}


def test_personal_data_is_encrypted_at_rest(api, callcenter):
    _post(api(callcenter), {"contacts": [row("A1")]})

    with connection.cursor() as cursor:
        cursor.execute("SELECT account_reference, contacted_number FROM conduct_collectioncontact")
        account, number = cursor.fetchone()
    assert ACCOUNT not in account and "13800001234" not in number
    assert str(CollectionContact.objects.get().contacted_number) == "138****1234"


@pytest.mark.parametrize("body", [b"{not json", b'{"contacts": [NaN]}', b"\xff\xfe"])
def test_a_body_that_is_not_json_is_400(api, callcenter, body):
    response = api(callcenter).post(URL, body, content_type="application/json")

    assert response.status_code == 400 and response.json()["type"] == "validation_error"


def test_a_body_that_is_not_declared_json_is_415(api, callcenter):
    response = api(callcenter).post(URL, "contacts", content_type="text/plain")

    assert response.status_code == 415
