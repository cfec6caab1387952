"""Which version of the catalogue the cached pages belong to.

Every cached page's key includes the catalogue generation. Saving or deleting
an entry or annotation bumps it, so every page is re-rendered on its next
request. The generation must be shared by every worker without a database
query (a cache hit runs no SQL):

* with Redis, it is a Redis key, shared by every worker on every host;
* without Redis, each gunicorn worker has its own local-memory cache, so the
  generation is the modification time of a file on local disk, which every
  worker on the host sees the moment it changes.
"""

import logging
import os
import time
import uuid

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("statuscodes.cache")
GENERATION_KEY = "catalogue-generation"


def _uses_shared_cache():
    return "RedisCache" in settings.CACHES["default"]["BACKEND"]


def _file_generation():
    try:
        return str(os.stat(settings.CACHE_GENERATION_FILE).st_mtime_ns)
    except OSError:
        return "0"


def generation():
    """The current catalogue generation, without touching the database."""
    if _uses_shared_cache():
        try:
            value = cache.get(GENERATION_KEY)
            if value is None:
                value = uuid.uuid4().hex
                cache.add(GENERATION_KEY, value, timeout=None)
                value = cache.get(GENERATION_KEY, value)
            return value
        except Exception:  # noqa: BLE001 - the cache must never take the site down
            logger.warning("缓存服务不可用，本次请求不使用缓存", exc_info=True)
            return None
    return _file_generation()


def bump():
    """Invalidate every cached page: call after any change to the catalogue."""
    path = settings.CACHE_GENERATION_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        now = time.time_ns()
        with open(path, "a"):
            pass
        # Make sure the mtime moves even within the filesystem's timestamp granularity.
        previous = os.stat(path).st_mtime_ns
        os.utime(path, ns=(now, max(now, previous + 1)))
    except OSError:
        logger.error("无法更新缓存代数文件 %s", path, exc_info=True)
    if _uses_shared_cache():
        try:
            cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:  # noqa: BLE001
            logger.warning("缓存服务不可用，无法使缓存失效", exc_info=True)
