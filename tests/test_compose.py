"""docker-compose.yml cannot run here (no Docker engine), so its shape is checked by parsing it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ["migrate", "web", "worker", "beat"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_defines_web_worker_beat_postgres_and_redis(compose):
    assert set(compose["services"]) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_web_serves_the_wsgi_application_with_gunicorn(compose):
    command = compose["services"]["web"]["command"]

    assert command[:2] == ["gunicorn", "config.wsgi:application"]
    assert importlib.import_module("config.wsgi").application is not None


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_services_use_the_project_app(compose, service):
    assert compose["services"][service]["command"][:4] == ["celery", "-A", "config", service]


def test_beat_uses_the_database_scheduler(compose):
    assert "django_celery_beat.schedulers:DatabaseScheduler" in compose["services"]["beat"]["command"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_run_production_settings_on_postgres_and_redis(compose, service):
    environment = compose["services"][service]["environment"]

    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert (
        environment["DATABASE_URL"].startswith("postgres://")
        and "@postgres:5432/" in environment["DATABASE_URL"]
    )
    assert environment["REDIS_URL"] == "redis://redis:6379/0"


@pytest.mark.parametrize("name", ["SECRET_KEY", "PII_ENCRYPTION_KEY", "PII_INDEX_KEY"])
def test_secrets_have_no_default_in_compose(compose, name):
    assert compose["services"]["web"]["environment"][name] == f"${{{name}:?set {name} in .env}}"


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_app_services_wait_for_migrations(compose, service):
    depends_on = compose["services"][service]["depends_on"]

    assert depends_on["migrate"] == {"condition": "service_completed_successfully"}
    assert depends_on["postgres"] == {"condition": "service_healthy"}
