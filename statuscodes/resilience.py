"""Keeping the site up when its backing services fail, and the admin's door shut.

Database faults. ``DatabaseUnavailableMiddleware`` turns a database that cannot
be reached into a 503 with ``Retry-After`` from a static page, with no
traceback; nothing is remembered between requests, so the next request tries
the database again and the site recovers by itself. Django routes exceptions
two ways, and both are covered:

* raised by a view, or while a ``TemplateResponse`` renders a lazy queryset,
  they reach ``process_exception``;
* raised anywhere else inside the middleware (the 404 handler, the session
  middleware saving a session) Django has already turned them into a 500 by
  the time they come back to us. ``got_request_exception`` fires first, while
  the exception is still being handled, so the receiver below marks the
  request and the middleware swaps the 500 for the 503.

A write that fails part-way (the disk is full, a constraint, another editor
saved first) has already been rolled back by the admin's ``transaction.atomic``
when it reaches us; the editor gets a page saying that nothing was saved and
how to get their text back, with the right status instead of a 500.

Two-factor login. ``require_otp`` turns the default admin site into django-otp's
``OTPAdminSite`` with Chinese messages; ``site_config/urls.py`` calls it when
``DJANGO_ADMIN_REQUIRE_OTP`` is on (docs/RELIABILITY.md).
"""

import logging
import sys
from http import HTTPStatus

from django.core.signals import got_request_exception
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.forms import OTPAuthenticationFormMixin

from .errors import service_unavailable
from .models import StaleVersionError

logger = logging.getLogger("statuscodes.resilience")

RETRY_AFTER_SECONDS = 30
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Set on the request when a database error was turned into a 500 outside the view.
UNAVAILABLE_MARKER = "_statuscodes_database_unavailable"

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response():
    response = service_unavailable()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _write_failed_response(exception):
    """A static page for a save that failed and was rolled back."""
    if isinstance(exception, UNAVAILABLE_ERRORS):
        status = HTTPStatus.SERVICE_UNAVAILABLE
        reason = _("数据库暂时无法写入（可能已停止或磁盘已满）。")
    elif isinstance(exception, (IntegrityError, StaleVersionError)):
        status = HTTPStatus.CONFLICT
        reason = _("这次修改与数据库中的现有数据冲突，可能是另一位编辑刚刚保存了同一条目。")
    else:
        status = HTTPStatus.BAD_REQUEST
        reason = _("数据库拒绝了提交的内容（例如含有无法保存的字符或过长的文字）。")
    title = _("保存失败，没有写入任何内容")
    body = format_html(
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="robots" content="noindex"><title>{status} {title}</title></head>'
        "<body><main><h1>{status} {title}</h1><p>{reason}</p><p>{advice}</p></main></body></html>",
        status=status.value,
        title=title,
        reason=reason,
        advice=_(
            "整个保存已经撤销，数据库里仍是保存之前的内容。请用浏览器的“后退”回到表单，"
            "你输入的文字仍在那里；稍后再保存一次。"
        ),
    )
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = "zh-Hans"
    if status == HTTPStatus.SERVICE_UNAVAILABLE:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@receiver(got_request_exception, dispatch_uid="statuscodes.resilience.mark_database_unavailable")
def mark_database_unavailable(sender, request=None, **kwargs):
    """Remember that this request's 500 was really the database being away."""
    exception = sys.exception()
    if request is not None and isinstance(exception, UNAVAILABLE_ERRORS):
        setattr(request, UNAVAILABLE_MARKER, exception)


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After from a static page when the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exception = getattr(request, UNAVAILABLE_MARKER, None)
        if exception is not None:
            logger.error("数据库不可用（%s %s）：%s", request.method, request.path, exception)
            return database_unavailable_response()
        return response

    def process_exception(self, request, exception):
        if self._is_save(request) and isinstance(exception, (DatabaseError, StaleVersionError)):
            logger.error("保存失败并已回滚（%s %s）：%r", request.method, request.path, exception)
            return _write_failed_response(exception)
        if isinstance(exception, UNAVAILABLE_ERRORS):
            logger.error("数据库不可用（%s %s）：%s", request.method, request.path, exception)
            return database_unavailable_response()
        return None

    @staticmethod
    def _is_save(request):
        """An editor submitting a form that writes; a login attempt is not one."""
        match = request.resolver_match
        return request.method not in SAFE_METHODS and not (match and match.url_name == "login")


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
    """Make ``site`` demand a verified OTP device, keeping its name, URLs, registry and app order."""
    if not isinstance(site, OTPAdminSite):
        # site.__class__, not type(site): admin.site is a lazy proxy for the real site.
        base = site.__class__
        site.__class__ = type(f"OTP{base.__name__}", (OTPAdminSite, base), {})
    site.login_form = ChineseOTPAuthenticationForm
    # Our admin/login.html adds the verification-code field to Django's own login page.
    site.login_template = "admin/login.html"
    return site
