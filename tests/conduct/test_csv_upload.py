"""The CSV upload of the case workspace: same columns and checks as the API, rows named `rows[i]`."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.exceptions import ActionNotPermitted, ValidationFailed
from conduct import services
from conduct.models import CollectionContact

pytestmark = pytest.mark.django_db

HEADER = "source_id,at,channel,direction,outcome,party,contacted_number,collector,agency,collectors_present\n"
GOOD = "R1,2026-11-20T22:30:00+08:00,call,outbound,unanswered,debtor,13800001234,王五,甲公司,\n"
VISIT = "R2,2026-11-21T10:00:00+08:00,visit,outbound,answered,debtor,,赵六,甲公司,1\n"


def _file(text, encoding="utf-8"):
    return SimpleUploadedFile("contacts.csv", text.encode(encoding), content_type="text/csv")


def test_a_utf8_file_is_imported_with_the_case_account(agent, conduct_case):
    result = services.contacts_import_csv(actor=agent, case=conduct_case, file=_file(HEADER + GOOD + VISIT))

    assert (result.created, result.unchanged) == (2, 0)
    stored = CollectionContact.objects.get(source_id="R2")
    assert stored.account_reference.reveal() == "LN-2024-88812" and stored.collectors_present == 1


def test_a_utf8_file_with_bom_is_read(agent, conduct_case):
    services.contacts_import_csv(actor=agent, case=conduct_case, file=_file("\ufeff" + HEADER + GOOD))

    assert CollectionContact.objects.get().collector == "王五"


def test_a_gb18030_file_is_read(agent, conduct_case):
    services.contacts_import_csv(actor=agent, case=conduct_case, file=_file(HEADER + GOOD, "gb18030"))

    assert CollectionContact.objects.get().agency == "甲公司"


def test_uploading_the_same_file_twice_stores_it_once(agent, conduct_case):
    services.contacts_import_csv(actor=agent, case=conduct_case, file=_file(HEADER + GOOD))

    result = services.contacts_import_csv(actor=agent, case=conduct_case, file=_file(HEADER + GOOD))

    assert (result.created, result.unchanged) == (0, 1)


def test_a_bad_row_stores_nothing_and_names_the_row(agent, conduct_case):
    bad = "R3,2026-11-21 10:00,call,outbound,answered,debtor,,王五,,\n"

    with pytest.raises(ValidationFailed) as exc:
        services.contacts_import_csv(actor=agent, case=conduct_case, file=_file(HEADER + GOOD + bad))

    assert exc.value.errors.keys() == {"rows[1].at"}
    assert not CollectionContact.objects.exists()


def test_a_missing_column_is_named(agent, conduct_case):
    with pytest.raises(ValidationFailed) as exc:
        services.contacts_import_csv(actor=agent, case=conduct_case, file=_file("source_id,at\nR1,x\n"))

    assert exc.value.errors["header"][0][0] == "required"


def test_a_file_in_another_encoding_is_refused(agent, conduct_case):
    upload = SimpleUploadedFile("contacts.csv", b"\xff\xfe\x00\x00\x81", content_type="text/csv")

    with pytest.raises(ValidationFailed) as exc:
        services.contacts_import_csv(actor=agent, case=conduct_case, file=upload)

    assert list(exc.value.errors) == ["file"]


def test_an_auditor_may_not_upload(auditor, conduct_case):
    with pytest.raises(ActionNotPermitted):
        services.contacts_import_csv(actor=auditor, case=conduct_case, file=_file(HEADER + GOOD))


# -- the page -------------------------------------------------------------------------------


def _upload(client, case, text):
    return client.post(f"/cases/{case.pk}/contacts/upload/", {"file": _file(text)})


def test_the_upload_page_redirects_to_the_case_with_a_message(client, agent, conduct_case, settings):
    client.force_login(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = _upload(client, conduct_case, HEADER + GOOD)

    assert response.status_code == 302 and response["Location"] == f"/cases/{conduct_case.pk}/"
    assert CollectionContact.objects.count() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Contact records imported: 1 new, 0 already there."]


def test_the_upload_page_reports_bad_rows(client, agent, conduct_case):
    client.force_login(agent)

    response = _upload(client, conduct_case, HEADER + GOOD.replace("call", "fax"))

    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(m.startswith("rows[0].channel") for m in messages)
    assert not CollectionContact.objects.exists()


def test_the_upload_page_is_404_for_a_case_of_another_team(client, agent_b, conduct_case):
    client.force_login(agent_b)

    assert _upload(client, conduct_case, HEADER + GOOD).status_code == 404


def test_the_upload_page_needs_a_login(client, conduct_case):
    assert _upload(client, conduct_case, HEADER + GOOD).status_code == 302
    assert not CollectionContact.objects.exists()


def test_the_upload_page_takes_no_get(client, agent, conduct_case):
    client.force_login(agent)

    assert client.get(f"/cases/{conduct_case.pk}/contacts/upload/").status_code == 405


# -- the workspace panel --------------------------------------------------------------------


def test_the_workspace_shows_the_check_and_the_masked_contacts(client, agent, conduct_case, store):
    from conduct import services as conduct_services
    from tests.conduct.helpers import row

    store([row("N1", at="2026-11-20T22:30:00+08:00")])
    conduct_services.conduct_check_record(case=conduct_case, actor=agent)
    client.force_login(agent)

    html = client.get(f"/cases/{conduct_case.pk}/").content.decode()

    assert 'id="case-conduct"' in html and "quiet_hours" in html
    assert "138****1234" in html and "13800001234" not in html
    assert f"/cases/{conduct_case.pk}/contacts/upload/" in html


def test_the_run_button_runs_a_check(client, agent, conduct_case):
    from conduct.models import ConductCheck

    client.force_login(agent)

    response = client.post(f"/cases/{conduct_case.pk}/conduct-check/")

    assert response.status_code == 302 and ConductCheck.objects.filter(case=conduct_case).count() == 1


def test_the_run_button_is_404_for_a_case_of_another_team(client, agent_b, conduct_case):
    client.force_login(agent_b)

    assert client.post(f"/cases/{conduct_case.pk}/conduct-check/").status_code == 404


def test_the_workspace_panel_names_each_contact_s_channel_outcome_and_party(client, agent, conduct_case):
    from django.utils import translation

    from conduct.choices import ContactChannel, ContactDirection, ContactOutcome, ContactParty

    services.contacts_import_csv(actor=agent, case=conduct_case, file=_file(HEADER + GOOD))
    client.force_login(agent)

    html = client.get(f"/cases/{conduct_case.pk}/").content.decode()

    with translation.override("zh-hans"):
        channel = f"<td>{ContactChannel.CALL.label} {ContactDirection.OUTBOUND.label}</td>"
        outcome_party = f"<td>{ContactOutcome.UNANSWERED.label}</td><td>{ContactParty.DEBTOR.label}</td>"
    assert (channel in html, outcome_party in html) == (True, True)
