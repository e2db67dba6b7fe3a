"""`manage.py rotate_keys`: every encrypted column and file moves to the newest key, resumably."""

from __future__ import annotations

import io
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from common import key_rotation
from common.pii import blind_index
from complaints import attachments
from complaints.models import Attachment, ComplaintCase
from conduct.models import CollectionContact
from tests.factories import make_case

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
pytestmark = pytest.mark.usefixtures("media_root")

TRANSCRIPT = "通话记录：客户张三，手机 13800001234。\n".encode()


@pytest.fixture
def under_key_a(settings):
    settings.PII_ENCRYPTION_KEY = [KEY_A]
    return settings


def add_key_b(settings) -> None:
    settings.PII_ENCRYPTION_KEY = [KEY_B, KEY_A]


def drop_key_a(settings) -> None:
    settings.PII_ENCRYPTION_KEY = [KEY_B]


def rotate(**options) -> str:
    out = io.StringIO()
    call_command("rotate_keys", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def make_contact(client) -> CollectionContact:
    return CollectionContact.objects.create(
        client=client, source_id=uuid.uuid4().hex, account_reference="LN-2024-88812", account_index="i",
        at=datetime(2026, 11, 3, 2, tzinfo=UTC), channel="call", direction="outbound", outcome="answered",
        party="debtor", contacted_number="13900005678", collector="王五",
    )


def attach(agent, case) -> Attachment:
    return attachments.attachment_add(
        case_id=case.pk, actor=agent, file=SimpleUploadedFile("transcript.txt", TRANSCRIPT)
    )


def legacy_attachment(agent, case, media_root) -> Attachment:
    """A file stored before attachments were encrypted: clear bytes on disk."""
    path = media_root / "attachments/2025/01" / f"{uuid.uuid4().hex}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(TRANSCRIPT)
    return Attachment.objects.create(
        case=case, uploaded_by=agent, file=str(path.relative_to(media_root)), original_name="old.txt",
        content_type="text/plain; charset=utf-8", size=len(TRANSCRIPT), sha256="0" * 64,
    )


def raw_column(model, pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{model._meta.db_table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def read_file(attachment: Attachment) -> bytes:
    with Attachment.objects.get(pk=attachment.pk).file.open("rb") as content:
        return content.read()


# -- columns --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_personal_data_reads_back_after_the_old_key_is_dropped(under_key_a, agent):
    case = make_case(actor=agent)
    add_key_b(under_key_a)
    rotate()
    drop_key_a(under_key_a)

    stored = ComplaintCase.objects.get(pk=case.pk)

    assert (stored.complainant_name.reveal(), stored.complainant_phone.reveal(), stored.account_reference.reveal()) == (
        "张三", "13800001234", "LN-2024-88812"
    )


@pytest.mark.django_db
def test_other_apps_encrypted_columns_are_rotated_too(under_key_a, callcenter):
    contact = make_contact(callcenter)
    add_key_b(under_key_a)
    rotate()
    drop_key_a(under_key_a)

    assert CollectionContact.objects.get(pk=contact.pk).contacted_number.reveal() == "13900005678"


@pytest.mark.django_db
def test_value_under_no_configured_key_stops_the_run_naming_the_row(under_key_a, agent):
    case = make_case(actor=agent)
    drop_key_a(under_key_a)  # dropped before rotating: an operator's mistake

    with pytest.raises(CommandError, match=f"complaints.ComplaintCase row {case.pk}"):
        rotate()


@pytest.mark.django_db
def test_blind_indexes_are_left_as_they_are(under_key_a, agent):
    case = make_case(actor=agent)
    add_key_b(under_key_a)
    rotate()

    assert ComplaintCase.objects.filter(phone_index=blind_index("13800001234")).get() == case


@pytest.mark.django_db
def test_rotation_does_not_touch_the_cases_version_or_update_time(under_key_a, agent):
    case = make_case(actor=agent)
    add_key_b(under_key_a)
    rotate()

    stored = ComplaintCase.objects.get(pk=case.pk)
    assert (stored.version, stored.updated_at) == (case.version, case.updated_at)


# -- files ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_attachment_reads_back_after_the_old_key_is_dropped(under_key_a, agent):
    attachment = attach(agent, make_case(actor=agent))
    add_key_b(under_key_a)
    rotate()
    drop_key_a(under_key_a)

    assert read_file(attachment) == TRANSCRIPT


@pytest.mark.django_db
def test_legacy_clear_file_is_encrypted_by_the_run(under_key_a, agent, media_root):
    legacy = legacy_attachment(agent, make_case(actor=agent), media_root)
    rotate()

    assert TRANSCRIPT not in Path(legacy.file.path).read_bytes()


@pytest.mark.django_db
def test_legacy_file_reads_back_after_the_run(under_key_a, agent, media_root):
    legacy = legacy_attachment(agent, make_case(actor=agent), media_root)
    rotate()

    assert read_file(legacy) == TRANSCRIPT


# -- reruns and interruptions -----------------------------------------------------------------


@pytest.mark.django_db
def test_second_run_rewrites_nothing(under_key_a, agent, callcenter):
    case = make_case(actor=agent)
    contact = make_contact(callcenter)
    attachment = attach(agent, case)
    add_key_b(under_key_a)
    rotate()
    before = (raw_column(ComplaintCase, case.pk, "complainant_name"),
              raw_column(CollectionContact, contact.pk, "contacted_number"),
              Path(attachment.file.path).read_bytes())

    output = rotate()

    after = (raw_column(ComplaintCase, case.pk, "complainant_name"),
             raw_column(CollectionContact, contact.pk, "contacted_number"),
             Path(attachment.file.path).read_bytes())
    assert (after, "Done: 0 of 2 rows and 0 of 1 files re-encrypted." in output) == (before, True)


@pytest.fixture
def three_cases_and_a_crash_on_the_second(under_key_a, agent, monkeypatch):
    """Three cases under key A, key B added, and a rotation that fails at the second case."""
    cases = [make_case(actor=agent) for _ in range(3)]
    add_key_b(under_key_a)
    real_reencrypt = key_rotation._reencrypt

    def crash_at_second(token, *, model, pk):
        if model is ComplaintCase and pk == cases[1].pk:
            raise RuntimeError("simulated crash")
        return real_reencrypt(token, model=model, pk=pk)

    monkeypatch.setattr(key_rotation, "_reencrypt", crash_at_second)
    with pytest.raises(RuntimeError):
        rotate(batch_size=1)
    monkeypatch.setattr(key_rotation, "_reencrypt", real_reencrypt)
    return cases


def _under_b_alone(case) -> bool:
    try:
        Fernet(KEY_B.encode()).decrypt(raw_column(ComplaintCase, case.pk, "complainant_name").encode())
    except Exception:
        return False
    return True


@pytest.mark.django_db
def test_interrupted_run_keeps_the_batches_it_finished(three_cases_and_a_crash_on_the_second):
    first, second, third = three_cases_and_a_crash_on_the_second

    assert [_under_b_alone(c) for c in (first, second, third)] == [True, False, False]


@pytest.mark.django_db
def test_rerun_after_an_interruption_finishes_the_rest(three_cases_and_a_crash_on_the_second, settings):
    output = rotate(batch_size=1)
    drop_key_a(settings)

    assert "Done: 2 of 3 rows" in output
    assert [ComplaintCase.objects.get(pk=c.pk).complainant_name.reveal() for c in three_cases_and_a_crash_on_the_second] == [
        "张三", "张三", "张三"
    ]


@pytest.mark.django_db
def test_progress_names_each_encrypted_column_set_and_file_field(under_key_a, agent):
    attach(agent, make_case(actor=agent))
    add_key_b(under_key_a)

    output = rotate()

    assert "complaints.ComplaintCase.complainant_name,complainant_phone," in output
    assert "conduct.CollectionContact.account_reference,contacted_number: 0 rows to check" in output
    assert "complaints.Attachment.file: 1/1 files checked, 1 re-encrypted" in output


@pytest.mark.django_db
def test_batch_size_out_of_range_is_refused():
    with pytest.raises(CommandError, match="--batch-size"):
        rotate(batch_size=0)


# -- a row locked by a user -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_row_locked_by_a_user_is_rotated_once_the_lock_is_released(settings, agent):
    settings.PII_ENCRYPTION_KEY = [KEY_A]
    case = make_case(actor=agent)
    add_key_b(settings)
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        with transaction.atomic():
            ComplaintCase.objects.select_for_update().get(pk=case.pk)
            locked.set()
            release.wait(30)
        connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(30)
    output: list[str] = []
    rotation = threading.Thread(target=lambda: (output.append(rotate()), connections.close_all()))
    rotation.start()
    _wait_until_rotation_waits_for_the_lock()
    release.set()
    holder.join(30)
    rotation.join(30)

    assert "(after waiting for locks)" in output[0] and _under_b_alone(case)


def _wait_until_rotation_waits_for_the_lock() -> None:
    """Until another session of this test database is blocked on a row lock (the rotation's
    retry pass); not a timing assertion, only a rendezvous."""
    import time

    for _ in range(300):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the rotation never waited for the locked row")
