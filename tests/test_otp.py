"""Optional two-factor login for editors (django-otp), switched on by DJANGO_ADMIN_REQUIRE_OTP.

The switch itself runs when site_config/urls.py is imported, so it is tested in
a subprocess; the behaviour is tested in-process by applying the same
``require_otp`` to the admin site for the length of a test. Tokens are
computed here from the device's key, as an authenticator app would.
"""

import subprocess
import sys
from http import HTTPStatus
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from statuscodes.admin_site import require_otp

from .subprocesses import fresh_environment

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "a long editor passphrase 2026"


@pytest.fixture
def otp_admin():
    # admin.site is a lazy proxy; patch and restore the site object behind it.
    admin.site.name  # noqa: B018 - forces the proxy to build the site
    site = admin.site._wrapped
    original_class = site.__class__
    original = {
        name: site.__dict__[name] for name in ("login_form", "login_template") if name in site.__dict__
    }
    require_otp(site)
    yield site
    site.__class__ = original_class
    for name in ("login_form", "login_template"):
        site.__dict__.pop(name, None)
    site.__dict__.update(original)


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("zhang", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def device(editor):
    call_command("add_totp_device", "zhang", "--no-qr", stdout=StringIO())
    return TOTPDevice.objects.get(user=editor)


def current_token(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def log_in(client, **extra):
    return client.post(reverse("admin:login"), {"username": "zhang", "password": PASSWORD, **extra})


def test_otp_add_totp_device_prints_the_uri_and_a_qr_code(editor):
    out = StringIO()

    call_command("add_totp_device", "zhang", "--name", "手机", stdout=out)

    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed and device.name == "手机"
    output = out.getvalue()
    uri = next(line for line in output.splitlines() if line.startswith("otpauth://totp/"))
    parsed = urlparse(uri)
    assert unquote(parsed.path) == "/HTTP 状态码参考:zhang"
    query = parse_qs(parsed.query)
    assert query["digits"] == ["6"] and query["period"] == ["30"]
    assert query["issuer"] == ["HTTP 状态码参考"]
    assert "█" in output or "▀" in output or "▄" in output  # the QR code, drawn in block characters


def test_otp_add_totp_device_replace_removes_old_devices(editor, device):
    call_command("add_totp_device", "zhang", "--replace", "--no-qr", stdout=StringIO())

    assert TOTPDevice.objects.filter(user=editor).count() == 1
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_otp_add_totp_device_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="用户“nobody”不存在"):
        call_command("add_totp_device", "nobody", stdout=StringIO())


def test_otp_login_page_asks_for_the_code_in_chinese(client, otp_admin):
    page = client.get(reverse("admin:login")).content.decode()

    assert "动态验证码" in page
    assert "OTP Token" not in page


def test_otp_password_alone_is_not_enough(client, otp_admin, device):
    response = log_in(client)

    assert response.status_code == HTTPStatus.OK
    assert "请输入身份验证器应用显示的 6 位动态验证码" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.FOUND


def test_otp_wrong_code_is_refused(client, otp_admin, device):
    wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"

    response = log_in(client, otp_token=wrong, otp_device=device.persistent_id)

    assert response.status_code == HTTPStatus.OK
    assert "动态验证码不正确" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.FOUND


def test_otp_right_code_lets_the_editor_in(client, otp_admin, device):
    response = log_in(client, otp_token=current_token(device), otp_device=device.persistent_id)

    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK


def test_otp_user_without_a_device_cannot_get_in(client, otp_admin, editor):
    response = log_in(client, otp_token="123456")

    assert response.status_code == HTTPStatus.OK
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.FOUND


def test_otp_session_without_verification_is_treated_as_logged_out(client, otp_admin, editor, device):
    client.force_login(editor)  # a password-only session, e.g. from before OTP was switched on

    response = client.get(reverse("admin:statuscodes_statuscode_changelist"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def test_otp_off_by_default_keeps_the_plain_login(client, editor):
    assert admin.site.__class__.__name__ == "EditorialAdminSite"
    assert log_in(client).status_code == HTTPStatus.FOUND


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", "OTPEditorialAdminSite"), ("0", "EditorialAdminSite"), ("", "EditorialAdminSite")],
)
def test_otp_switch_follows_the_environment(value, expected):
    environment = fresh_environment(DJANGO_ADMIN_REQUIRE_OTP=value)
    script = (
        "import django; django.setup(); import site_config.urls; from django.contrib import admin; "
        "print(admin.site.__class__.__name__, admin.site.name, admin.site.login_template)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    name, site_name, _template = result.stdout.split()
    assert (name, site_name) == (expected, "admin")
