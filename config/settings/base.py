"""Essaim settings: every value comes from the environment (see .env.example)."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Our apps first so their templates and translations win.
    "programmes",
    "cjs",
    "flashcoop",
    "lms",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.AdminFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL points elsewhere (PostgreSQL in production and CI).
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, so every web node shares one cache; process memory otherwise.
# While Redis is down the cache misses instead of failing the request (config/cache.py).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "programmes.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "/"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 8)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mail: printed to the console unless EMAIL_URL says otherwise (smtp://user:pass@host:587 ...).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Essaim <no-reply@essaim.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker, tasks run eagerly in-process so a bare machine needs nothing else.
# What these settings guarantee, and the tests that prove it: docs/reliability.md.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A message is acknowledged once its task has run, and handed back to the queue when the process
# running it dies (killed, out of memory): a task is never lost with its worker. Hence idempotent tasks.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No result backend: nothing reads results, and a backend on a dead Redis blocks `.delay()` for ~19 s.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# Redis hands an unacknowledged message to another worker after this long: longer than any task
# (the longest, a season's follow-up round or a certificate batch, takes minutes), so a slow task is
# not run twice in parallel; a worker that vanished entirely has its task redelivered after it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 60 * 60,
    "socket_connect_timeout": 1,
    # A Redis that vanishes without closing the connection (failover, NAT) must not hang a worker or beat.
    "socket_timeout": 10,
}
# Requests never publish directly: they write to the outbox (programmes/outbox.py), which publishes
# after commit with its own short timeouts and no retry, and a sweep publishes what is left.
CELERY_TASK_PUBLISH_RETRY = False
# A worker that loses the broker mid-task finishes the task (its e-mail goes out now); should the
# acknowledgement be lost with the connection, Redis redelivers after the visibility timeout and the
# idempotent task finds its work done.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks run by `celery -A config beat` (crontab times in CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE = {
    # Publish what the outbox kept while the broker was unreachable.
    "outbox-sweep": {"task": "programmes.tasks.sweep_outbox", "schedule": 60},
    # Flashcoop follow-ups at +3 and +6 months: create, e-mail, remind, mark unreachable. Every hour at a
    # fixed minute (the round is idempotent): a tick lost to a broker outage or a beat restart costs an
    # hour, where a 24-hour interval restarted with each deployment might never come round.
    "flashcoop-follow-ups": {"task": "flashcoop.tasks.run_follow_ups", "schedule": crontab(minute=15)},
}

# Wagtail
WAGTAIL_SITE_NAME = "Essaim"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "csv", "xlsx", "ods", "odt", "docx", "txt"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Essaim API",
    "DESCRIPTION": "Cohorts, people, training and impact figures of the CJS and Flashcoop programmes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["config.api.only_public_api"],
    "ENUM_NAME_OVERRIDES": {
        "CohortStatusEnum": "programmes.choices.CohortStatus",
        "EnrolmentStatusEnum": "programmes.choices.EnrolmentStatus",
        "AttendanceStatusEnum": "programmes.choices.AttendanceStatus",
        "YesNoRefusedEnum": "flashcoop.choices.YesNoRefused",
        "ExitReasonEnum": "programmes.choices.ExitReason",
        "DistributionMethodEnum": "cjs.choices.DistributionMethod",
        "ServiceTypeEnum": "cjs.choices.ServiceType",
        "ClientKindEnum": "cjs.choices.ClientKind",
        "MeetingKindEnum": "cjs.choices.MeetingKind",
        "VoteChoiceEnum": "cjs.choices.VoteChoice",
        "ServiceRequestStatusEnum": "cjs.choices.ServiceRequestStatus",
    },
    # Swagger UI is served from our static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Security: strict in production (debug off); each value can be relaxed by its variable.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING" if not DEBUG else "INFO"},
        # Wagtail logs every background task and page action at INFO; keep the console readable.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# Rate limits (django-ratelimit) count in the cache: while Redis is down they let requests through
# rather than refusing every public form and login (an outage must not lock people out).
RATELIMIT_FAIL_OPEN = True

# Essaim's own knobs.
ESSAIM_DEMO_PASSWORD = "essaim-demo"
# Benchmarks only (`make bench`): routes the floor view and lets generate_scale_data run with debug off.
ESSAIM_BENCH = env.bool("ESSAIM_BENCH", default=False)
# Person counts below this are never published: they show as « < 11 » (DESIGN §6).
ESSAIM_DISCLOSURE_THRESHOLD = 11
# Outbox (programmes/outbox.py): seconds a publish may wait on the broker per socket operation; rows per
# sweep transaction; days sent messages are kept (their arguments may hold e-mail addresses); seconds
# after which a pending message counts as stale on /healthz; seconds after which a message published
# and never done is published again (more than the visibility timeout), and how many times at most.
ESSAIM_OUTBOX_PUBLISH_TIMEOUT = 0.5
ESSAIM_OUTBOX_BATCH_SIZE = 100
ESSAIM_OUTBOX_KEEP_SENT_DAYS = 7
ESSAIM_OUTBOX_STALE_AFTER = 5 * 60
ESSAIM_OUTBOX_REDELIVER_AFTER = 3 * 60 * 60
ESSAIM_OUTBOX_MAX_PUBLICATIONS = 3
# A CJS assembly votes validly when at least this share of its current members attends.
ESSAIM_CJS_QUORUM = 0.5
