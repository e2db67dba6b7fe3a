"""Bad input gives a validation error naming the field and leaves nothing half-written; the model
and the database refuse bad rows even when the services are bypassed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.exceptions import TransitionNotAllowed, ValidationFailed
from complaints.api.inputs import TRANSITION_INPUTS, CaseCreateSerializer
from complaints.models import Category, ComplaintCase, ResolutionAction
from tests.factories import HAPPY_PATH, advance, case_payload, fire, input_errors, make_case

pytestmark = pytest.mark.django_db


def _create_errors(actor, **overrides) -> dict:
    return input_errors(CaseCreateSerializer, case_payload(**overrides))


def _transition_errors(case, name, actor, payload) -> dict:
    return input_errors(TRANSITION_INPUTS[name], payload)


# -- create --------------------------------------------------------------------------------


def test_unknown_category_names_the_field(agent):
    assert list(_create_errors(agent, category="loan_sharks")) == ["category"]


def test_inactive_category_is_refused(agent):
    Category.objects.filter(code="other").update(is_active=False)

    assert list(_create_errors(agent, category="other")) == ["category"]


def test_bad_phone_names_the_field(agent):
    errors = _create_errors(agent, complainant={"name": "张三", "phone": "12345"})

    assert errors["complainant.phone"][0][0] == "invalid_phone"


def test_id_number_with_wrong_check_digit_names_the_field(agent):
    errors = _create_errors(agent, complainant={"name": "张三", "id_number": "110101199003071234"})

    assert errors["complainant.id_number"][0][0] == "invalid_id_number"


def test_id_number_with_impossible_birth_date_is_refused(agent):
    errors = _create_errors(agent, complainant={"name": "张三", "id_number": "110101199002301230"})

    assert list(errors) == ["complainant.id_number"]


def test_missing_complainant_names_the_field(agent):
    payload = case_payload()
    del payload["complainant"]

    assert input_errors(CaseCreateSerializer, payload)["complainant"][0][0] == "required"


def test_complainant_without_name_names_the_name(agent):
    assert list(_create_errors(agent, complainant={"phone": "13800001234"})) == ["complainant.name"]


def test_complainant_without_phone_or_id_number_names_the_phone(agent):
    assert list(_create_errors(agent, complainant={"name": "张三"})) == ["complainant.phone"]


def test_bad_email_names_the_field(agent):
    errors = _create_errors(agent, complainant={"name": "张三", "phone": "13800001234", "email": "not-mail"})

    assert list(errors) == ["complainant.email"]


def test_summary_over_200_characters_is_refused(agent):
    assert _create_errors(agent, summary="催" * 201)["summary"][0][0] == "max_length"


def test_blank_summary_is_refused(agent):
    assert list(_create_errors(agent, summary="   ")) == ["summary"]


def test_unknown_channel_is_refused(agent):
    assert _create_errors(agent, channel="fax")["channel"][0][0] == "invalid_choice"


def test_unknown_risk_flag_is_refused(agent):
    assert list(_create_errors(agent, risk_flags=["alien_abduction"])) == ["risk_flags"]


def test_received_at_in_the_future_is_refused(agent):
    future = (timezone.now() + timedelta(hours=1)).isoformat()

    assert _create_errors(agent, received_at=future)["received_at"][0][0] == "future"


def test_unparseable_received_at_is_refused(agent):
    assert list(_create_errors(agent, received_at="yesterday")) == ["received_at"]


def test_every_bad_field_is_named_at_once(agent):
    errors = _create_errors(agent, category="nope", channel="fax", complainant={"name": "张三", "phone": "1"})

    assert set(errors) == {"category", "channel", "complainant.phone"}


def test_refused_create_writes_nothing(agent, row_counts):
    before = row_counts()

    _create_errors(agent, category="nope")

    assert row_counts() == before


def test_duplicate_external_id_from_one_client_names_the_field(callcenter, row_counts):
    make_case(actor=callcenter, external_id="CC-9912")
    before = row_counts()

    with pytest.raises(ValidationFailed) as exc:
        make_case(actor=callcenter, external_id="CC-9912")
    errors = exc.value.errors

    assert (list(errors), row_counts()) == (["external_id"], before)


# -- transitions ---------------------------------------------------------------------------


def test_illegal_transition_leaves_the_case_and_timeline_unchanged(agent, row_counts):
    case = make_case(actor=agent)
    before = row_counts()

    with pytest.raises(TransitionNotAllowed):
        fire(case, "resolve", actor=agent, payload=HAPPY_PATH[3][1])

    case.refresh_from_db()
    assert (case.state, row_counts()) == ("intake", before)


def test_complete_verification_without_payload_names_both_fields(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)

    assert set(_transition_errors(case, "complete_verification", agent, {})) == {"finding", "notes"}


def test_unknown_finding_is_refused(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)

    errors = _transition_errors(case, "complete_verification", agent, {"finding": "maybe", "notes": "x"})

    assert errors["finding"][0][0] == "invalid_choice"


def test_propose_resolution_without_demand_is_refused(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=2)

    assert list(_transition_errors(case, "propose_resolution", agent, {"notes": "x"})) == ["customer_demand"]


def test_fee_waiver_without_amount_names_the_action_field(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=3)

    errors = _transition_errors(case, "resolve", agent, {"actions": [{"type": "fee_waiver"}], "summary": "减免"})

    assert list(errors) == ["actions.0.amount"]


def test_negative_compensation_is_refused(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=3)

    errors = _transition_errors(
        case, "resolve", agent, {"actions": [{"type": "compensation", "amount": "-5"}], "summary": "补偿"}
    )

    assert errors["actions.0.amount"][0][0] == "invalid"


def test_resolve_without_actions_is_refused(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=3)

    assert list(_transition_errors(case, "resolve", agent, {"actions": [], "summary": "无"})) == ["actions"]


def test_resolve_with_one_bad_action_writes_no_action(agent, row_counts):
    case = advance(make_case(actor=agent), actor=agent, steps=3)
    before = row_counts()

    _transition_errors(case, "resolve", agent, {
        "actions": [{"type": "apology"}, {"type": "fee_waiver", "amount": "abc"}], "summary": "致歉并减免",
    })

    case.refresh_from_db()
    assert (case.state, row_counts()) == ("resolve", before)


@pytest.mark.parametrize("satisfaction", [0, 6, "5", True, None])
def test_satisfaction_outside_one_to_five_is_refused(agent, satisfaction):
    case = advance(make_case(actor=agent), actor=agent, steps=4)

    errors = _transition_errors(case, "record_feedback", agent, {"satisfaction": satisfaction, "accepted": True})

    assert list(errors) == ["satisfaction"]


def test_feedback_without_acceptance_is_refused(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=4)

    assert list(_transition_errors(case, "record_feedback", agent, {"satisfaction": 3})) == ["accepted"]


def test_withdraw_without_reason_is_refused(agent, row_counts):
    case = make_case(actor=agent)
    before = row_counts()

    errors = _transition_errors(case, "withdraw", agent, {})

    assert (list(errors), row_counts()) == (["reason"], before)


def test_failure_after_save_rolls_back_the_whole_transition(agent, row_counts, monkeypatch):
    case = advance(make_case(actor=agent), actor=agent, steps=3)
    before = row_counts()

    def fail(**kwargs):
        raise RuntimeError("side effect failed")

    monkeypatch.setattr("complaints.services.transitions.deadlines.on_transition", fail)
    with pytest.raises(RuntimeError):
        fire(case, "resolve", actor=agent, payload=HAPPY_PATH[3][1])

    case.refresh_from_db()
    assert (case.state, case.version, row_counts()) == ("resolve", 4, before)


# -- the model and the database, without the services -------------------------------------


def _bare_case(**fields) -> ComplaintCase:
    from accounts.models import Team

    values = {
        "category": Category.objects.get(code="other"), "team": Team.objects.get(code="team-a"),
        "channel": "phone", "summary": "直接写库", "complainant_name": "张三",
        "complainant_phone": "13800001234", "phone_index": "x",
    }
    values.update(fields)
    return ComplaintCase(**values)


def test_model_validation_names_a_bad_phone(team_a):
    with pytest.raises(ValidationError) as exc:
        _bare_case(complainant_phone="12345").full_clean()

    assert list(exc.value.error_dict) == ["complainant_phone"]


def test_model_validation_names_a_bad_id_number(team_a):
    with pytest.raises(ValidationError) as exc:
        _bare_case(complainant_id_number="110101199003071234").full_clean()

    assert list(exc.value.error_dict) == ["complainant_id_number"]


def test_model_validation_requires_a_complainant(team_a):
    with pytest.raises(ValidationError) as exc:
        _bare_case(complainant_name="", complainant_phone="").full_clean()

    assert set(exc.value.error_dict) == {"complainant_name", "complainant_phone"}


def test_database_refuses_a_case_without_contact(team_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        _bare_case(complainant_phone="", phone_index="").save()


def test_database_refuses_a_case_without_complainant_name(team_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        _bare_case(complainant_name="").save()


def test_database_refuses_an_unknown_state(agent):
    case = make_case(actor=agent)

    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintCase.objects.filter(pk=case.pk).update(state="approved")


def test_database_refuses_satisfaction_out_of_range(agent):
    case = make_case(actor=agent)

    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintCase.objects.filter(pk=case.pk).update(satisfaction=9)


def test_database_refuses_a_fee_waiver_without_amount(agent):
    case = make_case(actor=agent)

    with pytest.raises(IntegrityError), transaction.atomic():
        ResolutionAction.objects.create(case=case, type="fee_waiver")


def test_a_nul_character_in_the_category_code_is_refused_not_a_database_error(agent):
    assert _create_errors(agent, category="collection\x00conduct")["category"][0][0] == "invalid_choice"


def test_a_lone_surrogate_in_the_summary_names_the_field(agent):
    assert _create_errors(agent, summary="催收\ud800")["summary"][0][0] == "invalid"
