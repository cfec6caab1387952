"""The admin in Chinese everywhere an editor looks, ordered around the editor's work,
and its door: two-factor login with django-otp, switched on by configuration.

django-axes and django-otp name their apps, models and fields in English, and
django-otp does not mark them for translation, so no translation catalogue can
reach them. Their app configs below (listed in INSTALLED_APPS instead of the
packages' own) give them Chinese names when the app registry is ready. Only
display names change: migrations read a model's declared options and a field's
declared verbose name, so ``makemigrations`` sees nothing new.

``EditorialAdminSite`` lists the catalogue first (状态码, then 注解), then
accounts, then sign-in security; templates/admin/index.html puts the review
queue straight after the catalogue.

``require_otp`` makes the admin site a subclass of both django-otp's
``OTPAdminSite`` and the site's own class (``OTPEditorialAdminSite``: two-factor
login in the same order), with Chinese messages (``forms.ChineseOTPAuthenticationForm``);
``site_config/urls.py`` calls it when ``DJANGO_ADMIN_REQUIRE_OTP`` is on
(docs/RELIABILITY.md).
"""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPAppConfig

# The order of apps, and of models within an app, on the index and in the sidebar.
APP_ORDER = ("statuscodes", "auth", "otp_totp", "otp_static", "axes")
MODEL_ORDER = {"statuscodes": ("StatusCode", "Annotation"), "auth": ("User", "Group")}

# Fields the django-otp device models share (django_otp.models.Device and its mixins).
_DEVICE_FIELDS = {
    "user": _("用户"),
    "name": _("名称"),
    "confirmed": _("已确认"),
    "created_at": _("创建时间"),
    "last_used_at": _("最后使用时间"),
    "throttling_failure_timestamp": _("最近一次验证失败的时间"),
    "throttling_failure_count": _("连续验证失败次数"),
}
# Fields the django-axes models share (axes.models.AccessBase).
_ACCESS_FIELDS = {
    "user_agent": _("用户代理"),
    "ip_address": _("IP 地址"),
    "username": _("用户名"),
    "http_accept": _("Accept 头字段"),
    "path_info": _("路径"),
    "attempt_time": _("尝试时间"),
}

# model name: (verbose name, plural, {field: verbose name})
NAMES = {
    "axes": {
        "AccessAttempt": (
            _("登录失败记录"),
            _("登录失败记录"),
            {
                **_ACCESS_FIELDS,
                "get_data": _("GET 数据"),
                "post_data": _("POST 数据"),
                "failures_since_start": _("失败次数"),
            },
        ),
        "AccessAttemptExpiration": (
            _("登录失败记录的到期时间"),
            _("登录失败记录的到期时间"),
            {"access_attempt": _("登录失败记录"), "expires_at": _("到期时间")},
        ),
        "AccessLog": (
            _("登录日志"),
            _("登录日志"),
            {**_ACCESS_FIELDS, "logout_time": _("退出时间"), "session_hash": _("会话标识的哈希（SHA-256）")},
        ),
        "AccessFailureLog": (
            _("登录失败日志"),
            _("登录失败日志"),
            {**_ACCESS_FIELDS, "locked_out": _("已锁定")},
        ),
    },
    "otp_totp": {
        "TOTPDevice": (
            _("TOTP 设备"),
            _("TOTP 设备"),
            {
                **_DEVICE_FIELDS,
                "key": _("密钥"),
                "step": _("时间步长（秒）"),
                "t0": _("起始时间（t0）"),
                "digits": _("位数"),
                "tolerance": _("容许的时间步偏差"),
                "drift": _("时钟漂移"),
                "last_t": _("最近一次验证的时间步"),
            },
        ),
    },
    "otp_static": {
        "StaticDevice": (_("备用验证码设备"), _("备用验证码设备"), dict(_DEVICE_FIELDS)),
        "StaticToken": (_("备用验证码"), _("备用验证码"), {"device": _("设备"), "token": _("验证码")}),
    },
}


def name_models(app_config):
    """Give the app's models and fields their Chinese display names."""
    for model_name, (singular, plural, fields) in NAMES[app_config.label].items():
        model = app_config.get_model(model_name)
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
        for field_name, verbose_name in fields.items():
            model._meta.get_field(field_name).verbose_name = verbose_name


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录保护")

    def ready(self):
        super().ready()
        name_models(self)


class OTPTOTPConfig(OTPTOTPAppConfig):
    verbose_name = _("两步验证：TOTP")

    def ready(self):
        super().ready()
        name_models(self)


class OTPStaticConfig(OTPStaticAppConfig):
    verbose_name = _("两步验证：备用验证码")

    def ready(self):
        super().ready()
        name_models(self)


class EditorialAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        position = {label: index for index, label in enumerate(APP_ORDER)}
        apps.sort(key=lambda app: (position.get(app["app_label"], len(APP_ORDER)), app["name"]))
        for app in apps:
            order = MODEL_ORDER.get(app["app_label"])
            if order:
                app["models"].sort(
                    key=lambda model: (
                        order.index(model["object_name"]) if model["object_name"] in order else len(order)
                    )
                )
        return apps


class EditorialAdminConfig(AdminConfig):
    default_site = "statuscodes.admin_site.EditorialAdminSite"


def require_otp(site):
    """Make ``site`` demand a verified OTP device, keeping its name, URLs, registry and app order."""
    # Imported here: django-otp's admin imports the auth models, and this module is loaded
    # from INSTALLED_APPS before any model is.
    from django_otp.admin import OTPAdminSite

    from .forms import ChineseOTPAuthenticationForm

    if not isinstance(site, OTPAdminSite):
        # site.__class__, not type(site): admin.site is a lazy proxy for the real site.
        base = site.__class__
        site.__class__ = type(f"OTP{base.__name__}", (OTPAdminSite, base), {})
    site.login_form = ChineseOTPAuthenticationForm
    # Our admin/login.html adds the verification-code field to Django's own login page.
    site.login_template = "admin/login.html"
    return site
