"""Settings, all read from the environment (see portal/env.py and .env.example).

The defaults run the embedded mode: SQLite in var/, and Celery on kombu's
filesystem transport, so web and worker run on one machine with no servers.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from portal.env import check_secret_key, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not DEBUG:
    SECRET_KEY = check_secret_key("SECRET_KEY", SECRET_KEY)  # long, random, not an example
elif not SECRET_KEY:
    # Only for DEBUG: a fixed, obviously unsafe key, never a silent random one.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The portal's own page, in the visitor's language, with a way back.
CSRF_FAILURE_VIEW = "portal.error_views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "bootstrap",
    "csp",
    "portal",
    "enterprises",
    "reviews",
    "certification",
    "hazards",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files under gunicorn (compose)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.AuditContextMiddleware",
    "portal.middleware.InactiveOrganisationMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL")
if _database_url is None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default lives here
DATABASES = {
    "default": dj_database_url.parse(
        _database_url or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The covering indexes' INCLUDE columns serve PostgreSQL's index-only scans; SQLite
    # keeps the key columns, which is all the embedded mode needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the statistics' GROUP BYs are costed high enough to be JIT-compiled, which
    # took 0.3–1.3 s on queries that run in 0.2 s (bench/README.md, dashboard_scale.py).
    # POSTGRES_JIT=on restores PostgreSQL's default.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=" + (
        "on" if env_str("POSTGRES_JIT", "off") == "on" else "off"
    )
# A streaming replica of the primary (docs/deployment.md): the dashboards', reports' and
# exports' reads go to it, every write and all else to the primary (portal/db_router.py).
# Unset: one database, no router.
_replica_url = env_str("DATABASE_REPLICA_URL")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must name the same kind of database")
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "portal.auth_backends.PortalModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: the public sees only public pages
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins per username+IP before the login is refused for a while.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900, minimum=1)
# Self-registrations per client address within the window; more get a 429.
REGISTRATION_ATTEMPT_LIMIT = env_int("REGISTRATION_ATTEMPT_LIMIT", 5, minimum=1)
REGISTRATION_ATTEMPT_WINDOW_SECONDS = env_int(
    "REGISTRATION_ATTEMPT_WINDOW_SECONDS", 3600, minimum=1
)
# Failed logins per IP, whatever the usernames, before every login from it is
# refused for the same window (one password tried on many accounts). Offices
# behind one NAT address share it, hence more than the per-user limit.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# ECharts comes from the npm registry (package-lock.json; scripts/_common.sh runs
# npm ci), served from the install under static/vendor/echarts/.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
ENTERPRISE_IMPORT_MAX_BYTES = env_int("ENTERPRISE_IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)

# Login throttling lives in the cache: use Redis when several processes serve.
_cache_url = env_str("CACHE_URL")
if _cache_url and not _cache_url.startswith("redis://"):
    raise ImproperlyConfigured(f"CACHE_URL={_cache_url!r} must be a redis:// URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
    if _cache_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Sessions read from the shared cache first (a database query less per signed-in
# request); without one, each process's memory would keep a signed-out session alive.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if _cache_url
    else "django.contrib.sessions.backends.db"
)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")

# Celery: Redis in production; kombu's filesystem transport needs no server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)  # kombu expects them
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Queues per kind of work and every task's route (CELERY_TASK_ROUTES, CELERY_TASK_QUEUES).
from portal.settings_queues import *  # noqa: E402, F403

CELERY_TIMEZONE = TIME_ZONE
# Daily jobs, in CELERY_TIMEZONE (Asia/Shanghai): run by `celery -A portal beat`.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "application-reminders": {
        "task": "certification.send_reminders",
        "schedule": crontab(hour=8, minute=30),  # reminders of due and overdue steps
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "portal.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested past a limit is a 400, not a RecursionError (portal/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"token": env_str("TOKEN_THROTTLE_RATE", "10/min")},
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
}
# Hours an API token is valid from when it was issued (portal/tokens.py). A day:
# integrations log in again each day, and a token leaked into a log or a file
# is worth at most that; logging out of the pages ends it sooner.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 24, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "Work Safety Standardization Portal API",
    "DESCRIPTION": "安全生产标准化管理平台 REST API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" or "kind"; name each choice set.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "portal.models.organisations.OrganisationKind",
        "OrganisationStatusEnum": "portal.models.organisations.Organisation.Status",
        "RegionKindEnum": "portal.models.regions.Region.Kind",
        "StreetKindEnum": "portal.models.regions.Street.Kind",
        "EnterpriseStatusEnum": "enterprises.models.Enterprise.Status",
        "AssessmentKindEnum": "reviews.models.assessments.Assessment.Kind",
        "AssessmentStatusEnum": "reviews.models.assessments.Assessment.Status",
        "ApplicationStatusEnum": "certification.models.applications.Status",
        "ApplicationTierEnum": "certification.models.applications.Application.Tier",
        "MaterialKindEnum": "certification.models.applications.MaterialKind",
        "StandardVersionStatusEnum": "reviews.models.standards.StandardVersion.Status",
        "AnswerResultEnum": "reviews.models.assessments.Result",
        "QualificationTierEnum": "portal.models.organisations.Tier",
        "FindingKindEnum": "certification.models.onsite.Finding.Kind",
        "AnnouncementKindEnum": "certification.models.publicity.AnnouncementBatch.Kind",
        "CertificateStatusEnum": "certification.models.publicity.Certificate.Status",
        "RevocationReasonEnum": "certification.models.publicity.RevocationReason",
        "CertificateActionEnum": "certification.models.lifecycle.CertificateEvent.Action",
        "HazardStatusEnum": "hazards.models.ledger.Hazard.Status",
        "HazardPhotoKindEnum": "hazards.models.ledger.HazardPhoto.Kind",
        "GovernmentInspectionStatusEnum": "hazards.models.enforcement.GovernmentInspection.Status",
        "TipOffStatusEnum": "hazards.models.enforcement.TipOff.Status",
        "ListingStatusEnum": "hazards.models.major.SupervisionListing.Status",
        "ListingLevelEnum": "hazards.models.major.SupervisionListing.Level",
        "SchemeLevelEnum": "reporting.assessment.models.Scheme.Level",
        "SuspensionEnum": "hazards.models.major.Suspension",
        "CloseVerdictEnum": "hazards.models.major.CloseApplication.Verdict",
        "EvaluationByEnum": "hazards.models.major.ListingEvaluation.By",
        "HazardCategoryEnum": "hazards.models.ledger.Hazard.Category",
        "InspectionKindEnum": "hazards.models.inspections.InspectionKind",
        "InspectionRecordStatusEnum": "hazards.models.inspections.InspectionRecord.Status",
        "InspectionOutcomeEnum": "hazards.models.inspections.InspectionResult.Outcome",
        "ObjectionOutcomeEnum": "certification.models.publicity.Objection.Outcome",
        "SelfReportStatusEnum": "hazards.models.selfreports.SelfReport.Status",
        "QuarterlyTableStatusEnum": "hazards.models.selfreports.QuarterlyTable.Status",
        "PeriodKindEnum": "hazards.models.selfreports.PeriodKind",
    },
}

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# Behind a TLS proxy the portal is HTTPS only: plain HTTP is redirected and
# browsers are told (HSTS) never to try it again for a year. "preload" only
# marks the header as eligible; nothing is listed until someone submits the
# domain. The compose healthcheck sends X-Forwarded-Proto: https.
SECURE_SSL_REDIRECT = BEHIND_TLS_PROXY
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if BEHIND_TLS_PROXY else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from the portal's static
# files (htmx and Bootstrap included; no inline script or on…= handler, see
# static/portal/portal.js). Styles still allow 'unsafe-inline': templates use
# style attributes, htmx adds its indicator style and Swagger UI an inline block.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

PAGE_SIZE = 50
# Long lists count their rows exactly up to this many and then say "more than"
# (portal/paging.py): counting 500,000 enterprises costs more than the page itself.
LIST_COUNT_CAP = env_int("LIST_COUNT_CAP", 1000, minimum=1)

# Highest deaths in production-safety accidents in the year before an
# application that still allow each grade (domain.md §3.4, 安监总管四〔2011〕84号).
# A setting, since the 2021 rules were not verified: JSON, e.g. {"1": 0, "2": 1}.
SCORING_ACCIDENT_GATE = {"1": 0, "2": 1, "3": 2, "pass": 2}
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
# Hazard photos (hazards/services.py photo_add): JPG or PNG up to this size.
HAZARD_PHOTO_MAX_BYTES = env_int("HAZARD_PHOTO_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# The Excel import of an existing hazard ledger (hazards/importing/) runs in the
# request, all or nothing: a judgment call, a year of one enterprise's ledger.
HAZARD_IMPORT_MAX_BYTES = env_int("HAZARD_IMPORT_MAX_BYTES", 2 * 1024 * 1024, minimum=1)
HAZARD_IMPORT_MAX_ROWS = env_int("HAZARD_IMPORT_MAX_ROWS", 1000, minimum=1)
# A review unit that reviewed an enterprise within this many years may not be
# assigned to it again (conflict of interest, certification/assignment/rules.py).
REVIEW_CONFLICT_YEARS = env_int("REVIEW_CONFLICT_YEARS", 3, minimum=0)
# The certification workflow's and certificate lifecycle's figures.
from portal.settings_rules import *  # noqa: E402, F403

CELERY_BEAT_SCHEDULE["application-clocks"] = {
    "task": "certification.run_clocks",
    "schedule": crontab(hour=0, minute=45),  # deemed acceptance, expired rectifications
}

# Certificate verification (certification/certificates/signing.py): the Ed25519 key that
# signs QR payloads (path of a PEM private key), public keys of earlier
# rotations still accepted, and the portal's public address for QR URLs.
# Only with DEBUG is a development key generated into var/ when none is set;
# otherwise signing refuses with ImproperlyConfigured when first needed.
CERTIFICATE_SIGNING_KEY = env_str("CERTIFICATE_SIGNING_KEY")
CERTIFICATE_PREVIOUS_PUBLIC_KEYS = env_list("CERTIFICATE_PREVIOUS_PUBLIC_KEYS", [])
CERTIFICATE_SIGNING_KEY_GENERATE = DEBUG
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
CERTIFICATE_EXPIRING_DAYS = env_int("CERTIFICATE_EXPIRING_DAYS", 90, minimum=0)
# Lookups by number or USCC per client address and window (cache-counted).
CERTIFICATE_LOOKUP_LIMIT = env_int("CERTIFICATE_LOOKUP_LIMIT", 30, minimum=1)
CERTIFICATE_LOOKUP_WINDOW_SECONDS = env_int("CERTIFICATE_LOOKUP_WINDOW_SECONDS", 600, minimum=1)
CELERY_BEAT_SCHEDULE["certificate-lifecycle"] = {
    "task": "certification.run_lifecycle",
    "schedule": crontab(hour=1, minute=15),  # expiry, annual self-assessments, renewal
}

# A major hazard's report (hazards/supervision/reports.py) is due this many days
# after the hazard was found: 16号令 第14条 says only "及时" (promptly), so the
# default is a judgment call.
MAJOR_HAZARD_REPORT_DAYS = env_int("MAJOR_HAZARD_REPORT_DAYS", 3, minimum=0)
# The issuing office reviews a listed hazard on site within this many (calendar)
# days of the application to close (16号令 第23条, domain.md §5: "within 10 days").
LISTING_REVIEW_DAYS = env_int("LISTING_REVIEW_DAYS", 10, minimum=1)

# One e-mail a day per user with the notifications not yet mailed (portal/notify.py);
# users who chose one e-mail per notification get theirs at once.
CELERY_BEAT_SCHEDULE["notification-digest"] = {
    "task": "portal.send_daily_digests",
    "schedule": crontab(hour=17, minute=30),  # the day's news, before the evening
}
CELERY_IMPORTS = ("portal.notify",)

# Major hazards still open past their deadline flag the certificates (hazards/standardization.py).
CELERY_BEAT_SCHEDULE["hazards-overdue-major"] = {
    "task": "hazards.flag_overdue_major",
    "schedule": crontab(hour=1, minute=30),
}

# Self-reports (hazards/selfreports/periods.py). 国家安全监管总局令第16号 第14条: the
# quarterly form by the 15th of the month after the quarter, the annual one by
# 31 January. Monthly reports (a district's own rule): by this day of the next
# month (a judgment call; no national rule). A due date on a rest day moves to the
# next working day (民法典 第203条: a period ending on a statutory rest day ends
# the day after it; portal/workdays.py).
SELF_REPORT_QUARTER_DUE_DAY = env_int("SELF_REPORT_QUARTER_DUE_DAY", 15, minimum=1)
SELF_REPORT_YEAR_DUE = (1, env_int("SELF_REPORT_YEAR_DUE_DAY", 31, minimum=1))
SELF_REPORT_MONTH_DUE_DAY = env_int("SELF_REPORT_MONTH_DUE_DAY", 5, minimum=1)
SELF_REPORT_DUE_NEXT_WORKDAY = env_bool("SELF_REPORT_DUE_NEXT_WORKDAY", True)
# Reminders this many days before the due date (a judgment call).
SELF_REPORT_REMIND_DAYS = tuple(
    int(days) for days in env_list("SELF_REPORT_REMIND_DAYS", ["7", "1"])
)
CELERY_BEAT_SCHEDULE["hazards-self-report-reminders"] = {
    "task": "hazards.self_report_reminders",
    "schedule": crontab(hour=8, minute=0),
}
# 第24条: the district's quarterly table of last quarter, on this day of the month
# after the quarter (the day after the enterprises' forms are due).
SELF_REPORT_TABLE_DAY = env_int("SELF_REPORT_TABLE_DAY", 16, minimum=1)
CELERY_BEAT_SCHEDULE["hazards-quarterly-tables"] = {
    "task": "hazards.quarterly_tables",
    "schedule": crontab(
        hour=2, minute=0, day_of_month=str(SELF_REPORT_TABLE_DAY), month_of_year="1,4,7,10"
    ),
}
# Metric snapshots (reporting/snapshots/): each night the open periods' rows are
# rewritten with the day's figures and the ended periods' frozen. At 02:30, after the
# certificate lifecycle (01:15: expiries, annual self-assessments) and the overdue
# major hazards' flags (01:30), so the day's rows count what those jobs changed.
# Day rows are kept this many days (month, quarter and year rows for good).
SNAPSHOT_DAY_ROWS_KEPT = env_int("SNAPSHOT_DAY_ROWS_KEPT", 31, minimum=1)
CELERY_BEAT_SCHEDULE["reporting-snapshot-nightly"] = {
    "task": "reporting.snapshot_nightly",
    "schedule": crontab(hour=2, minute=30),
}
# Worklists (reporting/worklists/): an item still outstanding more than this many
# days after it fell due is escalated once to the next level up (street → district
# → city office). 30 is a judgment call: no regulation fixes it.
WORKLIST_ESCALATION_DAYS = env_int("WORKLIST_ESCALATION_DAYS", 30, minimum=0)
# The dashboards show the worklists' sizes kept this many seconds per organisation
# (0: counted on every page): at Beijing size the seven counts take 0.1–0.6 s, the
# lists themselves (/worklists/) are always counted live.
WORKLIST_COUNTS_CACHE_SECONDS = env_int("WORKLIST_COUNTS_CACHE_SECONDS", 300, minimum=0)
# The live statistics tables' figures are kept this many seconds per organisation,
# filters and day (0: computed on every page; reporting/statistics/kept.py): a city
# table costs 0.2–2.2 s of database time at Beijing size (bench/dashboard_scale.py).
STATISTICS_CACHE_SECONDS = env_int("STATISTICS_CACHE_SECONDS", 120, minimum=0)
CELERY_BEAT_SCHEDULE["reporting-escalate-worklists"] = {
    "task": "reporting.escalate_worklists",
    "schedule": crontab(hour=3, minute=0),  # after the lifecycle job has marked overdue years
}
# Assessment reports (reporting/assessment/): the assessed unit may comment on or object
# to its draft for this many working days before the assessing office finalises it. No
# regulation found fixes the window: 5 working days is a judgment call.
ASSESSMENT_COMMENT_WORKING_DAYS = env_int("ASSESSMENT_COMMENT_WORKING_DAYS", 5, minimum=0)
CELERY_BEAT_SCHEDULE["reporting-assessment-after-close"] = {
    "task": "reporting.assessment_after_close",
    "schedule": crontab(hour=3, minute=30),  # after the nightly snapshot froze the period
}
CELERY_BEAT_SCHEDULE["reporting-assessment-requeue-stalled"] = {
    "task": "reporting.assessment_requeue_stalled",
    "schedule": crontab(minute="*/5"),  # runs pending RENDER_STALLED_AFTER_SECONDS
}
# The warning list (警示名单) and supervision tiers (监管频次), reporting/standing/. The
# entry rules that apply (reporting/standing/warnings.py RULES) and their windows:
# the grounds are the ones asked for; no regulation found fixes the windows (judgment calls:
# a year, like the re-application lock REAPPLY_LOCK_MONTHS; "repeatedly" = 2 of the
# last 4 quarterly forms, 国家安全监管总局令第16号 第14条 for the quarterly duty).
STANDING_WARNING_RULES = env_list(
    "STANDING_WARNING_RULES",
    [
        "revoked_certificate",
        "major_hazard_overdue",
        "below_standard",
        "self_reports",
        "fatal_accident",
    ],
)
STANDING_WARNING_REVOKED_DAYS = env_int("STANDING_WARNING_REVOKED_DAYS", 365, minimum=1)
STANDING_WARNING_BELOW_STANDARD_DAYS = env_int(
    "STANDING_WARNING_BELOW_STANDARD_DAYS", 365, minimum=1
)
STANDING_WARNING_ACCIDENT_DAYS = env_int("STANDING_WARNING_ACCIDENT_DAYS", 365, minimum=1)
STANDING_WARNING_SELF_REPORT_QUARTERS = env_int(
    "STANDING_WARNING_SELF_REPORT_QUARTERS", 4, minimum=1
)
STANDING_WARNING_SELF_REPORT_MISSES = env_int("STANDING_WARNING_SELF_REPORT_MISSES", 2, minimum=1)
# Tier points per factor (reporting/standing/tiers.py) and the cut-offs. Beijing
# publishes three tiers and their sizes (domain.md §7, [C2]), not the rule: the
# weights and the yearly inspections per tier are judgment calls.
STANDING_TIER_POINTS = {
    "warning": 5,
    "major_open": 2,
    "hazards_overdue": 1,
    "accident": 2,
    "self_report": 1,
    "no_certificate": 1,
    "grade_high": -2,
    "grade_3": -1,
}
STANDING_TIER_KEY_FROM = env_int("STANDING_TIER_KEY_FROM", 3)
STANDING_TIER_LIGHT_UP_TO = env_int("STANDING_TIER_LIGHT_UP_TO", -1)
STANDING_TIER_INSPECTIONS = {"key": 4, "general": 2, "light": 1}
# Feed clients (reporting/standing/feeds/): USCCs per status lookup or export.
FEED_MAX_USCCS = env_int("FEED_MAX_USCCS", 1000, minimum=1)
FEED_CHANGES_PAGE = env_int("FEED_CHANGES_PAGE", 500, minimum=1)
CELERY_BEAT_SCHEDULE["reporting-standing-nightly"] = {
    "task": "reporting.standing_nightly",
    # After the lifecycle (01:15: revocations, expiries) and the overdue-hazard flags.
    "schedule": crontab(hour=2, minute=15),
}

# Certificate PDFs (certification/certificates/rendering.py, certification/certificates/pdf.py).
# Files go to the default storage: MEDIA_ROOT on this server unless
# STORAGE_S3_BUCKET names a bucket of an S3-compatible store, then
# django-storages' S3 backend (install django-storages[s3]; the storages
# package is only imported when configured). Downloads always pass through
# the portal's scoped views, never a public bucket URL.
STORAGE_S3_BUCKET = env_str("STORAGE_S3_BUCKET")
# The cut-down CJK face of the PDFs (certification/pdf.font_faces), built once
# per machine into this folder; off: the system fonts as they are (slower).
PDF_FONT_DIR = Path(env_str("PDF_FONT_DIR", str(VAR_DIR / "pdf-fonts")))
PDF_SUBSET_FONTS = env_bool("PDF_SUBSET_FONTS", True)
# Every PDF is rendered by a Celery task (certification/certificates/pdf_jobs.py): after this
# many seconds it fails with a message (30 s later its process is killed).
PDF_RENDER_TIME_LIMIT = env_int("PDF_RENDER_TIME_LIMIT", 120, minimum=1)
# A render still pending this long after it was queued lost its message (a
# killed worker; the filesystem broker never delivers it again): the progress
# says "stalled" and the periodic task below queues it again.
RENDER_STALLED_AFTER_SECONDS = env_int("RENDER_STALLED_AFTER_SECONDS", 600, minimum=1)
CELERY_BEAT_SCHEDULE["requeue-stalled-renders"] = {
    "task": "certification.requeue_stalled_renders",
    "schedule": crontab(minute="*/5"),
}
if STORAGE_S3_BUCKET:
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": STORAGE_S3_BUCKET,
                "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL"),
                "region_name": env_str("STORAGE_S3_REGION"),
                "access_key": env_str("STORAGE_S3_ACCESS_KEY"),
                "secret_key": env_str("STORAGE_S3_SECRET_KEY"),
                "location": env_str("STORAGE_S3_PREFIX", ""),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": True,
            },
        },
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        },
    }
