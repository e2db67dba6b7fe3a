"""Settings shared by every environment; everything that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "common",
    "accounts",
    "notifications",
    "webhooks",
    "timers",
    "complaints",
    "contingency",
    "conduct",
]
# Benchmarks only (`make bench`, tests/bench): a bare DRF view inserting one row at
# /bench/floor/, the floor intake is measured against. Never set in a deployment.
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)
if BENCH_FLOOR:
    INSTALLED_APPS.append("tests.bench.floor")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.InterfaceLanguageMiddleware",  # zh-hans unless the switcher says otherwise
    "django.middleware.common.CommonMiddleware",
    "common.middleware.ApiBodyGuard",  # before CSRF, which would parse a form body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor given
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who changed a configuration row
    "accounts.middleware.SessionLifetimeMiddleware",  # 30 min idle, 10 h in all
    "accounts.mfa.MfaRequiredMiddleware",  # pages and admin wait for the second factor
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees the lockout flag the backend set during the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
                "complaints.views.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer must fail a request or /readyz quickly, not hang it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Two-factor login (accounts.mfa): TOTP apps plus one-time recovery codes (django-otp). When on,
# supervisors, auditors and admins (the roles that may unmask personal data) must give a second
# factor on the pages and the admin; anyone who enrolled gives one whatever this says.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Complaint case management")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin shows no TOTP keys or QR codes
MFA_RECOVERY_CODES = 10
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Failed logins (django-axes): 5 failures for one username within 15 minutes lock that username
# for 15 minutes, whatever the address and even with the right password. Axes logs each failure
# with the username and address only (its sensitive-parameter list masks the password).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.auth.lockout_response"
# How many proxies in front append to X-Forwarded-For; 0 = ignore the header (common.net.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "common.net.client_ip"
# Locking by username is the rule (a person's account, whichever desk they type at); guessing from
# one address is slowed by the per-address throttles of the API and the proxy, not by axes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_SENSITIVE_PARAMETERS = ["password", "new_password1", "new_password2", "old_password"]

# Configuration history (common.history): auditors read it; nobody reverts a row from the admin,
# because a revert would skip the services' checks (changes go through the product or the form).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Sessions: 30 minutes idle and 10 hours from login at most
# (accounts.middleware.SessionLifetimeMiddleware). The last request's time is written at most once
# a SESSION_ACTIVITY_GRANULARITY, not on every page (one UPDATE fewer per request), so a session
# ends between 30 and 31 minutes after the last request; the cookie lives as long.
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ACTIVITY_GRANULARITY = timedelta(minutes=1)
SESSION_COOKIE_AGE = int((SESSION_IDLE_TIMEOUT + SESSION_ACTIVITY_GRANULARITY).total_seconds())
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=10)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the web root and are only served through a permission-checked view.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Request size limits (docs/api-guide.md): 1 MB JSON bodies, 20 MB attachments.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Larger uploads go to a temporary file encrypted under a key only the request holds.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "common.uploads.EncryptedTemporaryFileUploadHandler",
]
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)

# Personal data: Fernet keys, newest first, for rotation; a separate key for the blind index.
PII_ENCRYPTION_KEY = env.list("PII_ENCRYPTION_KEY")
PII_INDEX_KEY = env("PII_INDEX_KEY")
REPEAT_COMPLAINT_WINDOW = timedelta(days=90)
# seed_demo gives its users random passwords (printed once) instead of the demo password.
DEMO_RANDOM_PASSWORDS = False

# Conduct checks (docs/api-guide.md "Collection contacts and conduct checks"): rules are judged in the
# customer's time zone, over the contacts from this many days before the complaint's receipt.
CONDUCT_TIME_ZONE = env("CONDUCT_TIME_ZONE", default="Asia/Shanghai")
CONDUCT_CHECK_WINDOW_DAYS = env.int("CONDUCT_CHECK_WINDOW_DAYS", default=30)
CONDUCT_IMPORT_MAX_BYTES = 4 * 1024 * 1024  # the contact import's body (and CSV) limit

REDIS_URL = env("REDIS_URL", default="")
# A dead Redis must fail a cache call within a second, not hang the request (throttles, sessions).
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
CACHES = {
    "default": (
        {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Publishing must not hang a request when the broker is down; the DB stays the source of truth.
CELERY_BROKER_TRANSPORT_OPTIONS.setdefault("max_retries", 1)
# ... and its one retry comes at once: a refused connection fails the publish in milliseconds.
CELERY_BROKER_TRANSPORT_OPTIONS.setdefault("interval_start", 0)
CELERY_BROKER_TRANSPORT_OPTIONS.setdefault("socket_connect_timeout", 2)
CELERY_TASK_PUBLISH_RETRY = False
ESCALATION_SWEEP_INTERVAL = env.float("ESCALATION_SWEEP_INTERVAL", default=5.0)
# Test hook only: seconds the sweep holds its batch open, to kill a worker mid-escalation.
ESCALATION_TEST_PAUSE = env.float("ESCALATION_TEST_PAUSE", default=0.0)

WEBHOOK_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=False)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_MAX_ATTEMPTS = 8
# Seconds before the first retry of a failed webhook delivery; each retry doubles it (capped).
WEBHOOK_RETRY_BASE = env.float("WEBHOOK_RETRY_BASE", default=15.0)
WEBHOOK_RETRY_MAX_DELAY = env.float("WEBHOOK_RETRY_MAX_DELAY", default=3600.0)

# Seconds between rebuilds of the dashboard summaries of yesterday and today.
REPORT_REFRESH_INTERVAL = env.int("REPORT_REFRESH_INTERVAL", default=300)

CELERY_BEAT_SCHEDULE = {
    # django_celery_beat stores whole seconds; a sweep still queued when the next is due is dropped.
    "timers-sweep": {
        "task": "timers.sweep",
        "schedule": timedelta(seconds=max(1, round(ESCALATION_SWEEP_INTERVAL))),
        "options": {"expire_seconds": max(1, round(ESCALATION_SWEEP_INTERVAL))},
    },
    "notifications-deliver-pending": {"task": "notifications.deliver_pending", "schedule": timedelta(seconds=30)},
    "webhooks-retry-pending": {"task": "webhooks.retry_pending", "schedule": timedelta(seconds=60)},
    "contingency-start-due-drills": {"task": "contingency.start_due_drills", "schedule": timedelta(minutes=1)},
    "common-prune-idempotency-records": {
        "task": "common.prune_idempotency_records",
        "schedule": timedelta(hours=1),
    },
    # Dashboard and monthly-report summary rows of yesterday and today (complaints.reporting).
    "complaints-refresh-report-summaries": {
        "task": "complaints.refresh_report_summaries",
        "schedule": timedelta(seconds=REPORT_REFRESH_INTERVAL),
        "options": {"expire_seconds": REPORT_REFRESH_INTERVAL},
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="complaints@localhost")
SMS_BACKEND = env("SMS_BACKEND", default="notifications.backends.sms.LoggingSmsBackend")

# API tokens (django-rest-knox): hashed at rest, expiring. Seconds; people 10 h, API clients 90 days.
TOKEN_TTL_PERSON = env.int("TOKEN_TTL_PERSON", default=10 * 3600)
TOKEN_TTL_API_CLIENT = env.int("TOKEN_TTL_API_CLIENT", default=90 * 24 * 3600)
REST_KNOX = {
    "TOKEN_TTL": timedelta(seconds=TOKEN_TTL_PERSON),  # accounts.tokens picks the TTL per role
    "AUTH_HEADER_PREFIX": "Token",  # clients keep sending `Authorization: Token <token>`
    "AUTO_REFRESH": False,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "accounts.authentication.SessionAuthentication",  # refuses a session owing its second factor
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    # JSON only; a view that takes files names its parsers (`parser_classes`), and
    # common.middleware.ApiBodyGuard refuses any other body type before it is read (415).
    "DEFAULT_PARSER_CLASSES": ["common.api.LimitedJSONParser"],
    # Per person, per integrating system (API-client accounts) and per address; 429 + Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttles.UserThrottle",
        "accounts.throttles.ClientThrottle",
        "accounts.throttles.AnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("THROTTLE_USER_RATE", default="6000/min"),
        "client": env("THROTTLE_CLIENT_RATE", default="30000/min"),
        "anon": env("THROTTLE_ANON_RATE", default="60/min"),
        "auth": env("THROTTLE_AUTH_RATE", default="30/min"),
        # Bulk intake (POST /api/v1/complaints/import/), up to 1,000 cases a request.
        "import": env("THROTTLE_IMPORT_RATE", default="120/min"),
        # The unmasking endpoint's own limit per person, as the page's (complaints.views.actions).
        "pii_reveal": env("THROTTLE_PII_REVEAL_RATE", default="10/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Collection complaint case management API",
    "DESCRIPTION": "REST contract for call-center integration (see docs/api-guide.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The contract is for people and systems with an account (token or session), not the internet.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No online validator badge: the docs page must work without internet.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # One named enum per choice set, whichever serializer field uses it.
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "complaints.choices.CaseState",
        "SeverityEnum": "complaints.choices.Severity",
        "ChannelEnum": "complaints.choices.Channel",
        "CollectionChannelEnum": "complaints.choices.CollectionChannel",
        "RiskFlagEnum": "complaints.choices.RiskFlag",
        "FindingEnum": "complaints.choices.Finding",
        "ActionTypeEnum": "complaints.choices.ActionType",
        "EventKindEnum": "complaints.choices.EventKind",
        "DirectionEnum": "complaints.choices.Direction",
        "OutcomeEnum": "complaints.choices.Outcome",
        "DeadlineKindEnum": "complaints.choices.DeadlineKind",
        "DeadlineStateEnum": "complaints.choices.DeadlineState",
        "ContactChannelEnum": "conduct.choices.ContactChannel",
        "ContactOutcomeEnum": "conduct.choices.ContactOutcome",
        "ContactPartyEnum": "conduct.choices.ContactParty",
        "ConductRuleKindEnum": "conduct.choices.RuleKind",
        "DepartmentEnum": "contingency.choices.Department",
        "MemberRoleEnum": "contingency.choices.MemberRole",
        "PlaybookVersionStatusEnum": "contingency.choices.VersionStatus",
        "ActivationStateEnum": "contingency.choices.ActivationState",
        "ActivationTriggerEnum": "contingency.choices.ActivationTrigger",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Both print the `extra={...}` fields (common.logs); production switches the handler to JSON.
    "formatters": {
        "plain": {"()": "common.logs.PlainFormatter"},
        "json": {"()": "common.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4) on every response, admin and API docs included: only our
# own files run; no inline script, no eval, no inline style. htmx is configured through its meta
# tag (no injected indicator style, no eval); the API docs use Swagger UI's split view, whose
# start-up script is a separate file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
