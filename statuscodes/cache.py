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

With Redis, each worker also keeps recently served pages in its own memory
(LocalPages), so a hit reads only the generation from Redis.

The cache is never a point of failure: when it errors, pages are rendered
directly, and for a few seconds no request waits on it again.
"""

import logging
import os
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("statuscodes.cache")
GENERATION_KEY = "catalogue-generation"
# After a cache error, skip the cache for this long instead of making every
# request wait for a connection timeout.
BACKOFF_SECONDS = 5.0
# Pages each worker keeps in its own memory when Redis is the cache (~15 KB each).
LOCAL_PAGES = 256

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


_redis_clients = {}


def _redis():
    """One redis-py client per process for the generation key.

    Django's RedisCache builds a new client object for every operation, which
    costs more CPU than the whole rest of a cache hit; the generation is read
    on every request, so it gets a client of its own (same server, same pool
    options).
    """
    config = settings.CACHES["default"]
    location = config["LOCATION"]
    client = _redis_clients.get(location)
    if client is None:
        import redis

        options = {k: v for k, v in config.get("OPTIONS", {}).items() if k.startswith("socket_")}
        client = _redis_clients[location] = redis.Redis.from_url(location, **options)
    return client


def _generation_key():
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{GENERATION_KEY}"


def _shared_generation():
    client = _redis()
    value = client.get(_generation_key())
    if value is None:
        client.set(_generation_key(), uuid.uuid4().hex, nx=True)
        value = client.get(_generation_key())
    return value.decode() if value is not None else None


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


class LocalPages:
    """A small in-process LRU in front of Redis.

    Keys carry the generation, so an entry can never be stale: after an edit
    it is simply never asked for again. A hit then costs one small Redis read
    (the generation) instead of two, plus moving and unpickling the page.
    """

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


local_pages = LocalPages(LOCAL_PAGES)


def load(key):
    """A cached page, or None on a miss or when the cache is down."""
    shared = _uses_shared_cache()
    if shared and (value := local_pages.get(key)) is not None:
        return value
    if not _available():
        return None
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001
        _failed("读取页面")
        return None
    if shared and value is not None:
        local_pages.put(key, value)
    return value


def store(key, value, timeout):
    if _uses_shared_cache():
        local_pages.put(key, value)
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
            _redis().set(_generation_key(), uuid.uuid4().hex)
        except Exception:  # noqa: BLE001
            logger.warning("缓存服务不可用，无法使共享缓存失效", exc_info=True)
