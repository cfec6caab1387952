"""The admin's door: django-axes locks out password guessing, behind a proxy too.

Lockout is per username and client address. These tests drive the real admin
login view through the full middleware stack, and read the proxy settings the
way production computes them (site_config/settings.py run in a subprocess with
AXES_PROXY_COUNT set), so a wrong proxy count shows up here as a bypass or as
everyone sharing the proxy's address.
"""

import json
import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple 42"
PROXY = "10.0.0.1"
CLIENT = "203.0.113.9"
OTHER_CLIENT = "198.51.100.7"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Every failed login hashes the password once; PBKDF2 would make each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)


def attempt(client, password="wrong password", username="editor", **meta):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=CLIENT, **meta
    )


def production_axes_settings(proxy_count):
    """The AXES_IPWARE_* settings site_config/settings.py derives for AXES_PROXY_COUNT."""
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "test-key",
        "AXES_PROXY_COUNT": str(proxy_count),
        "PYTHONPATH": str(BASE_DIR),
    }
    script = (
        "import json; from site_config import settings as s; print(json.dumps({name: getattr(s, name) "
        "for name in dir(s) if name.startswith('AXES_IPWARE_')}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout)


def test_axes_lockout_after_failure_limit_shows_chinese_page_with_429(client, editor, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = attempt(client)
        assert response.status_code == HTTPStatus.OK  # the login form again, with an error
    response = attempt(client)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    page = response.content.decode()
    assert "登录已暂时锁定" in page
    assert f"连续 {limit} 次登录失败" in page
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert f"请在最后一次失败的 {minutes} 分钟后再试" in page
    assert "Account locked" not in page


def test_axes_lockout_refuses_the_right_password_until_cooloff(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client)

    response = attempt(client, password=PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session


def test_axes_successful_login_before_the_limit_resets_the_count(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client)

    response = attempt(client, password=PASSWORD)

    assert response.status_code == HTTPStatus.FOUND
    assert not AccessAttempt.objects.filter(username="editor").exists()


def test_axes_lockout_is_per_address_so_others_can_still_log_in(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client)

    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": PASSWORD}, REMOTE_ADDR=OTHER_CLIENT
    )

    assert response.status_code == HTTPStatus.FOUND


def test_axes_without_proxy_ignores_spoofed_forwarded_for(client, editor, settings):
    assert settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ["REMOTE_ADDR"]
    responses = [
        attempt(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
        for number in range(settings.AXES_FAILURE_LIMIT + 3)
    ]

    statuses = [response.status_code for response in responses]
    assert statuses[settings.AXES_FAILURE_LIMIT - 1 :] == [HTTPStatus.TOO_MANY_REQUESTS] * 4
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}


def test_axes_settings_for_one_proxy_trust_exactly_one_forwarded_address():
    assert production_axes_settings(0)["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]
    one_proxy = production_axes_settings(1)
    assert one_proxy["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert one_proxy["AXES_IPWARE_PROXY_COUNT"] == 0
    assert one_proxy["AXES_IPWARE_PROXY_ORDER"] == "left-most"


@pytest.fixture
def behind_one_proxy():
    with override_settings(**production_axes_settings(1)):
        yield


def through_proxy(client, client_ip, spoofed=None, password="wrong password"):
    """What the proxy forwards: it appends the address it saw to whatever the client sent."""
    forwarded = f"{spoofed}, {client_ip}" if spoofed else client_ip
    return client.post(
        reverse("admin:login"),
        {"username": "editor", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_axes_behind_one_proxy_records_the_client_address(client, editor, behind_one_proxy):
    through_proxy(client, CLIENT)

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CLIENT]


def test_axes_behind_one_proxy_locks_out_only_the_guessing_client(client, editor, settings, behind_one_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = through_proxy(client, CLIENT)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS

    # Everyone else arrives from the same proxy address and must not share the lockout.
    response = through_proxy(client, OTHER_CLIENT, password=PASSWORD)
    assert response.status_code == HTTPStatus.FOUND


def test_axes_behind_one_proxy_spoofed_prefix_does_not_reset_the_count(
    client, editor, settings, behind_one_proxy
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_proxy(client, CLIENT)

    # A locked-out client that makes up a new address per attempt lands in one
    # shared bucket (the proxy's address), which locks out after the same limit.
    statuses = [
        through_proxy(client, CLIENT, spoofed=f"192.0.2.{number}").status_code
        for number in range(settings.AXES_FAILURE_LIMIT + 2)
    ]

    assert statuses[settings.AXES_FAILURE_LIMIT - 1 :] == [HTTPStatus.TOO_MANY_REQUESTS] * 3
    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {CLIENT, PROXY}
    assert not any(address.startswith("192.0.2.") for address in addresses)


def test_axes_records_attempts_in_the_database(client, editor, settings):
    # The database handler, shared by every worker (locmem would count per process).
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    attempt(client)

    assert AccessAttempt.objects.get(username="editor").failures_since_start == 1
