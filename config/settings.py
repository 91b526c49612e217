"""Settings for Kandidatenoverzicht.

Everything that differs between a laptop and a server comes from the
environment; the README has the table. Defaults are for a developer's machine.
"""

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} moet een geheel getal zijn, niet {value!r}") from exc


def env_list(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# pytest runs with DEBUG off (as production does) but must not need a real key.
RUNNING_TESTS = "pytest" in sys.modules


def _development_secret_key():
    """A key generated once per checkout and kept in a git-ignored file."""
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or RUNNING_TESTS:
        SECRET_KEY = _development_secret_key()
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY ontbreekt: zet de omgevingsvariabele SECRET_KEY, "
            "of DJANGO_DEBUG=1 op een ontwikkelmachine."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "kandidaten.apps.BeheerAdminConfig",  # django.contrib.admin with the app's login and 403
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "kandidaten",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kandidaten.middleware.GeenCacheMiddleware",  # after WhiteNoise: pages and downloads, not static files
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kandidaten.middleware.SessionVerlengenMiddleware",  # the idle timeout, one session write a minute
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads a body (the CSRF check does): too big -> 413, a file from who may not -> refused.
    "kandidaten.uploads.UploadPoortMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a locked-out login is answered before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kandidaten.context_processors.navigation",
            ],
        },
    },
]

# SQLite file in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", False),
        # PgBouncer in transaction mode cannot keep a server-side cursor across statements (docs/productie.md).
        disable_server_side_cursors=env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it suits long analytical queries, and ours are at most a second; the national panel and
    # team counts spent 0.3 s each compiling (docs/performance.md). With PgBouncer: ignore_startup_parameters =
    # options, and `ALTER DATABASE … SET jit = off` instead (docs/productie.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Imports take the write lock up front (see kandidaten.importing.apply),
            # so readers never see a half-applied snapshot and writers queue.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            # 64 MB page cache: index upkeep during an import and the list's filters stay in memory.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        }
    )
    if RUNNING_TESTS:
        # The suite's database is a file, as the app runs: Django's default in-memory test database shares
        # its cache between connections and locks per table, so two connections at once (the subscription
        # runs, the browser tests' server) fail at once where the app's file database makes them wait.
        DATABASES["default"]["TEST"] = {
            "NAME": os.path.join(tempfile.gettempdir(), f"kandidaten-test-{os.getpid()}.sqlite3")
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "kandidaten.Gebruiker"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kandidaten.backends.PermissieBackend",  # ModelBackend, permissions in one query
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overzicht"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: the session expires after this many seconds without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
# Renewed at most once a minute by kandidaten.middleware.SessionVerlengenMiddleware, not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Staff of one gemeente often share a single NAT address: lock the
# combination of username and address, not the address alone.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading binds the whole (municipal) domain to HTTPS in browsers: that is
    # the domain owner's decision, not this app's, so it is off unless asked for.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if RUNNING_TESTS:
    SECURE_SSL_REDIRECT = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# Dates as Dutch staff write them: 22-11-2026.
DATE_FORMAT = "d-m-Y"
SHORT_DATE_FORMAT = "d-m-Y"
DATETIME_FORMAT = "d-m-Y H:i"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
# Served by WhiteNoise straight from the apps' static folders: no collectstatic
# step to forget on an internal server. STATIC_ROOT only for those who collect.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Upload limits (IMPORT.md): checked before a file is parsed.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_MB", 50) * 1024 * 1024
IMPORT_MAX_ROWS_PER_SHEET = env_int("IMPORT_MAX_ROWS_PER_SHEET", 500_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_MB", 1024) * 1024 * 1024
# Bombs (kandidaten/importing/limits.py): how far an xlsx part may unpack, and the used rectangle of a sheet
# (rows x columns: python-calamine reads it densely): 500,000 rows of the widest export that gets that long
# (modules, 9 columns) read within 600 MB.
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_MAX_CELLS_PER_SHEET = env_int("IMPORT_MAX_CELLS_PER_SHEET", 4_500_000)
# The importing processes (the worker, `importeer`) run at this lower CPU priority (nice), so pages go first
# while an import reads and plans (docs/productie.md); 0 keeps the priority they were started with (the test
# process, which runs `importeer` in itself).
IMPORT_NICENESS = env_int("IMPORT_NICENESS", 0 if RUNNING_TESTS else 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The upload gate first: a file reaches a temporary file only from a user allowed to import (kandidaten/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "kandidaten.uploads.UploadPoortHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Previews and applies of imports run as tasks (kandidaten.importing.background) in a worker process
# (`manage.py db_worker`; `make run` starts it beside the server). Tests run them inline.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if RUNNING_TESTS
        else "django_tasks_db.backend.DatabaseBackend"
    }
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Retention (docs/bewaartermijn.md): what `manage.py opschonen` deletes, and after how long.
BEWAARTERMIJN_MAANDEN = env_int("BEWAARTERMIJN_MAANDEN", 24)  # clients (and items) no longer in the source
IMPORT_BESTANDEN_DAGEN = env_int("IMPORT_BESTANDEN_DAGEN", 30)  # uploads and error files of an import
AUDIT_BEWAARTERMIJN_MAANDEN = env_int("AUDIT_BEWAARTERMIJN_MAANDEN", 60)  # audit records

# E-mail (docs/abonnementen.md): Django 6.1's MAILERS. A developer's machine prints mail on the console.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kandidatenoverzicht <noreply@localhost>")
if DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 0) or None,  # None: 465 with SSL, 587 with TLS, else 25
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                # A mail server that hangs must not hold the hourly run (and its claims) for long.
                "timeout": env_int("EMAIL_TIMEOUT", 30),
            },
        }
    }
# How long the unsubscribe link in a subscription mail works.
ABONNEMENT_AFMELDLINK_DAGEN = env_int("ABONNEMENT_AFMELDLINK_DAGEN", 60)


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

if RUNNING_TESTS:
    # Real hashing costs ~0.3 s per user; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
