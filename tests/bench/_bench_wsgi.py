"""WSGI entry for bench_api's gunicorn: config.settings.test with persistent database connections.

The test settings close the connection after every request (CONN_MAX_AGE=0), which no deployment
does (base default 60 s); BENCH_CONN_MAX_AGE picks the value measured.
"""

import os

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()
# The connection reads this dict when it connects, which happens at the first request.
settings.DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("BENCH_CONN_MAX_AGE", "60"))

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
