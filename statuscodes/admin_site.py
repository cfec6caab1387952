"""The admin's door: two-factor login with django-otp, switched on by configuration.

``require_otp`` turns the default admin site into django-otp's ``OTPAdminSite``
with Chinese messages; ``site_config/urls.py`` calls it when
``DJANGO_ADMIN_REQUIRE_OTP`` is on (docs/RELIABILITY.md).
"""

from django.utils.translation import gettext_lazy
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.forms import OTPAuthenticationFormMixin


class ChineseOTPAuthenticationForm(OTPAdminAuthenticationForm):
    """django-otp ships no Chinese translation, so its messages are given here."""

    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=gettext_lazy("请输入身份验证器应用显示的 6 位动态验证码。"),
        invalid_token=gettext_lazy("动态验证码不正确或已过期，请重新输入。"),
        device_required=gettext_lazy("请选择一个验证设备。"),
        verification_not_allowed=gettext_lazy("验证暂时被停用，请稍后再试。"),
        not_interactive=gettext_lazy("所选设备不能发送验证码。"),
        n_failed_attempts=gettext_lazy(
            "动态验证码已连续错误 %(failure_count)d 次，验证暂时停用，请稍后再试。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_device"].label = gettext_lazy("验证设备")
        self.fields["otp_token"].label = gettext_lazy("动态验证码")
        self.fields["otp_token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "8"}
        )


def require_otp(site):
    """Make ``site`` demand a verified OTP device, keeping its name, URLs and registry."""
    site.__class__ = OTPAdminSite
    site.login_form = ChineseOTPAuthenticationForm
    # Our admin/login.html adds the verification-code field to Django's own login page.
    site.login_template = "admin/login.html"
    return site
