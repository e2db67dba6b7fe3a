"""More than 30 reveals of personal data by one person within an hour tell the auditors, once."""

from __future__ import annotations

import threading

import pytest

from accounts.roles import Role
from complaints.models import PiiAccessLog
from complaints.services import case_pii_reveal
from complaints.services.pii import REVEAL_ALERT_KIND
from notifications.models import Delivery, Notification
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditors(db):
    return [
        UserFactory(username="auditor-1", role=Role.AUDITOR, email="a1@example.cn"),
        UserFactory(username="auditor-2", role=Role.AUDITOR, email="a2@example.cn"),
    ]


@pytest.fixture
def case(agent):
    return make_case(actor=agent)


def _earlier_reveals(user, case, n: int) -> None:
    PiiAccessLog.objects.bulk_create(
        [PiiAccessLog(case=case, user=user, reason="核对", fields=["name"]) for _ in range(n)]
    )


def _alerts():
    return Notification.objects.filter(kind=REVEAL_ALERT_KIND)


def test_the_31st_reveal_in_an_hour_notifies_each_auditor_once(supervisor, auditors, case):
    _earlier_reveals(supervisor, case, 30)

    case_pii_reveal(case_id=case.pk, actor=supervisor, reason="回访")

    assert sorted(_alerts().values_list("recipient__username", flat=True)) == ["auditor-1", "auditor-2"]
    assert set(_alerts().values_list("data__user_id", flat=True)) == {supervisor.pk}


def test_the_30th_reveal_does_not_notify(supervisor, auditors, case):
    _earlier_reveals(supervisor, case, 29)

    case_pii_reveal(case_id=case.pk, actor=supervisor, reason="回访")

    assert not _alerts().exists()


def test_the_32nd_reveal_does_not_notify_again(supervisor, auditors, case):
    _earlier_reveals(supervisor, case, 30)
    case_pii_reveal(case_id=case.pk, actor=supervisor, reason="回访")

    case_pii_reveal(case_id=case.pk, actor=supervisor, reason="回访")

    assert _alerts().count() == 2


def test_reveals_by_two_people_are_counted_separately(supervisor, auditors, case):
    _earlier_reveals(supervisor, case, 20)
    _earlier_reveals(auditors[0], case, 20)

    case_pii_reveal(case_id=case.pk, actor=supervisor, reason="回访")

    assert not _alerts().exists()


def test_each_person_past_the_limit_gets_their_own_alert(supervisor, auditors, case):
    _earlier_reveals(supervisor, case, 30)
    _earlier_reveals(auditors[0], case, 30)
    case_pii_reveal(case_id=case.pk, actor=supervisor, reason="回访")

    case_pii_reveal(case_id=case.pk, actor=auditors[0], reason="抽查")

    assert sorted(_alerts().values_list("data__user_id", flat=True)) == sorted(
        [supervisor.pk, supervisor.pk, auditors[0].pk, auditors[0].pk]
    )


def test_the_alert_e_mails_are_sent_after_commit(supervisor, auditors, case, django_capture_on_commit_callbacks):
    _earlier_reveals(supervisor, case, 30)

    with django_capture_on_commit_callbacks() as callbacks:
        case_pii_reveal(case_id=case.pk, actor=supervisor, reason="回访")

    assert Delivery.objects.filter(notification__kind=REVEAL_ALERT_KIND, channel="email").count() == 2
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_two_reveals_past_the_limit_at_the_same_moment_notify_once(supervisor, auditors, case, monkeypatch):
    from complaints.services import pii
    from tests.complaints.test_concurrency import _run_in_threads

    _earlier_reveals(supervisor, case, 30)
    barrier = threading.Barrier(2, timeout=10)
    original = pii.pii_reveals_watch

    def logged_then_wait(**kwargs):
        barrier.wait()  # both reveals are logged (uncommitted) before either counts
        return original(**kwargs)

    monkeypatch.setattr(pii, "pii_reveals_watch", logged_then_wait)

    results = _run_in_threads(
        lambda: case_pii_reveal(case_id=case.pk, actor=supervisor, reason="回访"),
        lambda: case_pii_reveal(case_id=case.pk, actor=supervisor, reason="回访"),
    )

    assert [type(r) for r in results] == [dict, dict]
    assert _alerts().count() == 2
