"""The public pages' HTTP layer: methods, validators, the page cache and the catalogue generation.

A view wrapped in ``public_page``:

* answers GET and HEAD, answers OPTIONS with ``Allow``, and turns every other
  method into a 405 with ``Allow: GET, HEAD`` and a short Chinese body. Public
  pages never accept writes, so they are exempt from CSRF checks: otherwise
  CsrfViewMiddleware would answer a POST with 403 before the 405 could be sent.
* is turned into a ``StoredPage`` once, when it is rendered: the weak ETag is a
  hash of the body and ``settings.RELEASE``, so it changes exactly when the
  bytes (or the release) change, and no view computes one. A view that knows
  when its content last changed says so with ``set_last_modified``. The 304
  carries exactly the ETag, Last-Modified, Cache-Control and Vary of the 200.
* is stored under the catalogue generation, gzipped once (a large page when first
  asked for in gzip). ``CachedPageMiddleware`` (statuscodes/middleware.py) answers a stored page before any other middleware
  runs: a hit, including one answered with 304, runs no SQL.

The generation names the version of the catalogue that pages belong to. Saving
or deleting an entry or annotation moves it (``catalogue_changed``), so every
page is rendered again on its next request. It has two parts, and a page key
carries both:

* the modification time of a file on local disk, seen by every worker of this
  host the moment it changes (one ``stat`` per request);
* a token in the shared cache, seen by every worker of every host. With Redis a
  worker reads it at most every ``SHARED_CHECK_INTERVAL`` seconds, so a page
  served from a worker's memory costs no Redis round trip. Requests from editors
  (they carry a session cookie) read it on every request. docs/PERFORMANCE.md
  states the resulting bound. ``cache.clear()`` drops the token, so clearing the
  cache also retires every page and every per-generation value.

The cache is never a point of failure: when it errors, pages are rendered
directly, and for a few seconds no request waits on it again.
"""

import functools
import gzip
import hashlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.http.response import ResponseHeaders
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger("statuscodes.pagecache")

PAGE_METHODS = ("GET", "HEAD")
ALLOW = "GET, HEAD"
# Browsers revalidate every page view: an editor who saves, looks, reverts and
# looks again within seconds must never be shown their browser's old copy, and
# a revalidation is cheap (a 304 answered from the page cache, no SQL).
PAGE_MAX_AGE = 0
PERMANENT_REDIRECT_MAX_AGE = 86400
# Rendered pages are kept for an hour in the shared cache; the generation in the
# key, not the timeout, is what makes an edit visible.
SHARED_TIMEOUT = 3600
# Pages each worker keeps in its own memory (~15 KB each with the gzip form, once asked for).
LOCAL_PAGES = 256
STORED_STATUSES = (200, 404)
# Headers that belong to one representation; a stored page sets them per request.
REPRESENTATION_HEADERS = {"content-length", "content-encoding", "vary"}
# Below this size gzip saves less than the header costs.
GZIP_MIN_LENGTH = 200
# Text this long always shrinks: it is compressed when first asked for in gzip, not when rendered
# (most never-seen searches are never asked for again, nor in gzip by load tools).
GZIP_LATER_LENGTH = 2048
compress = functools.partial(gzip.compress, compresslevel=6, mtime=0)

GENERATION_KEY = "catalogue-generation"
# How often a worker reads the shared generation from Redis (the bound on how
# long another host's edit takes to show; docs/PERFORMANCE.md).
SHARED_CHECK_INTERVAL = 0.25
# After a cache error, skip the cache for this long instead of making every
# request wait for a connection timeout.
BACKOFF_SECONDS = 5.0


# --- The catalogue generation ----------------------------------------------------------------------


