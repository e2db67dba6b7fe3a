"""Laptop defaults: SQLite, file-system broker, console mail. Not for production."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "local-dev-only-not-secret")
# Dev-only keys so a fresh clone runs; production must set its own (see README).
os.environ.setdefault("PII_ENCRYPTION_KEY", "nyRP9Gk8sJ_ory0_fcHSJ50TKIwx7YtNVJtREC6j7jQ=")
os.environ.setdefault("PII_INDEX_KEY", "local-dev-only-blind-index-key")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

from .base import *  # noqa: E402,F403

VAR_DIR.mkdir(exist_ok=True)  # noqa: F405
