"""The admin speaks Chinese everywhere an editor looks, and its index follows the editor's work."""

import re
from html import unescape
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

ENGLISH_NAMES = (
    "Axes", "Access attempts", "Access logs", "Access failures", "Otp_Totp", "OTP_TOTP", "Otp_Static",
    "OTP_STATIC", "TOTP devices", "Static devices", "static device",
)  # fmt: skip


def text_of(response):
    html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def main_part(response):
    """The index's main column, without the sidebar of recent actions."""
    return text_of(response).split("最近动作")[0]


def test_index_names_every_app_and_model_in_chinese_in_the_editors_order(admin_client, make_entry):
    make_entry(needs_review=True)
    text = main_part(admin_client.get(reverse("admin:index")))

    for english in ENGLISH_NAMES:
        assert english not in text
    order = [
        "HTTP 状态码",
        "状态码",
        "注解",
        "待审核 1 个条目待审核",
        "认证和授权",
        "两步验证：TOTP",
        "TOTP 设备",
        "两步验证：备用验证码",
        "备用验证码设备",
        "登录保护",
        "登录失败记录",
    ]
    positions = [text.find(name) for name in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)


def test_editor_sees_the_catalogue_then_the_review_queue(editor_client, make_entry):
    make_entry(needs_review=True)
    text = main_part(editor_client.get(reverse("admin:index")))

    assert text.index("状态码") < text.index("注解") < text.index("待审核")
    assert "您没有权限" not in text


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("admin:axes_accessattempt_changelist", ("登录失败记录", "IP 地址", "用户名", "失败次数")),
        ("admin:axes_accesslog_changelist", ("登录日志", "IP 地址", "退出时间")),
        ("admin:otp_totp_totpdevice_changelist", ("TOTP 设备", "用户", "名称", "已确认")),
        ("admin:otp_static_staticdevice_changelist", ("备用验证码设备", "名称")),
    ],
)
def test_security_pages_name_their_columns_in_chinese(admin_client, admin_user, url, words):
    AccessAttempt.objects.create(
        user_agent="curl/8", ip_address="192.0.2.1", username="zhang", http_accept="*/*", path_info="/admin/",
        get_data="", post_data="", failures_since_start=2,
    )  # fmt: skip
    AccessLog.objects.create(user_agent="curl/8", ip_address="192.0.2.1", username="zhang", path_info="/")
    TOTPDevice.objects.create(user=admin_user, name="手机")
    StaticDevice.objects.create(user=admin_user, name="备用")
    text = text_of(admin_client.get(reverse(url)))

    for word in words:
        assert word in text
    for english in (
        "IP Address", "User Agent", "Attempt Time", "Failed Logins", "last used at", "Locked Out", "Filter by",
    ):  # fmt: skip
        assert english not in text


def test_chinese_names_do_not_leak_into_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
