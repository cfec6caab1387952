"""HTTP behaviour shared by every public page: methods, validators, caching, compression.

A view wrapped in ``public_page``:

* answers GET and HEAD, answers OPTIONS with ``Allow``, and turns every other
  method into a 405 with ``Allow: GET, HEAD`` and a short Chinese body. Public
  pages never accept writes, so they are exempt from CSRF checks: otherwise
  CsrfViewMiddleware would answer a POST with 403 before the 405 could be sent.
* gets its validators from one source of truth. A view describes its content by
  setting ``response.validator = (last_modified, tag)``; views that do not get
  ``catalogue_validator()``, the newest change anywhere in the catalogue. Both
  the weak ETag and Last-Modified come from that pair plus ``settings.RELEASE``,
  so a 304 carries exactly the ETag, Last-Modified, Cache-Control and Vary the
  200 would.
* is cached, already rendered and gzipped, under the catalogue generation
  (statuscodes/cache.py). A cache hit, including one answered with 304, runs no
  SQL. Gzip is computed once per render, so compression costs nothing on a hit;
  the pages hold no secrets (no CSRF token, no session), so BREACH does not apply.
"""

import gzip
import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db.models import Count, Max
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from . import cache as catalogue_cache

logger = logging.getLogger("statuscodes.http")

SAFE_METHODS = ("GET", "HEAD")
ALLOW = "GET, HEAD"
# Browsers revalidate every page view: an editor who saves, looks, reverts and
# looks again within seconds must never be shown their browser's old copy, and
# a revalidation is cheap (a 304 answered from the page cache, no SQL).
PAGE_MAX_AGE = 0
REDIRECT_MAX_AGE = 86400
# Rendered pages are kept for an hour; the generation in the key, not the
# timeout, is what makes an edit visible at once.
CACHE_TIMEOUT = 3600
CACHED_STATUSES = (200, 404)
CACHED_HEADERS = (
    "Content-Type",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "X-Robots-Tag",
    "Access-Control-Allow-Origin",
    "Content-Language",
    "Content-Disposition",
    "Link",
)
# Below this size gzip saves less than the header costs.
GZIP_MIN_LENGTH = 200


def method_not_allowed(request):
    """405 with Allow and a short Chinese explanation."""
    body = render_to_string("405.html", {"method": request.method, "allow": ALLOW})
    response = HttpResponse(body, status=405)
    response["Allow"] = ALLOW
    return response


def options_response():
    response = HttpResponse(status=204)
    response["Allow"] = f"{ALLOW}, OPTIONS"
    return response


def catalogue_validator():
    """``(last_modified, tag)`` for a page drawn from the whole catalogue.

    The newest ``updated_at`` of any entry or annotation catches every edit,
    publish and unpublish; the row counts catch deletions. Runs only when a
    page is rendered, never on a cache hit.
    """
    from .models import Annotation, StatusCode

    codes = StatusCode.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
    notes = Annotation.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
    stamps = [stamp for stamp in (codes["latest"], notes["latest"]) if stamp is not None]
    latest = max(stamps) if stamps else None
    stamp = int(latest.timestamp() * 1_000_000) if latest else 0
    return latest, f"catalogue-{stamp}-{codes['count']}-{notes['count']}"


def entity_tag(tag):
    digest = hashlib.blake2b(f"{tag}|{settings.RELEASE}".encode(), digest_size=10).hexdigest()
    return f'W/"{digest}"'


def apply_validators(response):
    """Set ETag, Last-Modified and Cache-Control on a rendered 200 or 404."""
    if response.status_code == 200:
        validator = getattr(response, "validator", None) or catalogue_validator()
        last_modified, tag = validator
        response["ETag"] = entity_tag(tag)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
    if not response.has_header("Cache-Control"):
        # A view that set its own Cache-Control (a JSON 404, say) knows better.
        max_age = getattr(response, "max_age", PAGE_MAX_AGE)
        patch_cache_control(response, max_age=max_age, must_revalidate=max_age == 0)
    response.setdefault("Content-Language", "zh-Hans")
    return response


def accepts_gzip(request):
    """True unless the client did not ask for gzip or refused it with q=0."""
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        quality = params.strip().lower().removeprefix("q=")
        try:
            return not params or float(quality) > 0
        except ValueError:
            return False
    return False


class CachedPage:
    """A rendered page as stored in the cache: status, headers, body and its gzip form."""

    __slots__ = ("status", "headers", "body", "gzipped")

    def __init__(self, status, headers, body, gzipped):
        self.status, self.headers, self.body, self.gzipped = status, headers, body, gzipped

    @classmethod
    def from_response(cls, response):
        headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
        body = response.content
        gzipped = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN_LENGTH else None
        if gzipped is not None and len(gzipped) >= len(body):
            gzipped = None
        return cls(response.status_code, headers, body, gzipped)

    def __getstate__(self):
        return (self.status, self.headers, self.body, self.gzipped)

    def __setstate__(self, state):
        self.status, self.headers, self.body, self.gzipped = state

    def to_response(self, request):
        use_gzip = self.gzipped is not None and accepts_gzip(request)
        response = HttpResponse(self.gzipped if use_gzip else self.body, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        if use_gzip:
            response["Content-Encoding"] = "gzip"
        # Set here because a hit served by CachedPageMiddleware skips CommonMiddleware.
        response["Content-Length"] = str(len(response.content))
        if self.gzipped is not None:
            # Sent on both representations, so caches never mix them up.
            patch_vary_headers(response, ("Accept-Encoding",))
        return response


def _cache_key(request, generation):
    # Scheme and host are part of the key: pages carry absolute canonical URLs.
    url = request.build_absolute_uri()
    digest = hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return f"page:{settings.RELEASE}:{generation}:{digest}"


def _conditional(request, response):
    if response.status_code != 200:
        return response
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )


def _render(view, request, args, kwargs):
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if response.status_code in (301, 308):
        patch_cache_control(response, public=True, max_age=REDIRECT_MAX_AGE)
    if response.status_code in CACHED_STATUSES and not response.streaming:
        apply_validators(response)
        return response, CachedPage.from_response(response)
    return response, None


def page_key(request):
    """The cache key for this request's page, or None when the cache is unusable."""
    generation = catalogue_cache.generation()
    return _cache_key(request, generation) if generation is not None else None


def cached_response(request):
    """The response for a page public_page has cached, or None on a miss.

    CachedPageMiddleware calls this before sessions, authentication, CSRF and
    URL resolution run, none of which a public page uses; only responses that
    public_page itself stored can be found, so nothing private is ever served.
    """
    try:
        key = page_key(request)
    except DisallowedHost:
        return None  # let Django answer 400 the usual way
    page = catalogue_cache.load(key) if key else None
    if page is None:
        return None
    return _conditional(request, page.to_response(request))


def public_page(view):
    """Wrap a public view: safe methods only, validators, caching, gzip and 304s."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return options_response()
        if request.method not in SAFE_METHODS:
            return method_not_allowed(request)
        key = page_key(request)
        page = catalogue_cache.load(key) if key else None
        if page is None:
            response, page = _render(view, request, args, kwargs)
            if page is None:
                return response
            if key:
                catalogue_cache.store(key, page, CACHE_TIMEOUT)
        return _conditional(request, page.to_response(request))

    wrapper.public_page = True
    wrapper.csrf_exempt = True
    return wrapper
