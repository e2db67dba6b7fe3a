"""Personal data: encrypted at rest, masked wherever a case becomes text, unmasked only through
case_pii_reveal, which checks the role and logs the access."""

import pytest
from django.core import serializers
from django.db import connection
from django.forms.models import model_to_dict

from common.exceptions import ActionNotPermitted, NotFound
from common.pii import PiiKind, Sensitive, blind_index, mask
from complaints.api.inputs import PiiRevealInput
from complaints.models import ComplaintCase, PiiAccessLog
from complaints.services import case_pii_reveal, case_transition
from tests.factories import DEMO_ID_NUMBER, input_errors, make_case

pytestmark = pytest.mark.django_db


def _raw_row(case) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT complainant_name, complainant_phone, complainant_id_number, account_reference, "
            "phone_index FROM complaints_complaintcase WHERE id = %s",
            [case.pk],
        )
        return cursor.fetchone()


def test_phone_column_does_not_contain_the_phone_number(agent):
    case = make_case(actor=agent)

    assert "13800001234" not in _raw_row(case)[1]


def test_phone_column_holds_a_ciphertext(agent):
    case = make_case(actor=agent)

    assert _raw_row(case)[1].startswith("gAAAAA")


def test_id_number_column_does_not_contain_the_id_number(agent):
    case = make_case(actor=agent)

    assert DEMO_ID_NUMBER not in _raw_row(case)[2]


def test_name_column_does_not_contain_the_name(agent):
    case = make_case(actor=agent)

    assert "张三" not in _raw_row(case)[0]


def test_account_reference_column_does_not_contain_the_account(agent):
    case = make_case(actor=agent)

    assert "88812" not in _raw_row(case)[3]


def test_blind_index_is_a_keyed_hash_not_the_number(agent):
    case = make_case(actor=agent)

    assert _raw_row(case)[4] == blind_index("13800001234") != "13800001234"


def test_loaded_phone_is_masked_as_text(agent):
    case = ComplaintCase.objects.get(pk=make_case(actor=agent).pk)

    assert str(case.complainant_phone) == "138****1234"


@pytest.mark.parametrize(
    ("value", "kind", "masked"),
    [
        ("13800001234", PiiKind.PHONE, "138****1234"),
        ("张三", PiiKind.NAME, "张*"),
        (DEMO_ID_NUMBER, PiiKind.ID_NUMBER, "110***********1233"),
        ("a@b.cn", PiiKind.EMAIL, "a***@b.cn"),
        ("LN-2024-88812", PiiKind.ACCOUNT, "LN-****8812"),
    ],
)
def test_mask_matches_the_api_examples(value, kind, masked):
    assert mask(value, kind) == masked


def test_repr_of_a_sensitive_value_is_masked():
    assert "13800001234" not in repr(Sensitive("13800001234", PiiKind.PHONE))


def test_formatting_a_sensitive_value_is_masked():
    assert f"{Sensitive('13800001234', PiiKind.PHONE)}" == "138****1234"


def test_serializing_a_case_masks_personal_data(agent):
    case = make_case(actor=agent)

    dumped = serializers.serialize("json", ComplaintCase.objects.filter(pk=case.pk))

    assert "13800001234" not in dumped and "138****1234" in dumped


def test_model_to_dict_keeps_values_masked_as_text(agent):
    case = ComplaintCase.objects.get(pk=make_case(actor=agent).pk)

    assert str(model_to_dict(case)["complainant_phone"]) == "138****1234"


def test_reveal_returns_the_clear_values_to_an_auditor(agent, auditor):
    case = make_case(actor=agent)

    revealed = case_pii_reveal(case_id=case.pk, actor=auditor, reason="合规抽查")

    assert revealed == {
        "name": "张三", "phone": "13800001234", "id_number": DEMO_ID_NUMBER,
        "email": "a@b.cn", "account_reference": "LN-2024-88812",
    }


def test_reveal_logs_who_and_why(agent, auditor):
    case = make_case(actor=agent)

    case_pii_reveal(case_id=case.pk, actor=auditor, reason="监管调阅")

    log = PiiAccessLog.objects.get(case=case)
    assert (log.user, log.reason, log.at is not None) == (auditor, "监管调阅", True)


def test_supervisor_of_the_team_may_reveal(agent, supervisor):
    case = make_case(actor=agent)

    assert case_pii_reveal(case_id=case.pk, actor=supervisor, reason="回访核对")["phone"] == "13800001234"


def test_agent_may_not_reveal(agent):
    case = make_case(actor=agent)

    with pytest.raises(ActionNotPermitted):
        case_pii_reveal(case_id=case.pk, actor=agent, reason="想看")


def test_refused_reveal_writes_no_log(agent):
    case = make_case(actor=agent)

    with pytest.raises(ActionNotPermitted):
        case_pii_reveal(case_id=case.pk, actor=agent, reason="想看")

    assert PiiAccessLog.objects.count() == 0


def test_reveal_without_a_reason_names_the_field():
    assert list(input_errors(PiiRevealInput, {"reason": "  "})) == ["reason"]


def test_reveal_of_an_invisible_case_is_not_found(agent, agent_b):
    case = make_case(actor=agent)

    with pytest.raises(NotFound):
        case_pii_reveal(case_id=case.pk, actor=agent_b, reason="x")


def test_case_repr_shows_no_personal_data(agent):
    case = ComplaintCase.objects.get(pk=make_case(actor=agent).pk)

    assert "13800001234" not in repr(case) + str(case)


def test_create_and_transition_log_no_personal_data(agent, caplog):
    caplog.set_level("DEBUG")

    case = make_case(actor=agent)
    case_transition(case_id=case.pk, name="start_verification", actor=agent)

    assert not any(secret in caplog.text for secret in ("13800001234", DEMO_ID_NUMBER, "张三", "88812"))


def test_a_case_read_from_the_database_decrypts_only_the_fields_used(agent, monkeypatch):
    from common import pii

    case = make_case(actor=agent)
    decrypted = []
    real = pii.decrypt
    monkeypatch.setattr(pii, "decrypt", lambda token: decrypted.append(token) or real(token))

    fresh = ComplaintCase.objects.get(pk=case.pk)
    before = len(decrypted)
    shown = str(fresh.complainant_phone)

    assert (before, len(decrypted), shown) == (0, 1, "138****1234")
    assert fresh.complainant_name and len(decrypted) == 1  # truth needs no decryption
