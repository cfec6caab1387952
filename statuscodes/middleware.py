import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("statuscodes.middleware")

RETRY_AFTER_SECONDS = 30


class HeadResponseMiddleware:
    """HEAD gets GET's headers and no body, under every server.

    Django leaves HEAD bodies to the server; runserver and the test client
    strip them, but gunicorn logs a warning for each one. Keep this first in
    MIDDLEWARE so the body is dropped after everything else has run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD" and not response.streaming:
            if response.status_code not in (204, 304) and not (100 <= response.status_code < 200):
                response.headers.setdefault("Content-Length", str(len(response.content)))
            response.content = b""
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After from a static page when the database is down.

    The page is rendered from a template that reads no context and touches no
    database, and the next request tries the database again, so the site
    recovers by itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("数据库不可用：%s", exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
