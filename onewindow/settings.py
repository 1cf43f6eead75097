"""OneWindow settings: one module, every value read from the environment.

``ONEWINDOW_ENV`` selects the posture: ``development`` (the default, used by
``make run``), ``test`` (pytest) or ``production``, which refuses to start
without its secrets and turns every transport-security switch on. The
variables are listed, with their meaning, in ``.env.example``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP  # type: ignore[import-not-found, unused-ignore]
from django.utils.translation import gettext_lazy as _

from onewindow.lib.devsecrets import load_dev_secrets
from onewindow.lib.env import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_optional,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ONEWINDOW_VAR_DIR", str(BASE_DIR / "var")))

ONEWINDOW_ENV = env_str("ONEWINDOW_ENV", "development")
if ONEWINDOW_ENV not in {"development", "test", "production"}:
    raise ConfigurationError("ONEWINDOW_ENV must be development, test or production")
PRODUCTION = ONEWINDOW_ENV == "production"

if PRODUCTION:
    # Production never falls back to generated secrets: a missing one stops start-up.
    _secrets: dict[str, str] = {}
else:
    _secrets = load_dev_secrets(VAR_DIR / "dev-secrets.env")


def _secret(name: str) -> str:
    return env_str(name, None if PRODUCTION else _secrets[name])


SECRET_KEY = _secret("SECRET_KEY")
# Personal data keys, "kid:base64key" separated by commas; the first encrypts, all decrypt.
ONEWINDOW_DATA_KEYS = _secret("ONEWINDOW_DATA_KEYS")
# Key of the keyed hash used for exact look-ups of encrypted values (passport numbers).
ONEWINDOW_LOOKUP_KEY = _secret("ONEWINDOW_LOOKUP_KEY")

# Password of the demo accounts created by `manage.py seed_demo` (never in production).
ONEWINDOW_DEMO_PASSWORD = (
    "" if PRODUCTION else env_str("ONEWINDOW_DEMO_PASSWORD", _secrets["ONEWINDOW_DEMO_PASSWORD"])
)

DEBUG = env_bool("DEBUG", default=ONEWINDOW_ENV == "development")
if PRODUCTION and DEBUG:
    raise ConfigurationError("DEBUG must be off in production")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"],
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("environment variable ALLOWED_HOSTS is required in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address printed on permits and in QR codes.
ONEWINDOW_PUBLIC_URL = env_str(
    "ONEWINDOW_PUBLIC_URL", None if PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_countries",
    "ninja",
    "onewindow.offices",
    "onewindow.accounts",
    "onewindow.employers",
    "onewindow.people",
    "onewindow.eligibility",
    "onewindow.cases",
    "onewindow.visits",
    "onewindow.permits",
    "onewindow.audit",
    "onewindow.notifications",
    "onewindow.registry",
    "onewindow.supervision",
    "onewindow.api",
    "onewindow.webhooks",
    "onewindow.front",
    "onewindow.scale",
]

MIDDLEWARE = [
    "onewindow.lib.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onewindow.api.idempotency.IdempotencyMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "onewindow.accounts.middleware.SessionTimeoutMiddleware",
    "onewindow.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onewindow.urls"
FORM_RENDERER = "onewindow.lib.forms.OneWindowFormRenderer"
WSGI_APPLICATION = "onewindow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onewindow.front.context.site",
            ],
        },
    },
    {
        # Plain-text mail and messages: the same template language, without HTML escaping.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -------------------------------------------------------------
# Parameters bound by the server, and a statement run five times on a connection prepared
# there, so that PostgreSQL plans it once instead of on every request: planning a join of
# seven tables cost more than running it (make bench, docs/scaling.md). Turn it off behind a
# pooler that cannot keep prepared statements (PgBouncer before 1.21).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", default=True)


def _database(url: str) -> dict[str, Any]:
    database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.postgresql" and DATABASE_PREPARED_STATEMENTS:
        database["OPTIONS"] = {
            **database.get("OPTIONS", {}),
            "server_side_binding": True,
            "prepare_threshold": 5,
        }
    return dict(database)


DATABASE_URL = env_optional("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": _database(DATABASE_URL)}
else:
    if PRODUCTION:
        raise ConfigurationError("environment variable DATABASE_URL is required in production")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "onewindow.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue
                # instead of one failing with "database is locked" on upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DATABASE_REPLICA_URL = env_optional("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["onewindow.lib.dbrouter.ReportingRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (sessions, rate limits, lockouts) --------------------------------
CACHE_URL = env_optional("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "onewindow",
        }
    }
elif PRODUCTION:
    raise ConfigurationError("environment variable CACHE_URL is required in production")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication and sessions ----------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "front:dashboard"
LOGOUT_REDIRECT_URL = "front:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cache" if CACHE_URL else "django.contrib.sessions.backends.db"
)
# Absolute lifetime of a signed-in session; the idle limit is enforced per request.
SESSION_COOKIE_AGE = env_int("ONEWINDOW_SESSION_ABSOLUTE_SECONDS", 8 * 3600, minimum=300)
ONEWINDOW_SESSION_IDLE_SECONDS = env_int("ONEWINDOW_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

if ONEWINDOW_ENV == "test":
    # Tests create many users; a deliberately slow hash would only slow them down.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# After a commit, a process seals the audit trail's new events unless it did so less than this
# long ago; the worker and the next pass seal the rest (audit/trail.py). 0: every commit seals.
ONEWINDOW_AUDIT_SEAL_INTERVAL_MS = env_int(
    "ONEWINDOW_AUDIT_SEAL_INTERVAL_MS", 0 if ONEWINDOW_ENV == "test" else 1000, minimum=0
)

# A decision or an issuance needs the password and a code entered within this many seconds.
ONEWINDOW_REAUTH_SECONDS = env_int("ONEWINDOW_REAUTH_SECONDS", 10 * 60, minimum=60)
# Sign-in attempts per minute from one address (on top of the lockout below).
ONEWINDOW_SIGNIN_RATE_PER_MINUTE = env_int("ONEWINDOW_SIGNIN_RATE_PER_MINUTE", 10, minimum=1)
# API requests per minute for each token (or, without one, each address).
API_RATE_LIMIT_PER_MINUTE = env_int("ONEWINDOW_API_RATE_PER_MINUTE", 600, minimum=1)

AXES_FAILURE_LIMIT = env_int("ONEWINDOW_LOGIN_FAILURE_LIMIT", 5, minimum=1)
# A cool-off instead of a permanent lock: an attacker cannot lock a real user out for good.
AXES_COOLOFF_TIME = env_int("ONEWINDOW_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Renders accounts/locked_out.html with the configured cool-off (status 429).
AXES_LOCKOUT_CALLABLE = "onewindow.accounts.views.locked_out"
AXES_VERBOSE = False

# --- Internationalisation ------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["onewindow.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static assets and stored files -------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collected assets only exist in production
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/uswds", NODE_MODULES / "@uswds" / "uswds" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
# Uploaded documents live outside the web root and are only served through
# access-checked views; on disk they are encrypted (see onewindow.lib.crypto).
MEDIA_ROOT = VAR_DIR / "files"
ONEWINDOW_S3_BUCKET = env_optional("ONEWINDOW_S3_BUCKET")
STORAGES: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if ONEWINDOW_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ONEWINDOW_S3_BUCKET,
            "endpoint_url": env_optional("ONEWINDOW_S3_ENDPOINT_URL"),
            "access_key": env_optional("ONEWINDOW_S3_ACCESS_KEY"),
            "secret_key": env_optional("ONEWINDOW_S3_SECRET_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ------------------------------------------------------------
_email_host = env_optional("EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 20,
            },
        }
    }
elif PRODUCTION:
    raise ConfigurationError("environment variable EMAIL_HOST is required in production")
else:
    # Development mail is written to files under var/mail for inspection.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OneWindow <no-reply@onewindow.invalid>")

# --- Transport security and headers --------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging --------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "WARNING" if ONEWINDOW_ENV == "test" else "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "onewindow.lib.requestlog.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "onewindow.request": {"level": env_str("REQUEST_LOG_LEVEL", LOG_LEVEL), "propagate": True},
        "axes": {"level": LOG_LEVEL},
    },
}

# SQLite ignores the extra (INCLUDE) columns of the area registry's read index, which only
# PostgreSQL uses for index-only scans; the demo database does not need them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- OneWindow ------------------------------------------------------------
ONEWINDOW_OTP_ISSUER = env_str("ONEWINDOW_OTP_ISSUER", "OneWindow")
OTP_TOTP_ISSUER = ONEWINDOW_OTP_ISSUER
# Retention per record type, in days (onewindow/people/retention.py applies it with
# `manage.py retention apply`): a person's file is anonymised this long after their last
# case ended and their last permit expired; a document's content is removed this long
# after the document expired (and with its person's file in any case).
ONEWINDOW_RETENTION_DAYS = {
    "person": env_int("ONEWINDOW_RETENTION_PERSON_DAYS", 5 * 365, minimum=30),
    "document": env_int("ONEWINDOW_RETENTION_DOCUMENT_DAYS", 3 * 365, minimum=30),
}
# Cells below this count are suppressed in statistics shown outside the commission.
ONEWINDOW_SMALL_COUNT_THRESHOLD = env_int("ONEWINDOW_SMALL_COUNT_THRESHOLD", 5, minimum=1)
# Countersigned cases without a major finding an intern needs before the mentor can certify them.
ONEWINDOW_CERTIFICATION_CASES = env_int("ONEWINDOW_CERTIFICATION_CASES", 10, minimum=1)
# The benchmark's floor views (onewindow.scale): only for `make bench` on a loopback scratch server.
ONEWINDOW_BENCH = env_bool("ONEWINDOW_BENCH", default=False)
# Permit QR checks per client per minute (public page and API together).
ONEWINDOW_VERIFY_RATE_LIMIT = env_int("ONEWINDOW_VERIFY_RATE_LIMIT", 30, minimum=1)
# The document vault flags a document this many days before it expires, and tells its owner
# (the person and their employer's HR users, or the employer's) once, that many days ahead.
ONEWINDOW_DOCUMENT_EXPIRY_DAYS = env_int("ONEWINDOW_DOCUMENT_EXPIRY_DAYS", 60, minimum=1)
# Reminders of an open reporting duty (a change or a departure), this many working days before it is due.
ONEWINDOW_DUTY_REMINDER_WORKING_DAYS = env_int("ONEWINDOW_DUTY_REMINDER_WORKING_DAYS", 3, minimum=1)
