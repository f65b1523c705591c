"""The one settings module.

Zero configuration gives the embedded mode: SQLite (WAL), a database cache, local files, mail to
the console. Environment variables (all read through imigrasi.lib.env, all documented in
docs/configuration.md) switch on PostgreSQL, Redis and production hardening.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from imigrasi.lib.devsecrets import load_or_create_dev_secrets
from imigrasi.lib.env import (
    READ_VARIABLES,
    SECRET_VARIABLES,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# --- Mode -----------------------------------------------------------------------------------
# PRODUCTION switches on every transport-security setting and refuses generated dev secrets.
PRODUCTION = env_bool("PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)

_dev_secrets: dict[str, str] = {} if PRODUCTION else load_or_create_dev_secrets(VAR_DIR)

SECRET_KEY = env_secret("SECRET_KEY", _dev_secrets.get("secret_key", ""))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Field encryption key ring: "key_id:base64key,..." — the first key encrypts, all keys decrypt.
FIELD_ENCRYPTION_KEYS = env_secret("FIELD_ENCRYPTION_KEYS", _dev_secrets.get("field_keys", ""))
# Separate key for blind indexes (keyed HMAC over normalised NIK, passport numbers...).
BLIND_INDEX_KEY = env_secret("BLIND_INDEX_KEY", _dev_secrets.get("blind_index_key", ""))

# --- Applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    # Our apps first so their templates override allauth's and admin's.
    "imigrasi.audit",
    "imigrasi.accounts",
    "imigrasi.catalog",
    "imigrasi.applications",
    "imigrasi.appointments",
    "imigrasi.assistant",
    "imigrasi.privacy",
    "imigrasi.outbox",
    "imigrasi.registry",
    "imigrasi.credentials",
    "imigrasi.feedback",
    "imigrasi.sharecodes",
    "imigrasi.complaints",
    "imigrasi.analytics",
    "imigrasi.pages",
    "imigrasi.security",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "django_tasks_db",
    "oauth2_provider",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Never-cache for signed-in answers, Retry-After on every 429 (wraps everything below).
    "imigrasi.security.middleware.ResponseHeadersMiddleware",
    # Answers booking requests for a slot known to be full before the rest of the stack.
    "imigrasi.appointments.sold_out.SoldOutAnswerMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "imigrasi.audit.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "imigrasi.pages.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "imigrasi.accounts.middleware.SessionIdleTimeoutMiddleware",
    "imigrasi.accounts.middleware.StaffSecondFactorMiddleware",
    "imigrasi.privacy.middleware.ConsentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "imigrasi.urls"
WSGI_APPLICATION = "imigrasi.wsgi.application"
ASGI_APPLICATION = "imigrasi.asgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "imigrasi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "imigrasi.pages.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES: dict[str, dict[str, Any]] = {
    "default": dict(
        dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'imigrasi.sqlite3'}"),
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with the per-request health check skipped while a connection is busy.
    DATABASES["default"]["ENGINE"] = "imigrasi.lib.postgresql"
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Server-side parameters, and statements a connection runs five times are prepared:
        # PostgreSQL stops re-planning the same few queries on every request (the booking
        # rush's statements cost half the database CPU). Off behind a pooler that cannot
        # keep prepared statements (PgBouncer in transaction mode before 1.21).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers queue on
    # busy_timeout instead of failing mid-transaction; WAL lets readers run beside a writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file too (not SQLite's shared in-memory mode, whose table locks fail at once
    # instead of waiting): live-server tests serve concurrent requests, as production does.
    # One file per test process, so two test runs on one checkout never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, lockout counters) --------------------------------------------------
# The database cache is correct across server processes with zero setup; Redis when configured.
REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "imigrasi.lib.redis_cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "imigrasi",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B-4: length (15+ for a password that may be the only factor), a blocklist of
# common and breached passwords, no composition rules, no periodic expiry.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 15)},
    },
    {"NAME": "imigrasi.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "imigrasi.accounts.passwords.CommonBaseValidator"},
    {"NAME": "imigrasi.accounts.passwords.ContextWordValidator"},
    {"NAME": "imigrasi.accounts.passwords.RepetitionValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "pages:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "imigrasi.accounts.forms.SignupProfileForm"
ACCOUNT_FORMS = {
    "signup": "imigrasi.accounts.signup.SignupForm",
    "login": "imigrasi.accounts.signup.LoginForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "imigrasi.accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Imigrasi Digital] "
ACCOUNT_RATE_LIMITS = {
    # Lockout: 5 failed logins per account per 15 minutes, 20 per address per minute.
    "login_failed": "20/m/ip,5/900s/key",
    "login": "30/m/ip",
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/m/key",
}
MFA_ADAPTER = "imigrasi.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Imigrasi Digital"
# One 30-second step either side (RFC 6238 §5.2): a code typed as it rolls over, sent over a
# slow connection, still counts. allauth keeps each code single-use over the whole window.
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION

# Sessions: ended when the browser closes, after an absolute lifetime, and after idle time
# (shorter for staff, whose sessions reach other people's data).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_IDLE_SECONDS_APPLICANT = env_int("SESSION_IDLE_SECONDS_APPLICANT", 60 * 60)
SESSION_IDLE_SECONDS_STAFF = env_int("SESSION_IDLE_SECONDS_STAFF", 15 * 60)
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True

API_TOKEN_TTL_SECONDS = env_int("API_TOKEN_TTL_SECONDS", 24 * 3600)
API_TOKEN_TTL_SECONDS_STAFF = env_int("API_TOKEN_TTL_SECONDS_STAFF", 8 * 3600)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "imigrasi" / "locale"]
LANGUAGE_COOKIE_NAME = "imigrasi_lang"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "imigrasi" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Applicants' documents: ciphertext only (imigrasi.applications.documents), never served
    # directly. Point it at an S3-compatible bucket with django-storages in production.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "documents")},
    },
}
WHITENOISE_MAX_AGE = 3600

# --- Analytics (docs/analytics.md) -----------------------------------------------------------
# Raw Parquet export, marts and state; an S3/HDFS path works on Spark, a local folder on both.
ANALYTICS_DIR = Path(env_str("ANALYTICS_DIR", str(VAR_DIR / "analytics")))
# duckdb: in-process, nothing to install. spark: the same Ibis expressions on PySpark.
ANALYTICS_ENGINE = env_str("ANALYTICS_ENGINE", "duckdb")
if ANALYTICS_ENGINE not in {"duckdb", "spark"}:
    raise ImproperlyConfigured("ANALYTICS_ENGINE must be duckdb or spark")
# The Spark master (local[2] runs in-process; spark://host:7077 for a cluster).
ANALYTICS_SPARK_MASTER = env_str("ANALYTICS_SPARK_MASTER", "local[2]")
# Events younger than this are left for the next export: a transaction still open when the
# export runs may commit a lower id later (docs/analytics.md, "Export").
ANALYTICS_EXPORT_LAG_SECONDS = env_int("ANALYTICS_EXPORT_LAG_SECONDS", 60)
# Staffing target: this share of visitors called within QUEUE_TARGET_WAIT_MINUTES.
QUEUE_TARGET_SERVICE_LEVEL = env_float("QUEUE_TARGET_SERVICE_LEVEL", 0.8)
QUEUE_TARGET_WAIT_MINUTES = env_int("QUEUE_TARGET_WAIT_MINUTES", 20)
QUEUE_MAX_OCCUPANCY = env_float("QUEUE_MAX_OCCUPANCY", 0.85)
# Production: documents (ciphertext) in an S3-compatible bucket, private, never public URLs.
DOCUMENTS_S3_BUCKET = env_str("DOCUMENTS_S3_BUCKET", "")
if DOCUMENTS_S3_BUCKET:
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_S3_BUCKET,
            "endpoint_url": env_str("DOCUMENTS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("DOCUMENTS_S3_REGION", "ap-southeast-3"),
            "access_key": env_str("DOCUMENTS_S3_ACCESS_KEY", "") or None,
            "secret_key": env_secret("DOCUMENTS_S3_SECRET_KEY", "") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }

# --- Mail -----------------------------------------------------------------------------------
# Console by default (the verification link appears in the `make run` terminal); SMTP in
# production. Django 6.1's MAILERS replaces the EMAIL_* settings.
_MAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
MAIL_BACKEND = env_str("MAIL_BACKEND", "smtp" if PRODUCTION else "console")
_mail_options: dict[str, Any] = {}
if MAIL_BACKEND == "smtp":
    _mail_options = {
        "host": env_str("SMTP_HOST", "localhost"),
        "port": env_int("SMTP_PORT", 587),
        "username": env_str("SMTP_USERNAME", ""),
        "password": env_secret("SMTP_PASSWORD", ""),
        "use_tls": env_bool("SMTP_USE_TLS", True),
        "timeout": 10,
    }
elif MAIL_BACKEND == "file":
    _mail_options = {"file_path": str(VAR_DIR / "mail")}
MAILERS = {"default": {"BACKEND": _MAIL_BACKENDS[MAIL_BACKEND], "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Imigrasi Digital <noreply@imigrasi.example>")

# --- Applications, payments, documents, background work ---------------------------------------
# Where people reach this installation: links in emails, the payment callback URL.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PAYMENT_GATEWAY_URL = env_str("PAYMENT_GATEWAY_URL", "http://127.0.0.1:8001").rstrip("/")
PAYMENT_GATEWAY_TIMEOUT = float(env_int("PAYMENT_GATEWAY_TIMEOUT_SECONDS", 5))
PAYMENT_CALLBACK_PUBLIC_KEY = env_str(
    "PAYMENT_CALLBACK_PUBLIC_KEY", _dev_secrets.get("payment_public_key", "")
)
BILLING_CODE_TTL_MINUTES = env_int("BILLING_CODE_TTL_MINUTES", 120)
# Decision events to other agencies (imigrasi/outbox): per-attempt timeout of a webhook POST.
OUTBOX_TIMEOUT_SECONDS = float(env_int("OUTBOX_TIMEOUT_SECONDS", 10))
# The receiving-agency simulator that make run starts; the demo agencies subscribe at it with
# the development secret (never read from the environment: production agencies get their own).
AGENCY_RECEIVER_URL = env_str("AGENCY_RECEIVER_URL", "http://127.0.0.1:8004").rstrip("/")
DEMO_AGENCY_WEBHOOK_SECRET = _dev_secrets.get("agency_webhook_secret", "")
# Population registry (Dukcapil-style) and tax office (DJP-style): our simulators in
# development (make run starts them); the real systems by configuration (docs/integrations.md).
POPULATION_REGISTRY_URL = env_str("POPULATION_REGISTRY_URL", "http://127.0.0.1:8003").rstrip("/")
TAX_OFFICE_URL = env_str("TAX_OFFICE_URL", "http://127.0.0.1:8005").rstrip("/")
REGISTRY_CLIENT_ID = env_str("REGISTRY_CLIENT_ID", "imigrasi-dev")
REGISTRY_TIMEOUT_SECONDS = float(env_int("REGISTRY_TIMEOUT_SECONDS", 5))
REGISTRY_RATE_PER_SECOND = env_int("REGISTRY_RATE_PER_SECOND", 20)
# A check that still has no answer after this many tries goes to an officer (manual check).
REGISTRY_MAX_ATTEMPTS = env_int("REGISTRY_MAX_ATTEMPTS", 6)
# A JWK set of retired credential-signing public keys, still published for verification.
CREDENTIAL_RETIRED_KEYS_FILE = env_str("CREDENTIAL_RETIRED_KEYS_FILE", "")
# Document checks per address on /verifikasi/ and POST /api/v1/credentials/verify together.
CREDENTIAL_CHECK_RATE = env_str("CREDENTIAL_CHECK_RATE", "30/m/ip")
# The satisfaction survey (docs/feedback.md): how long a one-time link works, when the one
# reminder goes, and the answers accepted per address and per link.
FEEDBACK_LINK_DAYS = env_int("FEEDBACK_LINK_DAYS", 30)
FEEDBACK_REMINDER_DAYS = env_int("FEEDBACK_REMINDER_DAYS", 3)
FEEDBACK_SUBMIT_RATE = env_str("FEEDBACK_SUBMIT_RATE", "20/m/ip")
FEEDBACK_LINK_RATE = env_str("FEEDBACK_LINK_RATE", "10/h/link")
# Share codes (imigrasi/sharecodes): status checks per OAuth client on
# POST /api/v1/status-checks, per address on the web page /cek-status-izin/, and wrong dates
# of birth a code tolerates per day before it refuses every check (guessing the birth date).
STATUS_CHECK_RATE_PER_CLIENT = env_str("STATUS_CHECK_RATE_PER_CLIENT", "60/m")
SHARE_CODE_WEB_CHECK_RATE = env_str("SHARE_CODE_WEB_CHECK_RATE", "10/m/ip")
SHARE_CODE_MAX_WRONG_BIRTH_DATES = env_int("SHARE_CODE_MAX_WRONG_BIRTH_DATES", 5)
# Complaints (docs/complaints.md): complaints filed and tracking attempts per address; the
# SP4N-LAPOR! channel (our simulator in development) and the secret that signs both directions.
COMPLAINT_RATE = env_str("COMPLAINT_RATE", "5/h/ip")
COMPLAINT_TRACK_RATE = env_str("COMPLAINT_TRACK_RATE", "10/m/ip")
LAPOR_URL = env_str("LAPOR_URL", "http://127.0.0.1:8006").rstrip("/")
LAPOR_SECRET = env_secret("LAPOR_SECRET", _dev_secrets.get("lapor_secret", ""))
LAPOR_TIMEOUT_SECONDS = float(env_int("LAPOR_TIMEOUT_SECONDS", 5))
# django-oauth-toolkit: only the token endpoint is mounted (/o/token/); employers and agencies
# use the client-credentials grant with the one scope below. Clients are registered by an
# administrator (admin or `manage.py create_verifier_client`); their secrets are stored hashed.
OAUTH2_PROVIDER = {
    "SCOPES": {"status:read": "Check a person's permission to stay with a share code they gave"},
    "DEFAULT_SCOPES": ["status:read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OAUTH_ACCESS_TOKEN_SECONDS", 3600),
    # Changes to clients in the admin are audited, the secret redacted.
    "APPLICATION_ADMIN_CLASS": "imigrasi.sharecodes.admin_clients.VerifierClientAdmin",
}
# DOT's models are swappable; migrations that point at them need the setting named.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# ECDSA P-256 private key (PKCS#8 PEM) that signs the QR codes of issued documents
# (imigrasi/lib/credentials.py, ADR 0008); retired public keys stay published for checking.
CREDENTIAL_SIGNING_KEY = env_secret(
    "CREDENTIAL_SIGNING_KEY", _dev_secrets.get("credential_signing_key", "")
)
# Office whose officers process applications that need no visit (e-VoA, visas).
ONLINE_PROCESSING_OFFICE = env_str("ONLINE_PROCESSING_OFFICE", "kanim-jakarta-selatan")
CLAMD_ADDRESS = env_str("CLAMD_ADDRESS", "")
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
SMS_BACKEND = env_str("SMS_BACKEND", "imigrasi.applications.notifications.ConsoleTextMessages")
STATUS_CHECK_RATE = env_str("STATUS_CHECK_RATE", "10/m/ip")
TASKS = {
    "default": {"BACKEND": env_str("TASKS_BACKEND", "imigrasi.lib.tasks_backend.DatabaseBackend")}
}

# --- Bookings and the on-site queue (docs/appointments.md) -----------------------------------
# Booking transactions allowed in flight per server process; the next ones wait up to
# BOOKING_ADMISSION_WAIT_SECONDS, then get the "busy, your place and retry time" answer.
BOOKING_CONCURRENCY = env_int("BOOKING_CONCURRENCY", 4)
BOOKING_ADMISSION_WAIT_SECONDS = float(env_int("BOOKING_ADMISSION_WAIT_SECONDS", 3))
# A sold-out slot is answered from memory for this long (a freed place shows up after it).
BOOKING_SOLD_OUT_MEMO_SECONDS = float(env_int("BOOKING_SOLD_OUT_MEMO_SECONDS", 2))
# Office configuration (hours, services, policy) is re-read at least this often per process.
BOOKING_CONFIG_CACHE_SECONDS = env_int("BOOKING_CONFIG_CACHE_SECONDS", 10)
BOOKING_RATE = env_str("BOOKING_RATE", "30/m/user")
# Assistant questions per client address (API and chat page).
ASSISTANT_RATE = env_str("ASSISTANT_RATE", "30/m")
# Optional rephrasing of retrieved answers by an OpenAI-compatible endpoint (off when empty).
ASSISTANT_REPHRASE_URL = env_str("ASSISTANT_REPHRASE_URL", "")
ASSISTANT_REPHRASE_MODEL = env_str("ASSISTANT_REPHRASE_MODEL", "gpt-4o-mini")
ASSISTANT_REPHRASE_API_KEY = env_secret("ASSISTANT_REPHRASE_API_KEY", "")
ASSISTANT_REPHRASE_TIMEOUT = env_float("ASSISTANT_REPHRASE_TIMEOUT", 2.0)
KIOSK_CODE_RATE = env_str("KIOSK_CODE_RATE", "30/m/ip")
KIOSK_INACTIVITY_SECONDS = env_int("KIOSK_INACTIVITY_SECONDS", 45)
KIOSK_DEVICE_DAYS = env_int("KIOSK_DEVICE_DAYS", 180)
QUEUE_BOARD_POLL_SECONDS = env_int("QUEUE_BOARD_POLL_SECONDS", 2)

# --- Personal data protection (UU 27/2022; docs/privacy.md) ----------------------------------
# How long a prepared copy of someone's data can be downloaded before it is deleted.
PRIVACY_EXPORT_DAYS = env_int("PRIVACY_EXPORT_DAYS", 7)
# The data protection officer's address: breach notices are sent with it as reply-to.
PRIVACY_OFFICER_EMAIL = env_str("PRIVACY_OFFICER_EMAIL", "dpo@imigrasi.example")
# The retention schedule `manage.py apply_retention` applies (set to the archive schedule).
RETENTION_DRAFT_DAYS = env_int("RETENTION_DRAFT_DAYS", 180)
RETENTION_DECIDED_YEARS = env_int("RETENTION_DECIDED_YEARS", 10)
RETENTION_UNPURSUED_YEARS = env_int("RETENTION_UNPURSUED_YEARS", 2)
RETENTION_VISIT_YEARS = env_int("RETENTION_VISIT_YEARS", 2)
RETENTION_CONVERSATION_DAYS = env_int("RETENTION_CONVERSATION_DAYS", 365)
RETENTION_UNVERIFIED_DAYS = env_int("RETENTION_UNVERIFIED_DAYS", 30)

# --- Security headers -----------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-src": [CSP.SELF],  # scans (PDF) shown beside the data in the back office
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "imigrasi.pages.views.csrf_failure"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging: never personal data; the audit log is the record of who saw what ---------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Secrets, NIK-like numbers and email addresses are masked before anything is written.
    "filters": {"redact": {"()": "imigrasi.lib.log_redaction.RedactingFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.csrf": {"level": "WARNING"},
        # httpx logs full URLs at INFO; outbound URLs may carry identifiers.
        # A refused request (4xx: a full slot, a wrong code) is an answer, not an incident; at
        # WARNING every loser of a booking rush would write a log line. Server errors still log.
        "django.request": {"level": "ERROR"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "py4j": {"level": "WARNING"},  # Spark's bridge: connection chatter at INFO
        # Stylesheets parsed once at import: a progress line per stylesheet per process.
        "weasyprint": {"level": "WARNING"},
        "pyrate_limiter": {"level": "WARNING"},  # a line per limiter created
        "fontTools": {"level": "WARNING"},
    },
}

# The variables read above, frozen now (tests check each is documented in configuration.md).
ENVIRONMENT_VARIABLES = frozenset(READ_VARIABLES)
SECRET_ENVIRONMENT_VARIABLES = frozenset(SECRET_VARIABLES)
