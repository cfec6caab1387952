"""Enrol a TOTP authenticator for an editor, for the two-factor admin login.

With DJANGO_ADMIN_REQUIRE_OTP=1 the admin admits only users verified by an OTP
device, and editors cannot add devices in the admin (they have no permission
on them, so no one can enrol a device for someone else). An operator runs this
command on the server and hands the editor the QR code or the otpauth URI to
scan with an authenticator app (FreeOTP, Google Authenticator, 1Password …).

The secret is shown once, here; it is stored only in the database.
"""

import io

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "为编辑添加 TOTP 身份验证器（两步验证），并在终端显示二维码与 otpauth 链接。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="编辑的用户名")
        parser.add_argument("--name", default="身份验证器", help="设备名称，登录时在设备列表中显示")
        parser.add_argument(
            "--replace", action="store_true", help="先删除该用户已有的全部 TOTP 设备（换手机或密钥泄露时）"
        )
        parser.add_argument("--no-qr", action="store_true", help="只显示 otpauth 链接，不画二维码")

    def handle(self, *args, username, name, replace, no_qr, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。请先用 create_editor 创建。")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用。")
        with transaction.atomic():
            removed = 0
            if replace:
                removed, _ = TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        uri = device.config_url
        if removed:
            self.stdout.write(f"已删除“{username}”原有的 {removed} 个 TOTP 设备。")
        self.stdout.write(self.style.SUCCESS(f"已为“{username}”添加 TOTP 设备“{name}”。"))
        self.stdout.write("请用身份验证器应用扫描下面的二维码，或手动输入这个链接：")
        self.stdout.write(uri)
        if not no_qr:
            code = qrcode.QRCode(border=1)
            code.add_data(uri)
            code.make(fit=True)
            drawing = io.StringIO()
            code.print_ascii(out=drawing, invert=True)
            self.stdout.write(drawing.getvalue())
        self.stdout.write("此密钥只显示这一次。登录时除用户名和密码外，还需输入应用显示的 6 位动态验证码。")
