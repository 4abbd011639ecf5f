# The portal's production image: gunicorn (web), Celery worker and beat share it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_DATA_DIR=/data \
    DJANGO_STATIC_ROOT=/app/staticfiles

# Pango for WeasyPrint, a CJK font so PDFs show Chinese, gettext for the catalogues.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY award_portal ./award_portal
COPY applications ./applications
COPY review ./review
COPY publicity ./publicity
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py ./
RUN pip install . \
 && python manage.py compilemessages -v 0 \
 && DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build \
    DJANGO_DATA_DIR=/tmp/build python manage.py collectstatic --noinput -v 0 \
 && useradd --system --uid 10001 --home /app portal \
 && mkdir -p /data && chown portal /data

USER portal
VOLUME ["/data"]
EXPOSE 8000
CMD ["gunicorn", "award_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
