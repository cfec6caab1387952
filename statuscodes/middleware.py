"""Every middleware of the site, in the order settings.MIDDLEWARE lists them.

* ``CachedPageMiddleware`` comes first: it answers a page ``public_page`` stored
  (statuscodes/pagecache.py) before anything else runs, and stores the pages it
  sees rendered together with the headers every other middleware added.
* ``HeadResponseMiddleware`` gives HEAD the headers of GET and no body.
* ``DatabaseUnavailableMiddleware`` turns a database that cannot be reached
  into a 503 (docs/RELIABILITY.md).
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError
from django.dispatch import receiver

from . import errors, search_log
from .models import StaleVersionError
from .pagecache import PAGE_METHODS, pages

logger = logging.getLogger("statuscodes.middleware")

NO_BODY_STATUSES = (204, 304)
# Methods that never write: a failure during one is not a failed save.
NON_WRITING_METHODS = ("GET", "HEAD", "OPTIONS")
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
# Set on the request when a database error was turned into a 500 outside the view.
UNAVAILABLE_MARKER = "_statuscodes_database_unavailable"


class CachedPageMiddleware:
    """Serve a stored public page without running the rest of the stack.

    A hit needs no session, user, CSRF check, URL resolution or security
    middleware run: the stored page already carries every header they added
    when it was rendered, which makes a hit cheaper than a static file
    (docs/PERFORMANCE.md). Only pages ``public_page`` rendered are stored, and
    only when the response sets no cookie, so nothing private is ever served.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped = (settings.STATIC_URL, f"/{settings.ADMIN_PATH}/")

    def __call__(self, request):
        key = None
        if request.method in PAGE_METHODS and not request.path.startswith(self.skipped):
            key = pages.key_for(request)
            page = pages.get(key) if key else None
            if page is not None:
                if page.zero_result_query is not None and request.method == "GET":
                    search_log.record(page.zero_result_query)
                return page.respond(request)
        response = self.get_response(request)
        page = getattr(request, "public_page", None)
        if key and page is not None and self.answers_with(page, response) and self.public(response):
            page.add_outer_headers(response)
            pages.put(key, page)
        return response

    @staticmethod
    def answers_with(page, response):
        """The response is the stored page itself, or the 304 it gave a conditional request."""
        return response.status_code == page.status or (page.status == 200 and response.status_code == 304)

    @staticmethod
    def public(response):
        """A response that sets no cookie and does not depend on one may be served to anyone."""
        return not response.cookies and "cookie" not in response.get("Vary", "").lower()


class HeadResponseMiddleware:
    """HEAD gets GET's headers and no body, under every server.

    Django leaves HEAD bodies to the server; runserver and the test client
    strip them, but gunicorn logs a warning for each one.

    It also removes the ``Content-Length: 0`` that CommonMiddleware adds to
    204 and 304 responses: RFC 9110 forbids it on 204, and on 304 it may only
    repeat the 200's length.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in NO_BODY_STATUSES or 100 <= response.status_code < 200:
            if not response.streaming:
                response.content = b""
            del response.headers["Content-Length"]
        elif request.method == "HEAD" and not response.streaming:
            response.headers.setdefault("Content-Length", str(len(response.content)))
            response.content = b""
        return response


@receiver(got_request_exception, dispatch_uid="statuscodes.middleware.mark_database_unavailable")
def mark_database_unavailable(sender, request=None, **kwargs):
    """Remember that this request's 500 was really the database being away."""
    exception = sys.exception()
    if request is not None and isinstance(exception, UNAVAILABLE_ERRORS):
        setattr(request, UNAVAILABLE_MARKER, exception)


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After from a static page when the database is down.

    Nothing is remembered between requests, so the next request tries the
    database again and the site recovers by itself. Django routes exceptions
    two ways, and both are covered:

    * raised by a view, or while a ``TemplateResponse`` renders a lazy queryset,
      they reach ``process_exception``;
    * raised anywhere else inside the middleware (the 404 handler, the session
      middleware saving a session) Django has already turned them into a 500 by
      the time they come back here. ``got_request_exception`` fires first, while
      the exception is still being handled, so ``mark_database_unavailable``
      marks the request and the 500 is swapped for the 503.

    A write that fails part-way (the disk is full, a constraint, another editor
    saved first) has already been rolled back by the admin's
    ``transaction.atomic``; the editor gets a page saying that nothing was saved
    and how to get their text back, with the right status instead of a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exception = getattr(request, UNAVAILABLE_MARKER, None)
        if exception is not None:
            logger.error("数据库不可用（%s %s）：%s", request.method, request.path, exception)
            return errors.database_unavailable()
        return response

    def process_exception(self, request, exception):
        if self._is_save(request) and isinstance(exception, (DatabaseError, StaleVersionError)):
            logger.error("保存失败并已回滚（%s %s）：%r", request.method, request.path, exception)
            return errors.write_failed(exception)
        if isinstance(exception, UNAVAILABLE_ERRORS):
            logger.error("数据库不可用（%s %s）：%s", request.method, request.path, exception)
            return errors.database_unavailable()
        return None

    @staticmethod
    def _is_save(request):
        """An editor submitting a form that writes; a login attempt is not one."""
        match = request.resolver_match
        return request.method not in NON_WRITING_METHODS and not (match and match.url_name == "login")