class Generation:
    """This process's view of the catalogue generation (see the module docstring)."""

    def __init__(self):
        self.unavailable_until = 0.0
        self.shared = None  # (token, monotonic time it was read) for Redis
        self.clients = {}
        # While ``on`` (one public-page request, middleware.py), the value first read is kept.
        self.held = threading.local()

    @staticmethod
    def uses_redis():
        return "RedisCache" in settings.CACHES["default"]["BACKEND"]

    def available(self):
        return time.monotonic() >= self.unavailable_until

    def failed(self, action):
        self.unavailable_until = time.monotonic() + BACKOFF_SECONDS
        self.shared = None
        logger.warning(
            "缓存服务不可用（%s），%s 秒内直接渲染页面", action, int(BACKOFF_SECONDS), exc_info=True
        )

    def redis(self):
        """One redis-py client per process: Django's RedisCache builds one per operation."""
        config = settings.CACHES["default"]
        client = self.clients.get(config["LOCATION"])
        if client is None:
            import redis

            options = {k: v for k, v in config.get("OPTIONS", {}).items() if k.startswith("socket_")}
            client = self.clients[config["LOCATION"]] = redis.Redis.from_url(config["LOCATION"], **options)
        return client

    @staticmethod
    def key():
        return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{GENERATION_KEY}"

    def read_shared(self):
        if not self.uses_redis():
            token = cache.get(GENERATION_KEY)
            if token is None:
                cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
                token = cache.get(GENERATION_KEY)
            return token
        client = self.redis()
        value = client.get(self.key())
        if value is None:
            client.set(self.key(), uuid.uuid4().hex, nx=True)
            value = client.get(self.key())
        return value.decode() if value is not None else None

    def shared_token(self, fresh):
        now = time.monotonic()
        memo = self.shared
        if not fresh and memo is not None and now - memo[1] < SHARED_CHECK_INTERVAL:
            return memo[0]
        token = self.read_shared()
        self.shared = (token, now) if self.uses_redis() else None
        return token

    def current(self, fresh=False):
        """The generation, or None when the cache is unusable; ``fresh`` skips the interval."""
        if not fresh and (held := getattr(self.held, "value", None)) is not None:
            return held
        try:
            local = str(os.stat(settings.CACHE_GENERATION_FILE).st_mtime_ns)
        except OSError:
            local = "0"
        if not self.available():
            return None
        try:
            shared = self.shared_token(fresh)
        except Exception:  # noqa: BLE001 - the cache must never take the site down
            self.failed("读取缓存代数")
            return None
        value = f"{shared}.{local}" if shared else None
        if getattr(self.held, "on", False):
            self.held.value = value
        return value

    def move(self):
        path = settings.CACHE_GENERATION_FILE
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a"):
                pass
            # Move the mtime forward even within the filesystem's timestamp granularity.
            previous = os.stat(path).st_mtime_ns
            now = max(time.time_ns(), previous + 1)
            os.utime(path, ns=(now, now))
        except OSError:
            logger.error("无法更新缓存代数文件 %s", path, exc_info=True)
        self.shared = self.held.value = None
        try:
            if self.uses_redis():
                self.redis().set(self.key(), uuid.uuid4().hex)
            else:
                cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:  # noqa: BLE001
            logger.warning("缓存服务不可用，无法使共享缓存失效", exc_info=True)


generation = Generation()


def current_generation(fresh=False):
    return generation.current(fresh)


def catalogue_changed():
    """Retire every stored page and per-generation value: call after any change to the catalogue."""
    generation.move()


def per_generation(build):
    """Decorate a function of no arguments: its result is kept per process until the catalogue changes.

    When the cache is unusable the value is built on every call rather than risk a stale one.
    """
    memo = []

    @wraps(build)
    def get():
        current = current_generation()
        if current is None:
            return build()
        if memo and memo[0][0] == current:
            return memo[0][1]
        value = build()
        memo[:] = [(current, value)]
        return value

    get.forget = memo.clear
    return get


def _invalidate(sender, **kwargs):
    catalogue_changed()
    # Again after commit, so a page rendered from the old rows while the
    # transaction was open is not kept under the new generation.
    transaction.on_commit(catalogue_changed)


def connect_signals():
    """The admin, the seed and imports all write entries, so invalidation hangs off the models."""
    for model in ("statuscodes.StatusCode", "statuscodes.Annotation"):
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"pagecache-save-{model}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"pagecache-delete-{model}")


# --- Stored pages -------------------------------------------------------------------------------------


def accepts_gzip(request):
    """True unless the client did not ask for gzip or refused it with q=0."""
    return _accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", ""))


@functools.lru_cache(maxsize=64)
def _accepts_gzip(header):
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        quality = params.strip().lower().removeprefix("q=")
        try:
            return not params or float(quality) > 0
        except ValueError:
            return False
    return False


def entity_tag(body):
    """The one ETag recipe: the body's bytes and the release."""
    digest = hashlib.blake2b(body, digest_size=12)
    digest.update(settings.RELEASE.encode())
    return f'W/"{digest.hexdigest()}"'


def set_last_modified(response, *timestamps):
    """Say when the newest change a page shows was made (the Last-Modified header)."""
    present = [stamp for stamp in timestamps if stamp is not None]
    if present:
        response["Last-Modified"] = http_date(max(present).timestamp())
    return response


# Request headers that make a request conditional (RFC 9110 section 13.1).
PRECONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


