"""Settings taken from the environment: checked in a fresh process each time, the way a
deployment starts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k8$Vq2!xP9zL#mN4wR7tY1uE6oI3aS5dF0gH2jK8lZ4xC7vB9nM1qW3eR5tY",
    "DJANGO_ALLOWED_HOSTS": "award.example.invalid",
    "DATABASE_URL": "postgres://portal@db.example.invalid:5432/portal",
    "CELERY_BROKER_URL": "redis://redis.example.invalid:6379/0",
    "PORTAL_FIELD_ENCRYPTION_KEY": "q3vLJ6mK8Xo9Yc2ZbW1aR5tUe4iO7pN0sD3fG6hJ9kA=",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.pop("CELERY_BROKER_URL", None)
    clean["DJANGO_DATA_DIR"] = str(ROOT / "var" / "settings-test")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "PORTAL_FIELD_ENCRYPTION_KEY"]
)
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_bad_boolean_stops_start_up_with_the_variable_named():
    result = manage("check", env={"DJANGO_DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_embedded_default_language_time_zone_and_backends():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    # pytest-django swaps EMAIL_BACKEND for tests, so read it from a fresh process.
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.OUTBOX_DELIVERY_BACKEND,"
        " s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)",
        env={},
    )
    assert result.stdout.split() == [
        "award_portal.notifications.backends.OutboxEmailBackend",
        "award_portal.notifications.console.EmailBackend",
        "django.db.backends.sqlite3",
        "filesystem://",
    ]


def test_migrations_are_complete():
    result = manage("makemigrations", "--check", "--dry-run", env={})
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_hashes_passwords_with_pbkdf2_not_the_tests_fast_hasher():
    """The suite swaps in MD5 for speed (``tests/conftest.py``); the portal itself
    hashes with Django's PBKDF2 and its full iteration count."""
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth.hashers import make_password; print(make_password('x'))",
        env=PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    algorithm, iterations, *_ = result.stdout.strip().split("$")
    assert algorithm == "pbkdf2_sha256" and int(iterations) >= 1_000_000
