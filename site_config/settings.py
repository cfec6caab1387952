"""Settings for the HTTP status code reference, read from the environment.

Every variable is documented in README.md and docs/DEPLOY.md. The file fails
closed: with DEBUG off and no DJANGO_SECRET_KEY it refuses to start.
"""

import os
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
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
# pytest sets PYTEST_VERSION while it runs (the check django-debug-toolbar documents).
TESTING = "PYTEST_VERSION" in os.environ

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off; "
            "`make run` writes one to .env for local use."
        )
    SECRET_KEY = "insecure-development-only-key-" + "x" * 32

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The public origin (https://status.example.com) for canonical links, the
# sitemap and the dataset; unset, each request's own (allowed) host is used.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")

# A release string that goes into every ETag, so a deploy that changes
# templates also changes validators.
RELEASE = os.environ.get("SITE_RELEASE", "2026.11.1")

INSTALLED_APPS = [
    # The admin, django-axes and django-otp with Chinese names and the editor's order
    # (statuscodes/admin_site.py).
    "statuscodes.admin_site.EditorialAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "statuscodes.admin_site.AxesConfig",
    "django_otp",
    "statuscodes.admin_site.OTPTOTPConfig",
    "statuscodes.admin_site.OTPStaticConfig",
    "statuscodes",
]

MIDDLEWARE = [
    # First: a stored page is answered before anything else runs, with the
    # headers the middleware below added when it was rendered.
    "statuscodes.middleware.CachedPageMiddleware",
    "statuscodes.middleware.HeadResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "statuscodes.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"

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
            ],
        },
    },
]

# Databases: PostgreSQL when DATABASE_URL is set, otherwise an embedded SQLite
# file in WAL mode. IMMEDIATE transactions take the write lock up front, so two
# editors saving at once queue instead of failing with "database is locked".
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "CONN_MAX_AGE": env_int("DJANGO_CONN_MAX_AGE", 600),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "statuscodes"),
            "TIMEOUT": 3600,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "statuscodes",
            "TIMEOUT": 3600,
        }
    }

# Shared by every worker on one host: its modification time tells each worker
# that the catalogue changed, without a database query (see statuscodes/pagecache.py).
if "CACHE_GENERATION_FILE" in os.environ:
    CACHE_GENERATION_FILE = Path(os.environ["CACHE_GENERATION_FILE"])
elif TESTING:
    # One file per test process, so parallel test runs never invalidate each other's pages.
    CACHE_GENERATION_FILE = Path(tempfile.gettempdir()) / f"statuscodes-test-generation-{os.getpid()}"
else:
    CACHE_GENERATION_FILE = BASE_DIR / "var" / "cache-generation"

# The zero-result log (statuscodes/search_log.py): rows not seen for this many days are
# deleted (0 switches the log off), and the table never holds more than the maximum.
SEARCH_LOG_RETENTION_DAYS = env_int("SEARCH_LOG_RETENTION_DAYS", 90)
SEARCH_LOG_MAX_ROWS = env_int("SEARCH_LOG_MAX_ROWS", 5000)
# Searches are counted in memory and written after this many, or this many seconds.
# Tests write only when they ask to, so no test's queries depend on another's searches.
SEARCH_LOG_BATCH_SIZE = env_int("SEARCH_LOG_BATCH_SIZE", 10**9 if TESTING else 50)
SEARCH_LOG_FLUSH_SECONDS = env_int("SEARCH_LOG_FLUSH_SECONDS", 10**9 if TESTING else 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # Tests create accounts all the time; the production hasher would dominate the run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Tests render templates without running collectstatic, so they get the plain
# storage; tests/test_http.py checks the hashed storage after a real collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Unhashed static URLs (robots, favicons) stay fresh for five minutes; hashed
# names from the manifest storage get "max-age=31536000, immutable" from
# whitenoise's immutable_file_test regardless of this value. DEBUG serves
# unhashed files, so it must not cache them at all.
WHITENOISE_MAX_AGE = 0 if DEBUG else 300


def weak_static_etag(headers, path, url):
    """Whitenoise sends one strong ETag for a file and its gzip/brotli forms,
    which REDbot rightly flags as BAD; a weak ETag may be shared."""
    stat = os.stat(path)
    headers["ETag"] = f'W/"{int(stat.st_mtime):x}-{stat.st_size:x}"'
    # Content-hashed names never change: a year, as RFC 9111 suggests for "never expires".
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = "max-age=31536000, public, immutable"


WHITENOISE_ADD_HEADERS_FUNCTION = weak_static_etag

# The admin lives at a configurable path so production can move it off /admin/.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin").strip("/") or "admin"
LOGIN_URL = f"/{ADMIN_PATH}/login/"

# Sessions exist only for editors in the admin; public pages never touch them.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True

# HTTPS: off by default so `make serve` works over plain HTTP on 127.0.0.1;
# switch on behind TLS (docs/DEPLOY.md).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Subdomains and preload are the operator's decision (DJANGO_HSTS_INCLUDE_SUBDOMAINS,
# DJANGO_HSTS_PRELOAD; docs/DEPLOY.md), so check --deploy only flags real gaps.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "statuscodes.errors.csrf_failure"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Login rate limiting (django-axes). Behind a proxy, set AXES_PROXY_COUNT to
# the number of proxies that append to X-Forwarded-For, and nothing else is
# trusted; with 0 the socket address is used, so a spoofed header is ignored.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
#
# python-ipware counts the hops *inside* X-Forwarded-For and, being strict,
# accepts only a header of exactly that length: behind N proxies the header
# holds the client and N-1 proxies (the last proxy is REMOTE_ADDR). A client
# that prepends a spoofed address makes the header too long, so the request is
# counted under the proxy's address, never under the address it made up.
axes_proxy_count = env_int("AXES_PROXY_COUNT", 0)
if axes_proxy_count < 0:
    raise ImproperlyConfigured("AXES_PROXY_COUNT must be 0 or more.")
AXES_IPWARE_PROXY_COUNT = max(axes_proxy_count - 1, 0)
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if axes_proxy_count else ["REMOTE_ADDR"]
)
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Two-factor login for the admin, switched on by configuration (docs/DEPLOY.md).
ADMIN_REQUIRE_OTP = env_bool("DJANGO_ADMIN_REQUIRE_OTP")
OTP_TOTP_ISSUER = "HTTP 状态码参考"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "statuscodes": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
