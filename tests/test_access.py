"""Who may reach what: anonymous visitors and editors, against the admin's sensitive doors.

The editor is made the way operators make one, with ``manage.py create_editor``
(password from EDITOR_PASSWORD). Each door is tried with GET and, where it
changes something, with POST, and the database is checked afterwards: a
refused request must also have changed nothing.
"""

import subprocess
import sys
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from statuscodes.models import Annotation, StatusCode

from .subprocesses import fresh_environment, run_script

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
EDITOR_PASSWORD = "a long editor passphrase 2026"


@pytest.fixture
def entry(make_entry, make_annotation):
    entry = make_entry(code=404, phrase="Not Found", name_zh="未找到")
    entry.summary = "第二个版本。"
    entry.save()
    make_annotation(entry)
    return entry


@pytest.fixture
def editor(monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", EDITOR_PASSWORD)
    call_command("create_editor", "zhang", stdout=StringIO(), stderr=StringIO())
    return get_user_model().objects.get(username="zhang")


@pytest.fixture
def editor_client(client, editor):
    response = client.post(reverse("admin:login"), {"username": "zhang", "password": EDITOR_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    return client


@pytest.fixture
def other_user():
    return get_user_model().objects.create_user("li", password="another passphrase 2026", is_staff=True)


def history_id(entry):
    return entry.history.order_by("history_id").first().history_id


def sensitive_urls(entry, other_user):
    return {
        "history": reverse("admin:statuscodes_statuscode_history", args=[entry.pk]),
        "revert": reverse("admin:statuscodes_statuscode_simple_history", args=[entry.pk, history_id(entry)]),
        "delete": reverse("admin:statuscodes_statuscode_delete", args=[entry.pk]),
        "add": reverse("admin:statuscodes_statuscode_add"),
        "users": reverse("admin:auth_user_changelist"),
        "user_change": reverse("admin:auth_user_change", args=[other_user.pk]),
        "user_add": reverse("admin:auth_user_add"),
        "groups": reverse("admin:auth_group_changelist"),
        "lockouts": reverse("admin:axes_accessattempt_changelist"),
        "totp_devices": reverse("admin:otp_totp_totpdevice_changelist"),
        "totp_add": reverse("admin:otp_totp_totpdevice_add"),
    }


def test_access_editor_is_in_the_editor_group_with_no_superpowers(editor):
    assert editor.is_staff and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["编辑"]
    assert not editor.user_permissions.exists()
    assert Group.objects.get(name="编辑").permissions.filter(content_type__app_label="auth").count() == 0


@pytest.mark.parametrize(
    "door", ["history", "revert", "delete", "add", "users", "user_change", "user_add", "groups", "lockouts"]
)
def test_access_anonymous_is_sent_to_login(client, entry, other_user, door):
    url = sensitive_urls(entry, other_user)[door]

    response = client.get(url)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def test_access_anonymous_revert_and_delete_posts_change_nothing(client, entry, other_user):
    urls = sensitive_urls(entry, other_user)
    before = StatusCode.objects.get(pk=entry.pk)

    client.post(urls["revert"], {"change_reason": "x", "summary": "被篡改"})
    client.post(urls["delete"], {"post": "yes"})
    client.post(urls["user_change"], {"username": "li", "is_superuser": "on"})

    after = StatusCode.objects.get(pk=entry.pk)
    assert (after.summary, after.version) == (before.summary, before.version)
    assert not get_user_model().objects.get(pk=other_user.pk).is_superuser


@pytest.mark.parametrize(
    "door", ["delete", "add", "users", "user_change", "user_add", "groups", "totp_devices", "totp_add"]
)
def test_access_editor_is_refused(editor_client, entry, other_user, door):
    response = editor_client.get(sensitive_urls(entry, other_user)[door])

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_access_editor_cannot_delete_entries_by_post_or_action(editor_client, entry, other_user):
    urls = sensitive_urls(entry, other_user)

    assert editor_client.post(urls["delete"], {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    changelist = reverse("admin:statuscodes_statuscode_changelist")
    editor_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )

    assert StatusCode.objects.filter(pk=entry.pk).exists()
    assert "delete_selected" not in editor_client.get(changelist).content.decode()


def test_access_editor_cannot_make_themselves_or_others_superuser(editor_client, editor, other_user):
    for user in (editor, other_user):
        response = editor_client.post(
            reverse("admin:auth_user_change", args=[user.pk]),
            {"username": user.username, "is_superuser": "on", "is_staff": "on"},
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert not get_user_model().objects.get(pk=user.pk).is_superuser


def test_access_editor_cannot_enrol_a_device_for_someone_else(editor_client, other_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    response = editor_client.post(
        reverse("admin:otp_totp_totpdevice_add"), {"user": other_user.pk, "name": "x", "key": "00" * 20}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not TOTPDevice.objects.exists()


def test_access_editor_may_read_history_and_revert(editor_client, entry, other_user):
    # Their job: history and revert are changes to entries they may change.
    urls = sensitive_urls(entry, other_user)

    assert editor_client.get(urls["history"]).status_code == HTTPStatus.OK
    assert editor_client.get(urls["revert"]).status_code == HTTPStatus.OK


def test_access_inactive_or_non_staff_user_cannot_use_the_admin(client, entry, other_user):
    other_user.is_staff = False
    other_user.save()
    client.force_login(other_user)

    response = client.get(reverse("admin:statuscodes_statuscode_history", args=[entry.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def all_url_patterns():
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append((pattern.name or "", prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns)
    return found


def test_access_export_is_not_on_the_web():
    # The full backup (unpublished entries, review notes, history) is written by
    # `manage.py export_statuscodes` on the server only.
    exposed = [(name, route) for name, route in all_url_patterns() if "export" in name or "export" in route]

    assert exposed == []


def test_access_public_dataset_leaves_out_unpublished_entries_and_notes(client, make_entry):
    make_entry(code=299, is_published=False, review_note="内部审核意见：不要公开")
    make_entry(code=298, review_note="内部审核意见：不要公开")

    for url in ("/api/codes/", "/api/codes/?download=1", "/api/"):
        body = client.get(url).content.decode()
        assert "299" not in body
        assert "内部审核意见" not in body
    assert client.get("/api/codes/299/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/299/").status_code == HTTPStatus.NOT_FOUND


# --- Sessions, cookies and the admin path -----------------------------------


def test_access_editor_session_lasts_eight_hours(settings, editor_client):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    cookie = editor_client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 8 * 60 * 60
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_access_public_pages_set_no_cookies(client, entry):
    for url in ("/", "/404/", "/search/?q=not", "/api/codes/"):
        assert not client.get(url).cookies


def run_settings(**env):
    """Evaluate site_config/settings.py in a fresh interpreter with ``env``."""
    script = (
        "import json; from site_config import settings as s; print(json.dumps({n: getattr(s, n) for n in "
        "['SESSION_COOKIE_AGE', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
        "'ADMIN_PATH', 'DEBUG']}))"
    )
    return run_script(script, **env)


def test_access_production_cookies_are_secure_when_configured():
    production = run_settings(DJANGO_SECURE_COOKIES="1", DJANGO_SESSION_COOKIE_AGE="3600")

    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_AGE"] == 3600


def test_access_moved_admin_path_hides_admin(tmp_path):
    script = """
from django.test import Client
client = Client()
print(client.get("/admin/").status_code, client.get("/admin/login/").status_code,
      client.get("/backstage-7f3a/login/").status_code)
"""
    environment = fresh_environment(
        DJANGO_DEBUG="1",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_ADMIN_PATH="/backstage-7f3a/",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        CACHE_GENERATION_FILE=str(tmp_path / "generation"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        env=environment,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip().splitlines()[-1].split() == ["404", "404", "200"]


def test_access_annotations_of_unpublished_entries_stay_hidden(client, make_entry):
    hidden = make_entry(code=297, is_published=False)
    Annotation.objects.create(status_code=hidden, body="秘密注解")

    assert "秘密注解" not in client.get("/api/codes/").content.decode()
    assert client.get("/297/").status_code == HTTPStatus.NOT_FOUND
