"""Production: secrets and hosts must come from the environment; HTTPS assumed at the proxy."""

from .base import *  # noqa: F403
from .base import LOGGING, env

DEBUG = env.bool("DEBUG", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Only a plain-HTTP trial (docker compose on localhost) turns these off; see README.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
# Supervisors, auditors and admins log in with a second factor (accounts.mfa).
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
# A demo seeded on a production deployment must not carry a password printed in the README.
DEMO_RANDOM_PASSWORDS = True
# One JSON object per line, extras as fields, for the log collector (README "Logs").
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")  # type: ignore[index]
