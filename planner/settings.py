"""Settings, all read from the environment (see the README's table).

With nothing set, the embedded default runs on one machine with no servers: a SQLite file and
Celery's filesystem transport under `var/`. `PLANNER_MODE=production` turns on every
deployment protection and refuses to start without a real `SECRET_KEY`.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

# Django's generic classes (ModelAdmin[Plan], ModelChoiceField[...]) subscriptable at run time,
# as their type hints are: django-stubs' documented way.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PLANNER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PLANNER_MODE = os.environ.get("PLANNER_MODE", "development")
if PLANNER_MODE not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"PLANNER_MODE must be 'development' or 'production', not {PLANNER_MODE!r}"
    )
PRODUCTION = PLANNER_MODE == "production"


def production_secret_key(value: str | None) -> str:
    """The secret key production runs with, or the reason it refuses to start."""
    if not value:
        raise ImproperlyConfigured("SECRET_KEY must be set when PLANNER_MODE=production")
    if value.startswith("django-insecure") or len(value) < 50 or len(set(value)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
        )
    return value


def development_secret_key() -> str:
    """A key kept in var/ so that sign-ins survive a restart of the embedded app."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def development_vapid_key() -> str:
    """A push signing key kept in var/ beside the secret key, made on first use: subscriptions
    are tied to it, so it must survive a restart."""
    if os.environ.get("VAPID_PRIVATE_KEY"):
        return os.environ["VAPID_PRIVATE_KEY"]
    key_file = VAR_DIR / "vapid_private_key"
    if not key_file.exists():
        from kit.vapid import new_private_key

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(new_private_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


if PRODUCTION:
    SECRET_KEY = production_secret_key(os.environ.get("SECRET_KEY"))
    DEBUG = env_bool("DEBUG", False)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when PLANNER_MODE=production")
    if not os.environ.get("CACHE_URL"):
        # Each web process would count failed sign-ins on its own: guesses spread over the
        # processes would go unslowed.
        raise ImproperlyConfigured(
            "CACHE_URL must be set when PLANNER_MODE=production (e.g. redis://host:6379/1): "
            "the sign-in counters must be shared by every web process"
        )
else:
    SECRET_KEY = development_secret_key()
    DEBUG = env_bool("DEBUG", True)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    # Before the admin, as its docs require, so the admin's forms get its translated fields.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # allauth's list of sessions says "3 hours ago".
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.headless",
    "conditions",
    "exercises",
    "planner",
    "audit",
]

MIDDLEWARE = [
    "kit.proxies.ForwardedHeadersMiddleware",
    "kit.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A visitor's language from the browser (Accept-Language); a signed-in person's own
    # choice, when she made one, is put in force after authentication (planner.accounts.language).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "planner.accounts.clock.PersonZoneMiddleware",
    "planner.accounts.language.PersonLanguageMiddleware",
    "kit.private_pages.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "planner.accounts.two_factors.EnrolmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kit.deep_json.DeepJsonMiddleware",
]

# Pages run no inline script or style: every script and stylesheet is a file the app serves,
# so an injected <script> has nowhere to run. Charts are SVG the app draws, hence data: images.
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

