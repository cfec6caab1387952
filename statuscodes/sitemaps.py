"""The sitemap: the browse page, class pages, the dataset page and every published code."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import CLASS_NAMES, StatusCode


@dataclass(frozen=True)
class Page:
    path: str
    lastmod: datetime | None


class CatalogueSitemap(Sitemap):
    """One sitemap for the whole site, built from a single query.

    Make one instance per request: after rendering, ``newest`` is the newest
    change it listed, for Last-Modified.
    """

    newest = None

    def items(self):
        entries = list(StatusCode.objects.published().only("code", "updated_at"))
        newest = max((entry.updated_at for entry in entries), default=None)
        by_class = {}
        for entry in entries:
            stamp = by_class.get(entry.status_class)
            by_class[entry.status_class] = entry.updated_at if stamp is None else max(stamp, entry.updated_at)
        pages = [Page(reverse("statuscodes:index"), newest)]
        pages += [
            Page(reverse("statuscodes:class", kwargs={"digit": digit}), by_class[digit])
            for digit in CLASS_NAMES
            if digit in by_class
        ]
        pages += [Page(entry.get_absolute_url(), entry.updated_at) for entry in entries]
        pages.append(Page(reverse("statuscodes:dataset"), newest))
        self.newest = newest
        return pages

    def location(self, item):
        return item.path

    def lastmod(self, item):
        return item.lastmod

    def get_protocol(self, protocol=None):
        site_url = getattr(settings, "SITE_URL", "")
        return urlsplit(site_url).scheme if site_url else super().get_protocol(protocol)

    def get_domain(self, site=None):
        site_url = getattr(settings, "SITE_URL", "")
        return urlsplit(site_url).netloc if site_url else super().get_domain(site)
