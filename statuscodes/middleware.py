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
from django.urls import NoReverseMatch, get_urlconf, resolve, reverse

from . import errors, search_log
from .models import StaleVersionError
from .pagecache import PAGE_METHODS, PRECONDITIONS, generation, pages

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

    A search the cache has not seen is answered by the search view alone when
    the rest of the stack would only add headers (``search_directly``).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped = (settings.STATIC_URL, f"/{settings.ADMIN_PATH}/")
        self.search = None  # (URLconf, the search page's path, its ResolverMatch), found on first use
        # request.is_secure() → the headers the outer middleware added to a search page.
        self.search_headers = {}
        # The stack answers some requests without the view: those settings turn the shortcut off.
        self.shortcut = not settings.PREPEND_WWW and not settings.DISALLOWED_USER_AGENTS

    def __call__(self, request):
        if request.method not in PAGE_METHODS or request.path.startswith(self.skipped):
            return self.get_response(request)
        # One reading of the catalogue generation serves the page key and every per-generation value.
        held = generation.held
        held.on, held.value = True, None
        try:
            return self.serve(request)
        finally:
            held.on, held.value = False, None

    def serve(self, request):
        key = pages.key_for(request)
        # Search pages stay in the worker's memory: there is one per query string and most are never
        # asked for again, so a round trip to Redis to look for each and another to store it would
        # cost more than rendering again the few that are (docs/PERFORMANCE.md).
        shared = not self.is_search(request)
        page = pages.get(key, shared) if key else None
        if page is not None:
            if page.zero_result_query is not None and request.method == "GET":
                search_log.record(page.zero_result_query)
            return page.respond(request)
        if key and self.shortcut and (response := self.search_directly(request, key)) is not None:
            return response
        response = self.get_response(request)
        page = getattr(request, "public_page", None)
        if key and page is not None and self.answers_with(page, response) and self.public(response):
            added = page.add_outer_headers(response)
            if response.status_code == 200 and self.plain_search(request):
                self.search_headers[request.is_secure()] = added
            pages.put(key, page, shared)
        return response

    def is_search(self, request):
        urlconf = get_urlconf()
        if self.search is None or self.search[0] != urlconf:
            try:
                path = reverse("statuscodes:search")
                self.search = (urlconf, path, resolve(path))
            except NoReverseMatch:  # a URLconf without the site's pages
                self.search = (urlconf, None, None)
        return request.path == self.search[1]

    def plain_search(self, request):
        """A search request that carries nothing the rest of the stack reads: no cookie, no condition."""
        return (
            self.is_search(request)
            and not request.META.get("HTTP_COOKIE")
            and not any(name in request.META for name in PRECONDITIONS)
        )

    def search_directly(self, request, key):
        """A search page the cache has not seen, from the search view without the rest of the stack.

        For a request without cookies or conditions the rest of the stack only
        adds headers to the page (security, CSP, framing): the same ones every
        time, learned from the last search page it did render for a request
        like this one (same scheme). The response is then the one the whole
        stack would give, byte for byte, about 0.4 ms sooner
        (docs/PERFORMANCE.md). Anything other than a page to store (a jump to
        a code's page, a refused query, an error) goes through the whole stack
        again, which answers it as it always does.
        """
        headers = self.search_headers.get(request.is_secure()) if self.plain_search(request) else None
        if headers is None:
            return None
        request.resolver_match = match = self.search[2]
        try:
            response = match.func(request)
        except Exception:  # noqa: BLE001 - the whole stack answers it (a database error becomes a 503)
            response = None
        page = getattr(request, "public_page", None)
        if response is None or page is None or page.status != 200 or response.status_code != 200:
            request.__dict__.pop("public_page", None)
            request.resolver_match = None
            return None
        for name, value in headers.items():
            if name not in response:
                response[name] = value
        if self.public(response):
            page.add_outer_headers(response)
            pages.put(key, page, shared=False)
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
