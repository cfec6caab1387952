"""Public pages: the browse page, class pages, one page per code, robots.txt and the sitemap.

The open dataset's views are in api_views.py, the search views in search_views.py.
Every view is wrapped in ``statuscodes.pagecache.public_page`` (in urls.py),
which owns methods, validators, 304s and page caching. A view only says when
the newest change it shows was made, with ``set_last_modified``.

Query budget: at most two SQL queries per page. The code page reads every
published entry once (prev/next, related codes and comparison names come from
that list) plus one query for the entry's published annotations.
"""

from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import Http404, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_filters.views import FilterView

from . import constants
from .comparisons import comparison_for
from .filters import StatusCodeFilter
from .models import CLASS_NAMES, CODE_MAX, CODE_MIN, StatusCode
from .pagecache import set_last_modified
from .sitemaps import CatalogueSitemap

CLASS_INTROS = {
    1: gettext_lazy(
        "临时响应：请求已收到，处理还在继续。客户端可能先收到一个或多个 1xx，然后才收到最终响应。"
    ),
    2: gettext_lazy("请求已被成功接收、理解并处理。不同的 2xx 说明成功的方式不同。"),
    3: gettext_lazy(
        "客户端还需要再走一步才能完成请求，通常是跟随 Location 头指向的新地址。"
        "永久还是临时、是否保留请求方法，是选用哪个 3xx 的关键。"
    ),
    4: gettext_lazy(
        "问题出在请求本身：语法、身份、权限、资源或频率。客户端不修改请求就原样重发，通常仍会失败。"
    ),
    5: gettext_lazy(
        "请求看起来有效，但服务器（或它背后的上游）没能完成它。问题在服务器一侧，稍后重试可能成功。"
    ),
}

RFC9110_SECTION_15 = "https://www.rfc-editor.org/rfc/rfc9110#section-15"


