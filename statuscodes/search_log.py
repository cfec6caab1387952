"""The zero-result log: searches that found nothing, for editors to learn readers' words from.

What is kept: the normalised query (the form search compares, statuscodes/search/normalise.py),
how many times it found nothing, and the first and last date it did. Nothing else:
no IP address, cookie, user agent or time of day.

How it is written, so that it never slows or breaks a search:

* ``record`` only adds to a counter in this process's memory;
* the counter is written to the database after ``SEARCH_LOG_BATCH_SIZE``
  searches or ``SEARCH_LOG_FLUSH_SECONDS`` seconds, whichever comes first, on
  ``request_finished`` (after the response has been sent), and when a gunicorn
  worker exits (gunicorn.conf.py); a failure is logged and the batch dropped;
* each write also deletes rows not seen for ``SEARCH_LOG_RETENTION_DAYS`` days
  and, when the table holds more than ``SEARCH_LOG_MAX_ROWS`` rows, the rows
  seen least often and longest ago, so a flood of unique junk queries cannot
  grow it without bound. A retention of 0 switches the log off.

Queries the search refused are never recorded: too long (over 200 characters,
answered with 400), empty, or with no letter or digit at all.
"""

import logging
import threading
import time
import unicodedata
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.signals import request_finished
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import ZeroResultSearch

logger = logging.getLogger("statuscodes.search_log")

MAX_LENGTH = ZeroResultSearch._meta.get_field("query").max_length
clock = time.monotonic  # replaced in tests


def enabled():
    return settings.SEARCH_LOG_RETENTION_DAYS > 0


def recordable(text):
    """True for a query the search answered: not empty, not too long, with a letter or a digit."""
    return (
        0 < len(text) <= MAX_LENGTH
        and text == text.strip()
        and any(unicodedata.category(char)[0] in "LN" for char in text)
    )


class Buffer:
    """This process's searches that found nothing, not yet written."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.pending = 0
        self.since = None

    def add(self, text):
        with self.lock:
            self.counts[text] += 1
            self.pending += 1
            if self.since is None:
                self.since = clock()

    def due(self):
        with self.lock:
            return self.pending > 0 and (
                self.pending >= settings.SEARCH_LOG_BATCH_SIZE
                or clock() - self.since >= settings.SEARCH_LOG_FLUSH_SECONDS
            )

    def take(self):
        with self.lock:
            counts, self.counts, self.pending, self.since = self.counts, Counter(), 0, None
            return counts


buffer = Buffer()


def record(text):
    """Count one search for ``text`` (a normalised query) that found nothing. Never raises."""
    if enabled() and recordable(text):
        buffer.add(text)


def flush(today=None):
    """Write what the buffer holds, then expire and trim the table. Failures are logged, never raised."""
    counts = buffer.take()
    if not counts:
        return
    try:
        write(counts, today or timezone.localdate())
    except Exception:  # noqa: BLE001 - the log must never break anything
        logger.warning("无法写入无结果的搜索（%d 条）", len(counts), exc_info=True)


def write(counts, today):
    with transaction.atomic():
        for text, count in counts.items():
            _add(text, count, today)
        cutoff = today - timedelta(days=settings.SEARCH_LOG_RETENTION_DAYS)
        ZeroResultSearch.objects.filter(last_seen__lt=cutoff).delete()
        excess = ZeroResultSearch.objects.count() - settings.SEARCH_LOG_MAX_ROWS
        if excess > 0:
            doomed = ZeroResultSearch.objects.order_by("count", "last_seen", "pk").values_list(
                "pk", flat=True
            )
            ZeroResultSearch.objects.filter(pk__in=list(doomed[:excess])).delete()


def _add(text, count, today):
    rows = ZeroResultSearch.objects.filter(query=text)
    if rows.update(count=F("count") + count, last_seen=today):
        return
    try:
        with transaction.atomic():
            ZeroResultSearch.objects.create(query=text, count=count, first_seen=today, last_seen=today)
    except IntegrityError:  # another process created it meanwhile
        rows.update(count=F("count") + count, last_seen=today)


def flush_if_due(**kwargs):
    if buffer.due():
        flush()


def connect():
    request_finished.connect(flush_if_due, dispatch_uid="statuscodes.search_log.flush_if_due")
