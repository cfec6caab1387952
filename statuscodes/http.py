"""HTTP behaviour shared by every public page: methods, validators and caching.

A view wrapped in ``public_page`` answers GET and HEAD, answers OPTIONS with
``Allow``, and turns every other method into a 405 with a short Chinese body.
Views describe their content's freshness by setting ``response.validator`` to
``(last_modified, tag)``; this module derives both the weak ETag and
Last-Modified from that one source, adds the release string, and serves 304s
that carry the same validators and Cache-Control as the 200 would.

Rendered pages are cached under the catalogue generation (statuscodes/cache.py),
so a cache hit, including one answered with 304, runs no SQL at all.
"""

import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from . import cache as catalogue_cache

logger = logging.getLogger("statuscodes.http")

SAFE_METHODS = ("GET", "HEAD")
ALLOW = "GET, HEAD"
PAGE_MAX_AGE = 300
CACHED_STATUSES = (200, 404)
CACHED_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "X-Robots-Tag",
                  "Access-Control-Allow-Origin", "Content-Language", "Content-Disposition")


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


def entity_tag(tag):
    digest = hashlib.blake2b(f"{tag}|{settings.RELEASE}".encode(), digest_size=10).hexdigest()
    return f'W/"{digest}"'


def apply_validators(response):
    """Set ETag, Last-Modified and Cache-Control from ``response.validator``."""
    validator = getattr(response, "validator", None)
    if validator is not None:
        last_modified, tag = validator
        response["ETag"] = entity_tag(tag)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
    max_age = getattr(response, "max_age", PAGE_MAX_AGE)
    patch_cache_control(response, public=True, max_age=max_age)
    response.setdefault("Content-Language", "zh-Hans")
    return response


def _cache_key(request, generation):
    path = request.get_full_path()
    digest = hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return f"page:{settings.RELEASE}:{generation}:{digest}"


def _store(key, response):
    if response.status_code not in CACHED_STATUSES or response.streaming:
        return
    headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
    try:
        cache.set(key, (response.status_code, headers, response.content), PAGE_MAX_AGE * 12)
    except Exception:  # noqa: BLE001 - the cache is never a point of failure
        logger.warning("缓存服务不可用，页面未缓存", exc_info=True)


def _load(key):
    try:
        cached = cache.get(key)
    except Exception:  # noqa: BLE001
        logger.warning("缓存服务不可用，直接渲染页面", exc_info=True)
        return None
    if cached is None:
        return None
    status, headers, content = cached
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _conditional(request, response):
    if response.status_code != 200:
        return response
    conditional = get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=_parse_last_modified(response.get("Last-Modified")),
        response=response,
    )
    return conditional


def _parse_last_modified(value):
    from django.utils.http import parse_http_date_safe

    return parse_http_date_safe(value) if value else None


def public_page(view):
    """Wrap a public view: safe methods only, validators, caching and 304s."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return options_response()
        if request.method not in SAFE_METHODS:
            return method_not_allowed(request)
        generation = catalogue_cache.generation()
        key = _cache_key(request, generation) if generation is not None else None
        response = _load(key) if key else None
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if response.status_code in CACHED_STATUSES:
                apply_validators(response)
                if key:
                    _store(key, response)
        return _conditional(request, response)

    wrapper.public_page = True
    return wrapper
