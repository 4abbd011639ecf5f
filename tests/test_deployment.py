"""The production files, checked without a Docker engine (none runs on our machines):
the compose file parses, has the five services, and its environment is exactly what the
settings read and passes ``check --deploy``."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SETTINGS_SOURCE = (ROOT / "award_portal/settings.py").read_text()
SETTINGS_VARS = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', SETTINGS_SOURCE))
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}  # read by the PostgreSQL image, not by Django


def substitute(value: str) -> str:
    """Resolve ${X:?msg} / ${X:-default} the way compose does, with sample values."""
    samples = {
        "DJANGO_SECRET_KEY": "Zq8#mV2!pL9xR4@tY7uW1$eN6oB3^sK5dF0gH8jC2vX7bM4nQ1wE9rT3yU6iO0",
        "DJANGO_ALLOWED_HOSTS": "award.example.invalid",
        "POSTGRES_PASSWORD": "pw",
        "PORTAL_BASE_URL": "https://award.example.invalid",
        "PORTAL_FIELD_ENCRYPTION_KEY": "q3vLJ6mK8Xo9Yc2ZbW1aR5tUe4iO7pN0sD3fG6hJ9kA=",
    }

    def one(match):
        name, op, rest = match.group(1), match.group(2), match.group(3)
        if name in samples:
            return samples[name]
        return rest if op == ":-" else ""

    return re.sub(r"\$\{([A-Z_]+)(:[-?])([^}]*)\}", one, value)


def test_compose_has_web_worker_beat_database_and_redis():
    services = COMPOSE["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    assert "gunicorn award_portal.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A award_portal worker")
    assert services["beat"]["command"].startswith("celery -A award_portal beat")
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == "."
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_environment_uses_only_variables_the_settings_read():
    environment = COMPOSE["services"]["web"]["environment"]
    assert set(environment) <= SETTINGS_VARS | COMPOSE_ONLY, set(environment) - SETTINGS_VARS
    for required in (
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
    ):
        assert required in environment
    assert environment["DJANGO_DEBUG"] == "false"
    assert substitute(environment["DATABASE_URL"]).startswith("postgres://portal:pw@db:5432/")
    assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")


def test_env_example_documents_every_variable_the_settings_read():
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#?([A-Z_]+)=", example, re.M))
    assert named - COMPOSE_ONLY <= SETTINGS_VARS
    assert named >= SETTINGS_VARS, SETTINGS_VARS - named
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in SETTINGS_VARS if name not in readme}
    assert not missing, f"README does not document {missing}"


def test_compose_environment_passes_check_deploy():
    environment = {
        key: substitute(str(value))
        for key, value in COMPOSE["services"]["web"]["environment"].items()
    }
    environment["DJANGO_DATA_DIR"] = str(ROOT / "var" / "compose-check")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    base.pop("CELERY_BROKER_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_installs_the_project_fonts_and_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "fonts-noto-cjk" in dockerfile
    assert "pip install ." in dockerfile
    assert "collectstatic" in dockerfile and "compilemessages" in dockerfile
    assert "USER portal" in dockerfile
