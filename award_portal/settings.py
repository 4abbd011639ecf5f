"""Settings, all taken from the environment (see README "Configuration" and .env.example).

With nothing set you get the embedded default: SQLite and a file-system Celery broker
under ``var/``, e-mail printed to the console and kept in the database outbox, DEBUG on.
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .env import email_settings_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DJANGO_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", True)


def _secret_key() -> str:
    key = env_str("DJANGO_SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
    # Development only: one random key per checkout, kept so sessions survive restarts.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _field_key() -> str:
    """Key for personal data encrypted at rest (resident ID numbers)."""
    from .privacy import derive_key

    key = env_str("PORTAL_FIELD_ENCRYPTION_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "PORTAL_FIELD_ENCRYPTION_KEY must be set when DJANGO_DEBUG is false (make one with: "
            "python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')"
        )
    return derive_key(SECRET_KEY)


PORTAL_FIELD_ENCRYPTION_KEY = _field_key()

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "award_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "django_filters",
    # cross-cutting core (imports no domain app)
    "award_portal.audit",
    "award_portal.accounts",
    "award_portal.notifications",
    "award_portal.system",
    "award_portal.workdays",
    "award_portal.rules",
    "award_portal.documents",
    "award_portal.web",
    # domain apps, in dependency order
    "applications.apps.ApplicationsConfig",
    "review",
    "publicity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "award_portal.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "award_portal.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "award_portal.web.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "award_portal.web.middleware.IncompleteBodyMiddleware",
]

ROOT_URLCONF = "award_portal.urls"
WSGI_APPLICATION = "award_portal.wsgi.application"

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
                "award_portal.web.context_processors.portal",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a real Celery worker started by a test sees the data.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: the public needs no grants
AUTH_PASSWORD_VALIDATORS = [
    # at least 10 characters, letters and digits, not containing the user name
    {
        "NAME": "award_portal.accounts.validators.PortalPasswordValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
ACCOUNT_CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3  # e-mail confirmation link: three days
LOGIN_FAILURE_LIMIT = env_int("PORTAL_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("PORTAL_LOGIN_FAILURE_WINDOW_MINUTES", 15, minimum=1)
# Failed log-ins from one address, whatever the user names, within the same window. The
# limit above counts a user name together with the address it was tried from, so guesses
# from elsewhere never lock the office out; this one stops one address trying many names.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
# Password-reset and confirmation e-mails asked for one address within an hour.
ACCOUNT_EMAIL_LIMIT_PER_HOUR = env_int("PORTAL_ACCOUNT_EMAIL_LIMIT_PER_HOUR", 3, minimum=1)

# --- language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files and private files ---------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(DATA_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG  # development serves from static/ directly
PRIVATE_STORAGE_ROOT = Path(env_str("PORTAL_PRIVATE_ROOT", str(DATA_DIR / "private")))
PORTAL_MAX_UPLOAD_MB = env_int("PORTAL_MAX_UPLOAD_MB", 20, minimum=1)
PORTAL_MAX_FILES_PER_DOSSIER = env_int("PORTAL_MAX_FILES_PER_DOSSIER", 60, minimum=1)
PORTAL_MAX_DOSSIER_MB = env_int("PORTAL_MAX_DOSSIER_MB", 300, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # form fields; files stream to disk
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# --- e-mail: every message is kept in the outbox, then delivered --------------------------
EMAIL_BACKEND = "award_portal.notifications.backends.OutboxEmailBackend"
_email = email_settings_from_url(env_str("EMAIL_URL", "console://"))
OUTBOX_DELIVERY_BACKEND = _email.pop("OUTBOX_DELIVERY_BACKEND")
# text messages (one-time codes to a phone): console:// logs them; http(s):// posts JSON
PORTAL_SMS_URL = env_str("PORTAL_SMS_URL", "console://")
if urlsplit(PORTAL_SMS_URL).scheme not in ("console", "http", "https"):
    raise ImproperlyConfigured(
        f"PORTAL_SMS_URL must start with console://, http:// or https://, not {PORTAL_SMS_URL!r}"
    )
globals().update(_email)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "二连浩特市市长质量奖 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- the coordination office: letterhead of official documents, the contact on pages and
# the signature under every e-mail. The defaults are placeholders: set the office's real
# ones in production.
PORTAL_OFFICE_NAME = env_str("PORTAL_OFFICE_NAME", "二连浩特市市长质量奖评审专项工作协调办公室")
PORTAL_OFFICE_ADDRESS = env_str("PORTAL_OFFICE_ADDRESS", "二连浩特市市场监督管理局")
PORTAL_OFFICE_PHONE = env_str("PORTAL_OFFICE_PHONE", "0479-0000000")
PORTAL_OFFICE_EMAIL = env_str("PORTAL_OFFICE_EMAIL", "office@example.invalid")
PORTAL_OFFICE_HOURS = env_str("PORTAL_OFFICE_HOURS", "工作日8:30—12:00，14:30—17:30")
# 发文字号: the prefix of the office's per-year document numbers (二市监质奖〔2026〕3号)
PORTAL_DOCUMENT_PREFIX = env_str("PORTAL_DOCUMENT_PREFIX", "二市监质奖")
# the authority that confers the award and issues the certificates (Art. 23, 31)
PORTAL_GOVERNMENT_NAME = env_str("PORTAL_GOVERNMENT_NAME", "二连浩特市人民政府")

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files under var/, shared by web, worker and beat.
    _broker_dir = DATA_DIR / "celery"
    for _sub in ("queue", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
PORTAL_REMINDER_HOUR = env_int("PORTAL_REMINDER_HOUR", 8, minimum=0)
PORTAL_REMINDER_LEAD_WD = env_int("PORTAL_REMINDER_LEAD_WD", 2, minimum=0)
PORTAL_SCHEDULE_REMINDER_MONTH = env_int("PORTAL_SCHEDULE_REMINDER_MONTH", 11, minimum=1)
# an expert who has not answered a panel invitation after this many working days is
# reminded; after twice as many, the review agency is told
PORTAL_REVIEW_INVITATION_WD = env_int("PORTAL_REVIEW_INVITATION_WD", 2, minimum=1)
if PORTAL_REMINDER_HOUR > 23 or PORTAL_SCHEDULE_REMINDER_MONTH > 12:
    raise ImproperlyConfigured(
        "PORTAL_REMINDER_HOUR must be 0-23 and PORTAL_SCHEDULE_REMINDER_MONTH 1-12"
    )
CELERY_BEAT_SCHEDULE = {
    "reminders-sweep": {
        "task": "workdays.reminders_sweep",
        "schedule": crontab(hour=PORTAL_REMINDER_HOUR, minute=0),
    },
    # the review's own reminders (invitations, sheets, defence slots, visits); the task
    # is named, not imported: the core does not import the review
    "review-reminders-sweep": {
        "task": "review.reminders_sweep",
        "schedule": crontab(hour=PORTAL_REMINDER_HOUR, minute=5),
    },
    "system-heartbeat": {
        "task": "system.heartbeat_record",
        "schedule": env_int("PORTAL_HEARTBEAT_SECONDS", 60, minimum=10),
    },
    "outbox-retry": {
        "task": "notifications.outbox_retry_failed",
        "schedule": crontab(minute="*/15"),
    },
}

# --- audit ------------------------------------------------------------------------------
# The Cybersecurity Law asks for at least six months of logs; nothing shortens this.
AUDIT_RETENTION_DAYS = max(185, env_int("PORTAL_AUDIT_RETENTION_DAYS", 185))

# --- security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

_LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refused": {"()": "award_portal.log_filters.OneLinePerRefusedRequest"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["refused"]}
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    "loggers": {
        # Django's defaults give "django" and "django.server" console handlers of their
        # own: every line would be printed twice. One handler, the root's, prints all.
        "django": {"handlers": [], "level": _LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": _LOG_LEVEL, "propagate": True},
        # WeasyPrint and fontTools narrate every step at INFO
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
