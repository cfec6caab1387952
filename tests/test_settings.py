"""Settings fail closed and follow the environment.

Each case imports the settings in a fresh interpreter with a clean
environment, since settings are read once per process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "CSRF_TRUSTED_ORIGINS": settings.CSRF_TRUSTED_ORIGINS,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "STATICFILES": settings.STORAGES["staticfiles"]["BACKEND"],
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "CSP": settings.SECURE_CSP,
}))
"""


def run_python(code, **env):
    clean = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "site_config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def settings_under(**env):
    completed = run_python(PROBE, **env)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    completed = run_python("import django; django.setup()")

    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr
    assert "DJANGO_SECRET_KEY" in completed.stderr


def test_settings_start_without_a_secret_key_in_debug():
    assert settings_under(DJANGO_DEBUG="1")["DEBUG"] is True


def test_production_defaults_work_over_plain_http():
    production = settings_under(DJANGO_SECRET_KEY="x" * 50)

    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is False
    assert production["SESSION_COOKIE_SECURE"] is False
    assert production["SECURE_HSTS_SECONDS"] == 0
    assert production["SECURE_PROXY_SSL_HEADER"] is None
    assert production["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert production["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert production["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert production["CONN_MAX_AGE"] > 0


def test_https_settings_follow_the_environment():
    behind_tls = settings_under(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_SECURE_SSL_REDIRECT="1",
        DJANGO_SECURE_COOKIES="1",
        DJANGO_HSTS_SECONDS="31536000",
        DJANGO_BEHIND_TLS_PROXY="1",
        DJANGO_ALLOWED_HOSTS="status.example.com",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://status.example.com",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert behind_tls["SECURE_SSL_REDIRECT"] is True
    assert behind_tls["SESSION_COOKIE_SECURE"] is behind_tls["CSRF_COOKIE_SECURE"] is True
    assert behind_tls["SECURE_HSTS_SECONDS"] == 31536000
    assert behind_tls["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind_tls["ALLOWED_HOSTS"] == ["status.example.com"]
    assert behind_tls["CSRF_TRUSTED_ORIGINS"] == ["https://status.example.com"]
    assert behind_tls["CACHE"] == "django.core.cache.backends.redis.RedisCache"


def test_csp_allows_no_inline_code():
    csp = settings_under(DJANGO_SECRET_KEY="x" * 50)["CSP"]

    assert all("unsafe" not in source for sources in csp.values() for source in sources)
    assert csp["script-src"] == csp["style-src"] == ["'self'"]


@pytest.mark.parametrize("value", ["soon", "1.5"])
def test_malformed_numbers_are_refused_with_a_clear_message(value):
    completed = run_python("import django; django.setup()", DJANGO_DEBUG="1", DJANGO_HSTS_SECONDS=value)

    assert completed.returncode != 0
    assert "DJANGO_HSTS_SECONDS must be a whole number" in completed.stderr


def test_check_deploy_passes_with_the_production_environment(tmp_path):
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SECRET_KEY": os.urandom(32).hex() + "-deploy-check",
            "DJANGO_ALLOWED_HOSTS": "status.example.com",
            "DJANGO_SECURE_SSL_REDIRECT": "1",
            "DJANGO_SECURE_COOKIES": "1",
            "DJANGO_HSTS_SECONDS": "31536000",
            # The checks open the database: a file of the test's own, never the checkout's db.sqlite3.
            "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues" in completed.stdout
