"""Error pages in Chinese.

The 404 page is built from the catalogue's own 404 entry. The 500 and 503
pages are static: they read no context and touch no database, and if even the
template cannot be rendered a hard-coded page is sent, so an error handler
never raises an error of its own. The pages for a database outage and for a
save that failed are sent by statuscodes/middleware.py.
"""

import logging
from http import HTTPStatus

from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotFound
from django.template import loader
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import StaleVersionError, StatusCode

logger = logging.getLogger("statuscodes.errors")

FALLBACK_PAGE = (
    '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
    "<title>{status} · HTTP 状态码参考</title></head>"
    '<body><h1>{status}</h1><p><a href="/">返回首页</a></p></body></html>'
)


def static_page(template_name, status, fallback_title):
    """Render a template with no context; fall back to hard-coded HTML if that fails."""
    try:
        body = loader.render_to_string(template_name)
    except Exception:  # noqa: BLE001 - an error page must never fail
        logger.exception("无法渲染错误页面 %s", template_name)
        body = FALLBACK_PAGE.format(status=fallback_title)
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = "zh-Hans"
    return response


def page_not_found(request, exception=None):
    """Our own 404 page, built from the catalogue's 404 entry when it can be read."""
    try:
        entry = StatusCode.objects.published().filter(code=404).first()
    except DatabaseError:
        entry = None
    body = loader.render_to_string("404.html", {"entry": entry, "request_path": request.path}, request)
    response = HttpResponseNotFound(body)
    # Short-lived, so a code an editor adds shows up within a minute.
    response["Cache-Control"] = "max-age=60"
    response["Content-Language"] = "zh-Hans"
    return response


def server_error(request):
    return static_page("500.html", 500, "500 服务器内部错误")


def service_unavailable():
    """The 503 page: static, with no database access."""
    return static_page("503.html", 503, "503 服务暂时不可用")


RETRY_AFTER_SECONDS = 30


def database_unavailable():
    """503 with Retry-After, for a request that could not reach the database."""
    response = service_unavailable()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def write_failed(exception):
    """A static page for a save that failed and was rolled back, with the status that says why."""
    if isinstance(exception, (OperationalError, InterfaceError)):
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


def bad_request(request, exception=None):
    return static_page("400.html", 400, "400 请求有误")


def permission_denied(request, exception=None):
    return static_page("403.html", 403, "403 禁止访问")


def csrf_failure(request, reason=""):
    return static_page("403_csrf.html", 403, "403 请求校验失败")
