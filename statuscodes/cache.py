"""Which version of the catalogue the cached pages belong to, and safe cache access.

Every cached page's key includes the catalogue generation. Saving or deleting
an entry or annotation bumps it, so every page is re-rendered on its next
request. The generation must be shared by every worker without a database
query (a cache hit runs no SQL):

* on one host it is the modification time of a file on local disk. Each
  gunicorn worker has its own local-memory cache, so deleting a key in the
  worker that saved would leave the others stale; a file's mtime is seen by
  every worker the moment it changes.
* with Redis it is also a Redis key, shared by every worker on every host.
  The file stays in the key too, so an edit saved while Redis was unreachable
  still shows at once on the host that saved it.

The cache is never a point of failure: when it errors, pages are rendered
directly, and for a few seconds no request waits on it again.
"""

import logging
import os
import time
import uuid

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("statuscodes.cache")
GENERATION_KEY = "catalogue-generation"
# After a cache error, skip the cache for this long instead of making every
# request wait for a connection timeout.
BACKOFF_SECONDS = 5.0

_unavailable_until = 0.0


def _uses_shared_cache():
    return "RedisCache" in settings.CACHES["default"]["BACKEND"]


def _available():
    return time.monotonic() >= _unavailable_until


def _failed(action):
    global _unavailable_until
    _unavailable_until = time.monotonic() + BACKOFF_SECONDS
    logger.warning("缓存服务不可用（%s），%s 秒内直接渲染页面", action, int(BACKOFF_SECONDS), exc_info=True)


def _file_generation():
    try:
        return str(os.stat(settings.CACHE_GENERATION_FILE).st_mtime_ns)
    except OSError:
        return "0"


def _shared_generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def generation():
    """The current catalogue generation, or None when the cache is unusable."""
    local = _file_generation()
    if not _uses_shared_cache():
        return local
    if not _available():
        return None
    try:
        shared = _shared_generation()
    except Exception:  # noqa: BLE001 - the cache must never take the site down
        _failed("读取缓存代数")
        return None
    return f"{shared}.{local}" if shared else None


def load(key):
    """A cached value, or None on a miss or when the cache is down."""
    if not _available():
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001
        _failed("读取页面")
        return None


def store(key, value, timeout):
    if not _available():
        return
    try:
        cache.set(key, value, timeout)
    except Exception:  # noqa: BLE001
        _failed("写入页面")


def bump():
    """Invalidate every cached page: call after any change to the catalogue."""
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
    if _uses_shared_cache():
        try:
            cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:  # noqa: BLE001
            logger.warning("缓存服务不可用，无法使共享缓存失效", exc_info=True)