ROOT_URLCONF = "planner.urls"
WSGI_APPLICATION = "planner.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "planner.pages.context.roles",
            ],
        },
    },
    {
        # The emails' templates (planner/jinja2/): drawn by Jinja2 for the send path's CPU
        # (planner/delivery/email_templates.py says why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "email",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "planner.delivery.email_templates.environment"},
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE_PATH = VAR_DIR / "planner.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
if DATABASE_URL.startswith("sqlite"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded app runs web, worker and beat on one file: WAL lets readers go on while
    # one writes, and IMMEDIATE transactions wait for the write lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory: the scheduling tests run a real Celery worker on the test database.
    # One per test process, so that two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_planner_{os.getpid()}.sqlite3")}
else:
    # A connection broken by a database restart is dropped before the next request uses it.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
# A sign-in ends after a week without use (Django's default: two weeks after signing in,
# however idle). A week: a runner who exercises a few times a week, on her phone, stays signed
# in; a phone or a shared computer left aside stops showing health data within the week.
# kit.sessions renews the expiry as the session is used (at most one write an hour), where
# SESSION_SAVE_EVERY_REQUEST would write on every request.
SESSION_ENGINE = "kit.sessions"
SESSION_COOKIE_AGE = 7 * 24 * 60 * 60

# --- Accounts: django-allauth (sign-up, sign-in, email, password reset, two factors) ------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "planner.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "planner.accounts.forms.SignInForm",
    "signup": "planner.accounts.forms.SignUpForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
# Anyone may use the app before confirming their address, but nothing is sent to it (no
# reminder, no therapist's invitation) until they have: see planner.accounts.addresses.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
# Sign-up with a registered address looks like any other sign-up (the owner is told by
# email); only one account can hold an address confirmed.
ACCOUNT_PREVENT_ENUMERATION = "strict"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Rehab planner: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Failed passwords are slowed by planner.accounts.signin_guard (per name and address, with a
# capped brake on the account alone, so a stranger cannot keep the owner out): the adapter's
# pre_authenticate replaces allauth's counter for passwords. allauth's `login_failed` limit
# stays on: it is also what limits wrong second-factor codes.
MFA_ADAPTER = "planner.accounts.two_factors.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Rehab planner"
# WebAuthn needs a secure origin; http://localhost is one for browsers, so bin/run can try it.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
USERSESSIONS_TRACK_ACTIVITY = False
# The same flows for apps, under /_allauth/app/v1/ (its OpenAPI at /_allauth/openapi.html):
# sign-in ends with an API token (planner.accounts.tokens.KnoxTokenStrategy).
HEADLESS_CLIENTS = ("app",)
HEADLESS_TOKEN_STRATEGY = "planner.accounts.tokens.KnoxTokenStrategy"
HEADLESS_SERVE_SPECIFICATION = True
# API tokens (django-rest-knox): kept as a hash, shown once, valid 30 days.
REST_KNOX = {"TOKEN_TTL": timedelta(days=30), "AUTH_HEADER_PREFIX": "Token"}

# --- The REST API: deny by default ---------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous caller is then told how to authenticate (401, not 403).
        "planner.accounts.tokens.ExpiringTokenAuthentication",
        # Both answer in the person's own language (planner.accounts.api_language).
        "planner.accounts.tokens.LanguageSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API reads JSON only (415 for anything else). DRF's form parsers read a blank optional
    # field as not sent and a multipart body without parts as an empty one, so `time_zone=`
    # or a garbled upload answered 200 and changed nothing; no client of the API sends forms
    # (the pages post to their own views).
    # A body nested past the recursion limit is a 400 for every view (kit/deep_json.py).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "kit.api.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "kit.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rehab planner API",
    "DESCRIPTION": "Progressive home exercise plans for runners and walkers, and their therapists.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page's assets are served by the app itself, never from a CDN.
    # Several models have a "status"; each set of choices gets its own, stable name.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "planner.models.Plan.Status",
        "PlanStatusChangeEnum": "planner.api.plans.PLAN_STATUS_CHANGES",
        "CareLinkStatusEnum": "planner.models.CareLink.Status",
        "ReminderStateEnum": "planner.models.Reminder.State",
        "DeliveryStateEnum": "planner.models.Delivery.State",
        "ExerciseKindEnum": "exercises.models.Exercise.Kind",
        "VariationKindEnum": "exercises.models.Variation.Kind",
        "RedFlagUrgencyEnum": "conditions.models.RedFlag.Urgency",
        "AlertUrgencyEnum": "planner.models.Urgency",
    },
    # Every operation's error answers (400, 401, 403, 404, 429), written in once.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "planner.api.openapi.add_error_answers",
    ],
    # A database id in a path (kit/ids.py): an integer, at most 10**18 - 1.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
CACHES = {
    "default": (
        {
            # Redis, forgiving while it is down (kit/forgiving_cache.py).
            "BACKEND": "kit.forgiving_cache.ForgivingRedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Time and language ----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
# The catalog is written in English (the source of truth) with Spanish beside it, per entry in
# the data files (docs/catalog-languages.md). Which language a person sees is chosen elsewhere;
# these are what django-modeltranslation makes the catalog's columns for.
LANGUAGES = [("en", "English"), ("es", "Español")]
# The interface's words: English in the code, Spanish in locale/es (docs/languages.md).
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# A field with no Spanish yet shows its English rather than nothing.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files: served by the app itself (WhiteNoise), never from a CDN ------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# In development the app serves assets straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG
# --- Uploaded media (therapists' and admins' photos and videos of exercises) -----------------
# Never served straight from the storage: a view checks who may see each file first.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/uploads/"
MEDIA_IMAGE_MAX_BYTES = int(os.environ.get("MEDIA_IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
# Pillow refuses larger pictures before decoding them (a decompression bomb).
MEDIA_IMAGE_MAX_PIXELS = int(os.environ.get("MEDIA_IMAGE_MAX_PIXELS", str(40_000_000)))
MEDIA_IMAGE_LONGEST_SIDE = 1600  # a re-encoded photo; its thumbnail is 480
MEDIA_VIDEO_MAX_BYTES = int(os.environ.get("MEDIA_VIDEO_MAX_BYTES", str(50 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file, not memory
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Any S3-compatible store (AWS, MinIO, Ceph...) through django-storages when a bucket is named:
# pip install -e ".[s3]" and set MEDIA_S3_BUCKET (with MEDIA_S3_ENDPOINT_URL for a non-AWS one
# and the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
MEDIA_STORAGE: dict[str, Any] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if MEDIA_S3_BUCKET
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }
)

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Email --------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)


def env_port(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ImproperlyConfigured(f"{name} must be a port number from 1 to 65535, not {value!r}")
    return int(value)


# The port bin/run serves on; reminder links follow it unless SITE_URL says otherwise.
PORT = env_port("PORT", 8000)
SITE_URL = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{PORT}").rstrip("/")
# The number a runner calls in an emergency, shown as a tel: link wherever a warning sign
# needs help now: set it per deployment (112 reaches emergency services across Europe and from
# most mobile phones elsewhere; 911 in North America, 000 in Australia).
EMERGENCY_PHONE = os.environ.get("EMERGENCY_PHONE", "112")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Rehab planner <planner@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Web Push -----------------------------------------------------------------------------------
# The key the app signs its push messages with (VAPID, RFC 8292), kept like the secret key: from
# the environment in production (a raw P-256 private key, base64url, as `bin/vapid_key` prints),
# in var/ otherwise. Production without one offers no push; every other channel runs as before.
VAPID_PRIVATE_KEY = (
    os.environ.get("VAPID_PRIVATE_KEY", "") if PRODUCTION else development_vapid_key()
)
# Who runs this deployment, for push services to contact (RFC 8292's "sub").
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:planner@localhost")
# The push services a browser's subscription may point at: the app sends health reminders to
# these hosts only (a subscription naming any other address would make the server post to it).
# Each entry is an origin, or a host beginning with "*." for all its subdomains, over HTTPS.
PUSH_SERVICES = env_list(
    "PUSH_SERVICES",
    [
        "https://fcm.googleapis.com",
        "https://updates.push.services.mozilla.com",
        "https://*.push.apple.com",
        "https://*.notify.windows.com",
    ],
)

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    # One folder for both directions: the filesystem transport is one queue shared by web,
    # worker and beat on this machine.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker waits out a broker outage however long it lasts (Celery's default gives up after
# 100 tries, about 50 minutes, and the worker exits); the sweeper then sends what was missed.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# One entry for everyone: the dispatcher finds what is due in the database (never one beat
# entry per person). It runs at the start of each minute of the clock (a crontab, not an
# interval, which counts from when beat started and so claimed a reminder due at 07:30:00 up
# to a minute late). A tick older than its minute is dropped, not run late in a pile.
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-reminders": {
        "task": "planner.tasks.dispatch_due_reminders",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    "sweep-unsent-deliveries": {
        "task": "planner.tasks.sweep_deliveries",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 290},
    },
}
CELERY_TIMEZONE = "UTC"

# --- Production protections (`manage.py check --deploy` prints nothing) ------------------------
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe /health over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# How many proxies of our own stand in front of the app (a TLS proxy: 1). The client's address
# is then the one the outermost of them saw, read from the end of X-Forwarded-For (each proxy
# appends what it saw; anything before that a client could have written). 0: the header is
# never read, the address is the connection's.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
# X-Forwarded-Proto says whether the client spoke HTTPS to our proxy. Any client that reaches
# the app itself can write it too, so it is read only behind proxies of our own, which must
# overwrite it (README, "Behind a proxy"); with none, a request is HTTPS when it came over TLS.
if PRODUCTION and env_bool("BEHIND_TLS_PROXY", False):
    if TRUSTED_PROXY_COUNT < 1:
        raise ImproperlyConfigured(
            "BEHIND_TLS_PROXY needs TRUSTED_PROXY_COUNT of 1 or more (the proxies in front of "
            "the app): X-Forwarded-Proto is only trusted from proxies of our own"
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# allauth's own limits (password-reset and confirmation emails, sign-ups) count the same address.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Where our proxies connect from: forwarded headers from anywhere else are dropped
# (kit/proxies.py), so a client that reaches the app server directly cannot write them.
TRUSTED_PROXY_ADDRESSES = env_list("TRUSTED_PROXY_ADDRESSES", ["127.0.0.1", "::1"])
for _address in TRUSTED_PROXY_ADDRESSES:
    try:
        ipaddress.ip_network(_address, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_ADDRESSES must list addresses or networks, not {_address!r}"
        ) from exc

# One JSON object per line (kit.logs), each with the request's id; LOG_FORMAT=plain for
# a human at a terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'plain', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "kit.logs.RequestIdFilter"},
        "redact_secrets": {"()": "kit.logs.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {"()": "kit.logs.JsonFormatter"},
        "plain": {"()": "kit.logs.PlainFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # SQL with its parameters (pain, notes) is logged at DEBUG: never, whatever LOG_LEVEL.
        "django.db.backends": {"level": "INFO"},
        # Django's own handlers (a bare-message console copy of every django.* record, and
        # mail to the ADMINS there are none of) go: its records reach the console once.
        "django": {"handlers": [], "propagate": True},
        # runserver writes its own line for every request, which the access line
        # (planner.access) already is: only its errors (5xx, HTTPS spoken to it) are kept.
        # Its line quotes the raw request line: calendar feed tokens come out of it here,
        # whichever handler writes it. django.request names paths too.
        "django.server": {
            "level": "ERROR",
            "handlers": [],
            "propagate": True,
            "filters": ["redact_secrets"],
        },
        "django.request": {"filters": ["redact_secrets"]},
    },
}
