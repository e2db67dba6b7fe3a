"""Settings come from the environment: embedded defaults with nothing set, a clean deploy check
with production values. Each case runs in a fresh interpreter, since settings load once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "SECRET_KEY": "p3q-Hq2c8V0vJxwH7mNn4sR9tZbLkYfA1uE6oWgDiXjC5aKyMhBrTeQzUlGnSdPx",
    "PII_ENCRYPTION_KEY": f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
    "PII_INDEX_KEY": "prod-like-blind-index-key-0123456789abcdef",
    "ALLOWED_HOSTS": "complaints.example.com",
    "DATABASE_URL": "postgres://complaints:secret@db.internal:5432/complaints",
    "REDIS_URL": "redis://cache.internal:6379/0",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    # A bare environment, so the developer's or CI's own variables cannot leak into the check.
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def _setting_values(settings_module: str, env: dict[str, str]) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
        " 'broker': settings.CELERY_BROKER_URL, 'cache': settings.CACHES['default']['BACKEND']}))"
    )
    result = _run(["-c", code], {"DJANGO_SETTINGS_MODULE": settings_module, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_with_production_values_prints_no_warnings():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {"DJANGO_SETTINGS_MODULE": "config.settings.production", **PRODUCTION_ENV},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    # The one silenced check is axes.W006 (lockout not by address): locking by username is the rule.
    assert "System check identified no issues (1 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_warns_when_debug_is_on_in_production():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {"DJANGO_SETTINGS_MODULE": "config.settings.production", **PRODUCTION_ENV, "DEBUG": "true"},
    )

    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_production_settings_refuse_to_load_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}

    result = _run(["manage.py", "check"], {"DJANGO_SETTINGS_MODULE": "config.settings.production", **env})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_with_nothing_set_local_settings_use_sqlite_and_filesystem_broker():
    values = _setting_values("config.settings.local", {})

    assert values == {
        "engine": "django.db.backends.sqlite3",
        "broker": "filesystem://",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
    }


def test_database_and_redis_urls_come_from_the_environment():
    values = _setting_values(
        "config.settings.local",
        {"DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"], "REDIS_URL": PRODUCTION_ENV["REDIS_URL"]},
    )

    assert values == {
        "engine": "django.db.backends.postgresql",
        "broker": PRODUCTION_ENV["REDIS_URL"],
        "cache": "common.cache.RedisCache",
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [("TIME_ZONE", "Asia/Shanghai"), ("LANGUAGE_CODE", "zh-hans"), ("USE_TZ", True)],
)
def test_locale_settings(name, expected):
    assert getattr(settings, name) == expected


def test_languages_are_chinese_first_then_english():
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