class StoredPage:
    """A rendered page: status, headers, body, its gzip form, and how to answer a request with it."""

    __slots__ = ("status", "headers", "body", "gzipped", "last_modified", "_checked", "zero_result_query")

    def __init__(self, status, headers, body, gzipped, zero_result_query=None):
        self.status, self.headers, self.body, self.gzipped = status, headers, body, gzipped
        # A search page that found nothing names its query, so a hit is counted too (search_log).
        self.zero_result_query = zero_result_query
        if gzipped is not None:
            # Sent on both representations, so caches never mix them up.
            headers["Vary"] = "Accept-Encoding"
        stamp = headers.get("Last-Modified")
        self.last_modified = parse_http_date_safe(stamp) if stamp else None
        self._checked = None

    @classmethod
    def from_response(cls, response):
        body = response.content
        if response.status_code == 200:
            response["ETag"] = entity_tag(body)
        if not response.has_header("Cache-Control"):
            # A view that set its own Cache-Control (a JSON 404, say) knows better.
            patch_cache_control(response, max_age=PAGE_MAX_AGE, must_revalidate=True)
        response.headers.setdefault("Content-Language", "zh-Hans")
        headers = {k: v for k, v in response.items() if k.lower() not in REPRESENTATION_HEADERS}
        gzipped = b"" if len(body) >= GZIP_LATER_LENGTH else None  # b"": not compressed yet
        if gzipped is None and len(body) >= GZIP_MIN_LENGTH and len(compressed := compress(body)) < len(body):
            gzipped = compressed
        return cls(response.status_code, headers, body, gzipped, getattr(response, "zero_result_query", None))

    def add_outer_headers(self, response):
        """Take the headers the outer middleware added (security, CSP, framing) into the stored page."""
        added = {}
        for name, value in response.items():
            if name.lower() not in REPRESENTATION_HEADERS and name not in self.headers:
                self.headers[name] = added[name] = value
        self._checked = None
        return added

    def respond(self, request):
        use_gzip = self.gzipped is not None and accepts_gzip(request)
        if use_gzip and not self.gzipped:
            self.gzipped = compress(self.body)
        body = self.gzipped if use_gzip else self.body
        response = HttpResponse(b"" if request.method == "HEAD" else body, status=self.status)
        if self._checked is None:
            # Checked and encoded once; every response then copies the result.
            self._checked = ResponseHeaders(self.headers)._store
        store = response.headers._store
        store["content-length"] = ("Content-Length", str(len(body)))
        if use_gzip:
            store["content-encoding"] = ("Content-Encoding", "gzip")
        store.update(self._checked)
        if self.status != 200 or not any(name in request.META for name in PRECONDITIONS):
            return response
        return get_conditional_response(
            request, etag=self.headers.get("ETag"), last_modified=self.last_modified, response=response
        )


class PageStore:
    """Pages in this worker's memory (an LRU), backed by the shared cache when that is Redis.

    Keys carry the generation, so an entry can never be stale: after an edit it
    is simply never asked for again.
    """

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def key(request, current):
        # Scheme and host are part of the key: pages carry absolute canonical URLs.
        url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return f"page:{settings.RELEASE}:{current}:{digest}"

    def key_for(self, request):
        """This request's key, or None when the cache is unusable or the host is not allowed."""
        fresh = settings.SESSION_COOKIE_NAME in request.COOKIES
        current = current_generation(fresh=fresh)
        if current is None:
            return None
        try:
            return self.key(request, current)
        except DisallowedHost:
            return None  # let Django answer 400 the usual way

    def get(self, key, shared=True):
        with self.lock:
            page = self.entries.get(key)
            if page is not None:
                self.entries.move_to_end(key)
                return page
        if not shared or not generation.uses_redis() or not generation.available():
            return None
        try:
            page = cache.get(key)
        except Exception:  # noqa: BLE001
            generation.failed("读取页面")
            return None
        if page is not None:
            self.remember(key, page)
        return page

    def remember(self, key, page):
        with self.lock:
            self.entries[key] = page
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def put(self, key, page, shared=True):
        self.remember(key, page)
        if not shared or not generation.uses_redis() or not generation.available():
            return
        try:
            cache.set(key, page, SHARED_TIMEOUT)
        except Exception:  # noqa: BLE001
            generation.failed("写入页面")

    def clear(self):
        with self.lock:
            self.entries.clear()


pages = PageStore(LOCAL_PAGES)


# --- Public pages ------------------------------------------------------------------------------------


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


def public_page(view):
    """Wrap a public view: page methods only, validators, gzip and 304s; the middleware stores it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return options_response()
        if request.method not in PAGE_METHODS:
            return method_not_allowed(request)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if response.status_code in (301, 308):
            patch_cache_control(response, public=True, max_age=PERMANENT_REDIRECT_MAX_AGE)
        if response.status_code not in STORED_STATUSES or response.streaming:
            return response
        page = request.public_page = StoredPage.from_response(response)
        return page.respond(request)

    wrapper.csrf_exempt = True
    return wrapper
