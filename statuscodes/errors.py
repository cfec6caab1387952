"""Error pages in Chinese.

The 404 page is built from the catalogue's own 404 entry. The 500 and 503
pages are static: they read no context and touch no database, and if even the
template cannot be rendered a hard-coded page is sent, so an error handler
never raises an error of its own.
"""

import logging

from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotFound
from django.template import loader

from .models import StatusCode

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
    """The 503 page for the resilience middleware: static, with no database access."""
    return static_page("503.html", 503, "503 服务暂时不可用")


def bad_request(request, exception=None):
    return static_page("400.html", 400, "400 请求有误")


def permission_denied(request, exception=None):
    return static_page("403.html", 403, "403 禁止访问")


def csrf_failure(request, reason=""):
    return static_page("403_csrf.html", 403, "403 请求校验失败")
