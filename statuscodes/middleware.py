from .http import SAFE_METHODS, cached_response

NO_BODY_STATUSES = (204, 304)


class HeadResponseMiddleware:
    """HEAD gets GET's headers and no body, under every server.

    Django leaves HEAD bodies to the server; runserver and the test client
    strip them, but gunicorn logs a warning for each one. Keep this first in
    MIDDLEWARE so it sees the response after everything else has run.

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


class CachedPageMiddleware:
    """Serve a public page that is already cached without running the rest of the stack.

    A cache hit needs no session, user, CSRF check or URL resolution, and
    skipping them makes a cached page nearly as cheap as a static file
    (docs/PERFORMANCE.md). Place it after the middleware that add security
    headers (Security, CSP, X-Frame-Options) so hits carry them too. Only
    pages ``public_page`` stored can be found, so admin pages never are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            response = cached_response(request)
            if response is not None:
                return response
        return self.get_response(request)
