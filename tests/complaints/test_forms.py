"""Page forms validate through the API's input serializers: same rules, same messages, right field."""

import pytest

from complaints.api.inputs import CaseCreateSerializer
from complaints.forms import CaseIntakeForm, RecordFeedbackForm, ResolveForm
from complaints.services import Complainant
from tests.factories import case_payload, input_errors

pytestmark = pytest.mark.django_db

INTAKE = {
    "channel": "phone",
    "category": "collection_conduct",
    "severity": "normal",
    "summary": "催收电话一天十几次",
    "complainant_name": "张三",
    "complainant_phone": "13800001234",
}


def test_a_valid_intake_form_gives_the_services_arguments():
    form = CaseIntakeForm(data=INTAKE)

    assert form.is_valid(), form.errors
    assert form.validated["complainant"] == Complainant(name="张三", phone="13800001234")


def test_a_bad_phone_is_shown_next_to_the_phone_field_with_the_apis_message():
    form = CaseIntakeForm(data={**INTAKE, "complainant_phone": "12345"})
    api_message = input_errors(CaseCreateSerializer, case_payload(complainant={"name": "张三", "phone": "12345"}))[
        "complainant.phone"
    ][0][1]

    assert not form.is_valid()
    assert form.errors["complainant_phone"] == [api_message]


def test_a_missing_contact_is_shown_on_the_phone_field():
    form = CaseIntakeForm(data={**INTAKE, "complainant_phone": ""})

    assert not form.is_valid()
    assert list(form.errors) == ["complainant_phone"]


def test_an_unknown_category_is_refused_like_the_api():
    form = CaseIntakeForm(data={**INTAKE, "category": "loan_sharks"})

    assert not form.is_valid()
    assert form.errors.as_data()["category"][0].code == "invalid_choice"


def _resolve_data(**rows):
    data = {"summary": "已处理", "actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "0"}
    data.update(rows)
    return data


def test_a_fee_waiver_without_amount_is_shown_on_its_formset_row():
    form = ResolveForm(data=_resolve_data(**{"actions-0-type": "apology", "actions-1-type": "fee_waiver"}))

    assert not form.is_valid()
    assert form.actions.forms[1].errors.as_data()["amount"][0].code == "required"


def test_resolution_actions_become_the_services_payload():
    form = ResolveForm(data=_resolve_data(**{"actions-0-type": "fee_waiver", "actions-0-amount": "120.50"}))

    assert form.is_valid(), form.errors
    assert [(a["type"], str(a["amount"])) for a in form.validated["actions"]] == [("fee_waiver", "120.50")]


def test_feedback_form_turns_the_selects_into_a_number_and_a_boolean():
    form = RecordFeedbackForm(data={"satisfaction": "4", "accepted": "false"})

    assert form.is_valid(), form.errors
    assert (form.validated["satisfaction"], form.validated["accepted"]) == (4, False)


def test_feedback_out_of_range_is_refused_on_its_field():
    form = RecordFeedbackForm(data={"satisfaction": "9", "accepted": "true"})

    assert not form.is_valid()
    assert list(form.errors) == ["satisfaction"]