def absolute_url(request, path):
    """An absolute URL for canonical links, sitemaps and the dataset.

    SITE_URL (e.g. ``https://status.example.com``) pins the public origin when
    it is configured; otherwise the request's own origin is used, which
    ALLOWED_HOSTS already restricts.
    """
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@cache
def iana_registered_codes():
    """Codes in the IANA registry table the catalogue is built from, read once per process."""
    from .sources import parse_iana

    path = settings.BASE_DIR / "fixtures" / "source" / "iana-status-codes.tsv"
    try:
        return frozenset(parse_iana(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return frozenset()


class StatusCodeListView(FilterView):
    """The browse page: every published code, grouped by class, filtered from the query string."""

    template_name = "statuscodes/index.html"
    filterset_class = StatusCodeFilter
    context_object_name = "entries"
    status_class = None

    def get_queryset(self):
        return StatusCode.objects.published().defer("seed_baseline")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if self.status_class is not None:
            data = self.request.GET.copy()
            data["class"] = str(self.status_class)
            kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = context["entries"] = list(self.object_list)
        digits = (
            [self.status_class] if self.status_class else sorted({entry.status_class for entry in entries})
        )
        class_links = context["class_links"] = self.class_links()
        class_urls = {link["digit"]: link["url"] for link in class_links}
        context["groups"] = [
            {
                "digit": digit,
                "url": class_urls[digit],
                "name": CLASS_NAMES[digit],
                "intro": CLASS_INTROS[digit],
                "entries": [entry for entry in entries if entry.status_class == digit],
            }
            for digit in digits
        ]
        context["status_class"] = self.status_class
        context["filter_active"] = any(self.request.GET.get(name) for name in ("class", "lifecycle"))
        context["canonical_url"] = absolute_url(self.request, self.request.path)
        return context

    def class_links(self):
        """Links to every class page that keep the lifecycle filter."""
        lifecycle = self.request.GET.get("lifecycle", "")
        keep = "?" + urlencode({"lifecycle": lifecycle}) if lifecycle else ""
        return [
            {
                "digit": digit,
                "name": name,
                "url": reverse("statuscodes:class", kwargs={"digit": digit}) + keep,
                "current": digit == self.status_class,
            }
            for digit, name in CLASS_NAMES.items()
        ]

    def render_to_response(self, context, **response_kwargs):
        filterset = context["filter"]
        if filterset.is_bound and not filterset.is_valid():
            # A hand-edited query string with an unknown value: say so, with 400.
            response_kwargs["status"] = 400
        response = super().render_to_response(context, **response_kwargs)
        return set_last_modified(response, *(entry.updated_at for entry in context["entries"]))


class StatusClassView(StatusCodeListView):
    """One class page, /4xx/: the browse page fixed to one class."""

    template_name = "statuscodes/class.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.status_class = int(kwargs["digit"])


class StatusCodeDetailView(TemplateView):
    """One page per code, plus the helpful 404 page for unassigned codes in 100–599."""

    template_name = "statuscodes/detail.html"
    unassigned_template_name = "statuscodes/unassigned.html"

    def get(self, request, *args, code, **kwargs):
        number = int(code)
        if not CODE_MIN <= number <= CODE_MAX:
            raise Http404(_("状态码必须在 100 到 599 之间。"))
        if code != str(number):
            return HttpResponsePermanentRedirect(reverse("statuscodes:detail", kwargs={"code": number}))
        self.object = self.get_object(number)
        if self.object is None:
            return self.unassigned(request, number)
        return self.render_to_response(self.get_context_data())

    @cached_property
    def catalogue(self):
        """Every published entry, in code order: the page's one query for entries."""
        return list(StatusCode.objects.published().defer("seed_baseline"))

    @cached_property
    def by_code(self):
        return {entry.code: entry for entry in self.catalogue}

    def get_object(self, number):
        return self.by_code.get(number)

    def get_context_data(self, **kwargs):
        entry = self.object
        position = self.catalogue.index(entry)
        return super().get_context_data(
            entry=entry,
            annotations=list(entry.annotations.published()),
            previous_entry=self.catalogue[position - 1] if position > 0 else None,
            next_entry=self.catalogue[position + 1] if position + 1 < len(self.catalogue) else None,
            related_entries=[self.by_code[code] for code in entry.related_code_list if code in self.by_code],
            provenance=self.provenance(entry),
            comparison=self.comparison(entry, self.by_code),
            canonical_url=absolute_url(self.request, entry.get_absolute_url()),
            json_url=reverse("statuscodes:api_detail", kwargs={"code": entry.code}),
            constants=constants.for_code(entry.code),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        """The page, last modified when the newest entry or annotation it shows was."""
        response = super().render_to_response(context, **response_kwargs)
        entry, annotations = context["entry"], context["annotations"]
        neighbours = [e for e in (context["previous_entry"], context["next_entry"]) if e]
        compared = [e for e in (context["comparison"] or {}).get("entries", {}).values() if e]
        shown = [entry, *neighbours, *context["related_entries"], *compared]
        return set_last_modified(
            response, *(e.updated_at for e in shown), *(note.updated_at for note in annotations)
        )

    def provenance(self, entry):
        """Where the document's item for this entry went, as the build recorded it.

        The build splits an entry that the document glued onto another item's
        text (422's text line also carries 423): the page of the code the item
        was filed under shows it whole, and the split-off entry's page says
        where it came from. Only published entries are linked.
        """
        glued = self.by_code.get(entry.source_split_off)
        return {
            "glued": glued,
            "whole_item": entry.source_item_text if glued else "",
            "split_from": self.by_code.get(entry.source_split_from),
        }

    @staticmethod
    def comparison(entry, by_code):
        """The table of codes people confuse with this one (statuscodes/comparisons.py), if any."""
        table = comparison_for(entry.code)
        if table is None:
            return None
        # One (code, entry, cells) per code; the cells are that code's column.
        by_column = zip(*(row.cells for row in table.rows), strict=True)
        return {
            "table": table,
            "entries": {code: by_code.get(code) for code in table.codes},
            "by_code": [
                (code, by_code.get(code), cells) for code, cells in zip(table.codes, by_column, strict=True)
            ],
        }

    def unassigned(self, request, number):
        fallback = number // 100 * 100
        entries = self.catalogue
        neighbours = [entry for entry in entries if entry.status_class == number // 100]
        # The entry page's get_context_data needs an entry; this page has none.
        context = super().get_context_data(
            code=number,
            digit=number // 100,
            fallback_code=fallback,
            fallback_entry=next((entry for entry in entries if entry.code == fallback), None),
            registered=number in iana_registered_codes(),
            class_name=CLASS_NAMES[number // 100],
            neighbours=neighbours,
            rfc_url=RFC9110_SECTION_15,
        )
        response = TemplateResponse(request, self.unassigned_template_name, context, status=404)
        return set_last_modified(response, *(entry.updated_at for entry in neighbours))


def robots_txt(request):
    context = {"sitemap_url": absolute_url(request, reverse("statuscodes:sitemap"))}
    return TemplateResponse(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


def sitemap(request):
    catalogue = CatalogueSitemap()
    response = sitemap_view(request, sitemaps={"catalogue": catalogue})
    if hasattr(response, "render"):
        response.render()  # the sitemap learns what it listed while it renders
    return set_last_modified(response, catalogue.newest)
