"""Test settings: real PostgreSQL and Redis, defaulting to the local servers."""

import os
from pathlib import Path

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("PII_ENCRYPTION_KEY", "EEgYf7bcDHG5kRbkBFPLkNdM2aIKf36WqoImlO4QYAE=")
os.environ.setdefault("PII_INDEX_KEY", "test-only-blind-index-key")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/complaints")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
WEBHOOK_ALLOW_PRIVATE_HOSTS = True
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns per request otherwise
