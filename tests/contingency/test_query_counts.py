"""List endpoints cost the same number of queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contingency import services
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def _queries(user, path) -> int:
    client = client_for(user)
    client.get(path)  # warm up: token, role and cache lookups
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_activation_list_queries_do_not_grow_with_rows(lead, group, agent, mass_playbook, conduct_playbook):
    from tests.factories import make_case

    services.activation_create_manual(actor=lead, playbook_id=mass_playbook.pk, case_ids=[make_case(actor=agent).pk])
    one = _queries(lead, "/api/v1/activations/")
    services.activation_create_manual(actor=lead, playbook_id=conduct_playbook.pk,
                                      case_ids=[make_case(actor=agent).pk, make_case(actor=agent).pk])
    services.drill_schedule(actor=lead, playbook=conduct_playbook, scheduled_for=None)

    assert _queries(lead, "/api/v1/activations/") == one


def test_playbook_list_queries_do_not_grow_with_versions(lead, conduct_playbook):
    before = _queries(lead, "/api/v1/playbooks/")
    client_for(lead).patch(f"/api/v1/playbooks/{conduct_playbook.pk}/", {"key_points": ["新"]}, format="json")
    client_for(lead).post(f"/api/v1/playbooks/{conduct_playbook.pk}/versions/", {}, format="json")

    assert _queries(lead, "/api/v1/playbooks/") == before
