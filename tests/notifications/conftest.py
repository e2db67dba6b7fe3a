from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    def client_for(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def reachable(agent, supervisor):
    """agent and supervisor with an e-mail address and a phone number."""
    for user, n in ((agent, 1), (supervisor, 2)):
        user.email, user.phone = f"user{n}@example.cn", f"1390000000{n}"
        user.save(update_fields=["email", "phone"])
    return agent, supervisor


@pytest.fixture
def dead_broker(settings):
    """Point the Celery app at a port where no broker listens (the machine's Redis is untouched)."""
    from tests.escalation.brokers import free_port, use_broker

    with use_broker(settings, f"redis://127.0.0.1:{free_port()}/0"):
        yield
