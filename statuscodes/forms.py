"""Admin forms: the required edit summary, the version check (admin_locking), the preview
and the two-factor login (admin_site.require_otp)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.forms import OTPAuthenticationFormMixin

from .admin_locking import VersionCheckedForm
from .markdown import render_markdown
from .models import CURATED_FIELDS, Annotation, StatusCode

CHANGE_REASON_MAX_LENGTH = 200


class ChangeReasonMixin(forms.Form):
    change_reason = forms.CharField(
        label=_("修改说明"),
        max_length=CHANGE_REASON_MAX_LENGTH,
        help_text=_("必填。用一句话说明改了什么、为什么，会记入修改历史。"),
        error_messages={"required": _("请填写修改说明。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A copy that already carries a reason suggests it (admin_history: a revert page).
        self.fields["change_reason"].initial = getattr(self.instance, "_change_reason", "")


class StatusCodeAdminForm(VersionCheckedForm, ChangeReasonMixin, forms.ModelForm):
    class Meta:
        model = StatusCode
        # The admin's fieldsets decide what is shown; this is the editable set.
        fields = ["code", *CURATED_FIELDS]


class AnnotationAdminForm(ChangeReasonMixin, forms.ModelForm):
    """The stand-alone annotation form; inline annotations share the entry's summary."""

    class Meta:
        model = Annotation
        fields = ["status_code", "kind", "body", "is_published", "order"]


class MarkdownPreviewForm(forms.Form):
    body = forms.CharField(required=False, strip=False, max_length=50_000)

    def rendered(self):
        return render_markdown(self.cleaned_data["body"])


class ChineseOTPAuthenticationForm(OTPAdminAuthenticationForm):
    """django-otp ships no Chinese translation, so its messages are given here."""

    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("请输入身份验证器应用显示的 6 位动态验证码。"),
        invalid_token=_("动态验证码不正确或已过期，请重新输入。"),
        device_required=_("请选择一个验证设备。"),
        verification_not_allowed=_("验证暂时被停用，请稍后再试。"),
        not_interactive=_("所选设备不能发送验证码。"),
        n_failed_attempts=_("动态验证码已连续错误 %(failure_count)d 次，验证暂时停用，请稍后再试。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_device"].label = _("验证设备")
        self.fields["otp_token"].label = _("动态验证码")
        self.fields["otp_token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "8"}
        )
