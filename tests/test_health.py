"""/healthz (process up) and /readyz (database and broker reachable; 503 naming what is down)."""

from __future__ import annotations

import socket

import pytest
from django.test import Client


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_200_without_login():
    response = Client().get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_readyz_is_200_when_database_and_broker_answer():
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_naming_the_broker_when_it_is_down(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "unavailable"},
        "failing": ["broker"],
    }


@pytest.mark.django_db
def test_readyz_does_not_reveal_the_broker_address(settings):
    settings.CELERY_BROKER_URL = f"redis://:hunter2@127.0.0.1:{closed_port()}/0"

    response = Client().get("/readyz")

    assert b"hunter2" not in response.content
    assert b"127.0.0.1" not in response.content


@pytest.mark.django_db
def test_readyz_is_not_cached():
    response = Client().get("/readyz")

    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def database_down(transactional_db):
    """The app's own connection, closed and pointed at a port where nothing listens."""
    from django.db import connection

    previous = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(closed_port())
    yield
    connection.close()
    connection.settings_dict["PORT"] = previous


def test_readyz_is_503_naming_the_database_when_it_is_down(database_down):
    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
