# One image for web (gunicorn), Celery worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# gettext compiles the translations at build time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Build-time placeholders only: compilemessages and collectstatic load the settings but touch
# neither the database nor personal data. Real values come from the environment at run time.
RUN SECRET_KEY=build-only PII_INDEX_KEY=build-only \
    PII_ENCRYPTION_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    sh -c "python manage.py compilemessages --ignore=var -v0 && python manage.py collectstatic --noinput -v0"

RUN useradd --system --uid 10001 --home-dir /app app \
    && mkdir -p /app/var/media \
    && chown -R app /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--timeout", "30"]
