"""The complainant notice of an extension, sent through a real Celery worker on Redis.

Named to run last in this folder: its flush empties the reference tables for later tests.
"""

import pytest

from complaints import services
from complaints.models import Communication
from tests.conftest import wait_until
from tests.factories import make_case


@pytest.mark.celery
def test_worker_records_the_extension_notice_after_commit(celery_worker, agent):
    case = make_case(actor=agent)
    services.case_extend(case_id=case.pk, actor=agent, reason="情况复杂")
    comm = wait_until(lambda: Communication.objects.filter(case=case).first())
    assert (comm.direction, comm.channel) == ("outbound", "sms")
