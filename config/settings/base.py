"""Essaim settings: every value comes from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "wagtail_2fa",
    "axes",
    "csp",
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
    # Outside the others, so that redirects and errors they answer are covered too (static files are not).
    "config.middleware.PrivateResponseMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.AuditActorMiddleware",
    # Second factor (TOTP) for every account that can enter the admin: coordinators, fabrique, admins.
    "config.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.AdminFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it turns a lockout flagged anywhere below into the 429 page.
    "axes.middleware.AxesMiddleware",
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
if "postgresql" in DATABASES["default"]["ENGINE"] and not env.bool("DATABASE_JIT", default=False):
    # PostgreSQL's JIT compiles the plan of any query it deems costly: tens of milliseconds spent on the
    # dashboards' correlated counts, which run in a few. Off for this short-query workload.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
if "postgresql" in DATABASES["default"]["ENGINE"] and env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # Server-side binding lets psycopg prepare a query the connection has run a few times, so PostgreSQL
    # plans it once per connection (persistent, see CONN_MAX_AGE) instead of on every request: the
    # pages' access-scoped joins took longer to plan than to run. Off behind a transaction pooler
    # (PgBouncer in transaction mode) with DATABASE_PREPARED_STATEMENTS=0.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env.int("DATABASE_PREPARE_THRESHOLD", default=2)
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
# Axes first: it refuses a locked-out username and address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "programmes.auth_backends.AccountBackend",  # Django's ModelBackend, with the roles in the same query
]
# CNIL recommendation (deliberation 2022-100) for passwords used alone: about 80 bits of strength
# (see programmes.passwords), never a common password nor one close to the account's details.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "programmes.passwords.CnilPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "/"
# A session lasts at most this long after logging in (8 hours: one working day), then asks again.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis in production) and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is refused for the cool-off time, on the login page, the admin login and the API token alike.
AXES_FAILURE_LIMIT = env.int("ESSAIM_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ESSAIM_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "programmes.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "programmes.security.client_ip"
AXES_ENABLE_ADMIN = False
# Successful logins are not logged by axes (the audit log and the web server's logs are enough);
# failed attempts are kept AXES_COOLOFF_TIME then purged by axes itself.
AXES_DISABLE_ACCESS_LOG = True
AXES_USE_ATTEMPT_EXPIRATION = True
# Reverse proxies in front of the application (their X-Forwarded-For entries are trusted): 0 = none.
ESSAIM_TRUSTED_PROXY_COUNT = env.int("ESSAIM_TRUSTED_PROXY_COUNT", default=0)

# Two-factor authentication (wagtail-2fa on django-otp, TOTP): required of every account that can enter
# the Wagtail admin (coordinators, the national team, superusers), on the front office and the admin.
WAGTAIL_2FA_REQUIRED = True
OTP_TOTP_ISSUER = "Essaim"

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
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Largest upload of each kind, in bytes (programmes.uploads); archives are course packages (SCORM).
ESSAIM_UPLOAD_LIMITS = {
    "image": 10 * 1024 * 1024,
    "document": 20 * 1024 * 1024,
    "csv": 5 * 1024 * 1024,
    "archive": 100 * 1024 * 1024,
}
# How long a computed dashboard or statistics figure may stay in the cache at most; any change of
# programme data starts a new generation before that (programmes.figures).
ESSAIM_FIGURES_CACHE_SECONDS = env.int("ESSAIM_FIGURES_CACHE_SECONDS", default=600)
# Course structures and the course catalogue, cached per structure generation (lms/structure_cache.py).
ESSAIM_STRUCTURES_CACHE_SECONDS = env.int("ESSAIM_STRUCTURES_CACHE_SECONDS", default=3600)
# What an archive may hold before anything is extracted (programmes.archives.safe_extract).
ESSAIM_ARCHIVE_LIMITS = {
    "max_members": 2000,
    "max_total_bytes": 500 * 1024 * 1024,
    "max_member_bytes": 200 * 1024 * 1024,
    "max_ratio": 100,
}

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
    # Evaluation campaigns: invitations of the open waves, e-mailed links, one reminder.
    "evaluation-campaigns": {"task": "programmes.evaluation.tasks.run_campaigns", "schedule": 60 * 60 * 24},
    # Training: delete connection-log entries older than ESSAIM_LMS_CONNECTION_LOG_DAYS.
    "lms-purge-connection-log": {"task": "lms.tasks.purge_connection_log", "schedule": 60 * 60 * 24},
    # Personal data past their retention are anonymised (docs/privacy.md), statistics untouched.
    "privacy-retention": {"task": "programmes.tasks.apply_retention", "schedule": 60 * 60 * 24},
    # Publish what the outbox kept while the broker was unreachable.
    "outbox-sweep": {"task": "programmes.tasks.sweep_outbox", "schedule": 60},
    # Flashcoop follow-ups at +3 and +6 months: create, e-mail, remind, mark unreachable. Every hour at a
    # fixed minute (the round is idempotent): a tick lost to a broker outage or a beat restart costs an
    # hour, where a 24-hour interval restarted with each deployment might never come round.
    "flashcoop-follow-ups": {"task": "flashcoop.tasks.run_follow_ups", "schedule": crontab(minute=15)},
}
# Task modules outside an app's tasks.py (autodiscovery finds only those).
CELERY_IMPORTS = ["programmes.evaluation.tasks"]

# Wagtail
WAGTAIL_SITE_NAME = "Essaim"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "csv", "xlsx", "ods", "odt", "docx", "txt"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = ESSAIM_UPLOAD_LIMITS["image"]
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Upload forms of the admin that check the content of each file (programmes.uploads).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.forms.ImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.forms.DocumentForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No Gravatar in the admin: it would send a hash of each user's e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

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
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Public endpoints name their scope (`throttle_scope` with ScopedRateThrottle, or
    # programmes.security.throttle(scope) on a plain view); the rates are per client address.
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("ESSAIM_RATE_AUTH", default="30/h"),
        "verification": env.str("ESSAIM_RATE_VERIFICATION", default="120/h"),
        "personal_link": env.str("ESSAIM_RATE_PERSONAL_LINK", default="30/h"),
        # Commits of the SCORM run-time, counted per learner (a class shares one address).
        "scorm_commit": env.str("ESSAIM_RATE_SCORM_COMMIT", default="1200/h"),
    },
    "NUM_PROXIES": ESSAIM_TRUSTED_PROXY_COUNT,
}
# django-ratelimit (public CJS forms) reads the client's address the same way as axes and DRF.
RATELIMIT_IP_META_KEY = "programmes.security.client_ip"
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
        "CertificateStatusEnum": "lms.choices.CertificateStatus",
        "CertificateKindEnum": "lms.choices.CertificateKind",
        "LiveAttendanceStatusEnum": "lms.choices.LiveAttendanceStatus",
        "LiveSessionKindEnum": "lms.choices.LiveSessionKind",
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
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): strict on the public site and the front office (no inline
# script or style, a nonce for the rare inline script); Wagtail's admin gets ESSAIM_ADMIN_CSP
# (config.middleware.ContentSecurityPolicyMiddleware), since its editors need inline scripts and styles.
# Video players embedded in pages and lessons (EmbedBlock): YouTube, Vimeo and the PeerTube hosts listed.
CSP_FRAME_SOURCES = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    *env.list("ESSAIM_CSP_FRAME_SOURCES", default=[]),
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [SELF, *CSP_FRAME_SOURCES],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": not DEBUG,
    },
}
ESSAIM_ADMIN_CSP = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    # The admin's live preview frames the site's own pages.
    "frame-ancestors": [SELF],
}
# Looser policies by path prefix (the first match applies): Wagtail's admin with its 2FA pages, and
# Swagger UI (/api/docs/), whose scripts are our own files but which sets inline styles.
# SCORM content (lms.scorm.views.content): authored elsewhere, it needs inline scripts and styles and
# sometimes eval; it runs in a sandbox that keeps it scripting (allow-scripts) and able to reach the
# run-time in the lesson page (allow-same-origin): see docs/security.md for the trade-off.
ESSAIM_SCORM_CSP = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [SELF, UNSAFE_INLINE, UNSAFE_EVAL],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "media-src": [SELF, "blob:"],
    "frame-ancestors": [SELF],
    "sandbox": ["allow-scripts", "allow-same-origin", "allow-forms"],
}
ESSAIM_CSP_BY_PREFIX = [
    ("/admin/", ESSAIM_ADMIN_CSP),
    ("/learn/scorm/content/", ESSAIM_SCORM_CSP),
    ("/api/docs/", {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "style-src": [SELF, UNSAFE_INLINE]}),
]

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
        # Failed logins and lockouts are logged at WARNING; the start-up banner at INFO is noise.
        "axes": {"level": "WARNING"},
    },
}

# Rate limits (django-ratelimit) count in the cache: while Redis is down they let requests through
# rather than refusing every public form and login (an outage must not lock people out).
RATELIMIT_FAIL_OPEN = True

# Essaim's own knobs.
# Benchmarks only (`make bench`): routes the floor view and lets generate_scale_data run with debug off.
ESSAIM_BENCH = env.bool("ESSAIM_BENCH", default=False)
ESSAIM_DEMO_PASSWORD = "essaim-demo"  # published with the demo accounts  # nosec B105
# Retention of personal data (docs/privacy.md): participants' data are anonymised this many years after
# their last cohort ends; a programme may keep them longer, and ESF-funded editions keep the funders'
# evidence at least ESSAIM_RETENTION_YEARS_ESF years. Other purposes have their own number of years.
ESSAIM_RETENTION_YEARS_DEFAULT = 3
ESSAIM_RETENTION_YEARS_BY_PROGRAMME = {"flashcoop": 10}
ESSAIM_RETENTION_YEARS_ESF = 10
ESSAIM_RETENTION_YEARS_BY_PURPOSE = {
    "invoicing": 10,
    "service_requests": 1,
    "contact_messages": 1,
    "privacy_requests": 5,
    # Certificates of funded trainings: years after the end of the year the training was completed.
    "funded_training": 3,
}
# Disclosure control of every public number (DESIGN §6, programmes/disclosure.py).
# Person counts below this are never published: they show as « < 11 ».
ESSAIM_DISCLOSURE_THRESHOLD = 11
# 0 % or 100 % of a group smaller than this is not published: it would tell every member's answer.
ESSAIM_DISCLOSURE_SMALL_GROUP = 30
# A sum of money is published when at least this many cohorts contribute to it...
ESSAIM_DISCLOSURE_MIN_CONTRIBUTORS = 3
# ...and none of them contributes more than this share of it.
ESSAIM_DISCLOSURE_DOMINANCE = 0.85
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
# Scheme and host printed on certificates (their QR code and verification link); the admin's by default.
ESSAIM_PUBLIC_BASE_URL = env.str("ESSAIM_PUBLIC_BASE_URL", default=WAGTAILADMIN_BASE_URL)
# xAPI exports (lms/xapi.py, docs/xapi.md): the base of activity ids, actor home page and statement ids; the
# key of the learners' pseudonymous ids (the secret key when empty); whether actors carry the learner's name.
# Changing the base or the key changes every id an LRS has already stored.
ESSAIM_XAPI_BASE_URL = env.str("ESSAIM_XAPI_BASE_URL", default=ESSAIM_PUBLIC_BASE_URL)
ESSAIM_XAPI_PSEUDONYM_KEY = env.str("ESSAIM_XAPI_PSEUDONYM_KEY", default="")
ESSAIM_XAPI_ACTOR_NAMES = env.bool("ESSAIM_XAPI_ACTOR_NAMES", default=False)
# Who issues the attestations of courses without a training provider.
ESSAIM_CERTIFICATE_ISSUER = "Fabrique Coopérative"
# Open Badges 3.0: the Ed25519 key that signs the credentials and their revocation lists (a Multikey
# secretKeyMultibase "z3u2…" or a base64 32-byte seed; `manage.py badge_signing_key` makes one). Never in
# the repository. Without it: a development key derived from the secret key in debug, no Open Badges else.
ESSAIM_BADGE_SIGNING_KEY = env.str("ESSAIM_BADGE_SIGNING_KEY", default="")
# Training time tracking: a lesson in view sends a heartbeat every ESSAIM_LMS_HEARTBEAT_SECONDS; the time
# between two heartbeats counts only when they are at most ESSAIM_LMS_IDLE_CUTOFF_SECONDS apart, and one
# unbroken stretch on a lesson counts for ESSAIM_LMS_SESSION_CAP_MINUTES at most.
ESSAIM_LMS_HEARTBEAT_SECONDS = env.int("ESSAIM_LMS_HEARTBEAT_SECONDS", default=30)
ESSAIM_LMS_IDLE_CUTOFF_SECONDS = env.int("ESSAIM_LMS_IDLE_CUTOFF_SECONDS", default=120)
ESSAIM_LMS_SESSION_CAP_MINUTES = env.int("ESSAIM_LMS_SESSION_CAP_MINUTES", default=240)
# The "join" button of a live session works from this many minutes before its start until its end.
ESSAIM_LMS_JOIN_OPENS_MINUTES = env.int("ESSAIM_LMS_JOIN_OPENS_MINUTES", default=15)
# Login events (connection log) are deleted after this many days by the daily beat task.
ESSAIM_LMS_CONNECTION_LOG_DAYS = env.int("ESSAIM_LMS_CONNECTION_LOG_DAYS", default=365)
# SCORM packages: archives and extracted files live here, outside MEDIA_ROOT (which the web server serves
# to anyone); Django serves the content to enrolled learners only (docs/scorm.md). A shared volume when
# several application servers run.
ESSAIM_SCORM_ROOT = env.path("ESSAIM_SCORM_ROOT", default=BASE_DIR / "private" / "scorm")
# One session of a SCO counts for this many hours at most, whatever time the content reports.
ESSAIM_SCORM_SESSION_CAP_HOURS = env.int("ESSAIM_SCORM_SESSION_CAP_HOURS", default=8)
