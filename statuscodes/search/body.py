"""The results page's content: rendered once per shape, filled in per query.

A never-seen search cannot come from the page cache, and rendering
statuscodes/search_body.html through the template engine costs more than finding and
ranking the hits. Most of what it writes depends on a few facts about the
query, its *shape*: the kind of query, how many hits, which class is chosen,
whether there are other pages, which similar codes an empty result suggests.
For each shape the template (and its title partial) is rendered once per
catalogue generation with a stand-in character in place of every value that
differs between queries of that shape (the query, the links, the counts, the
rows); a query then only joins the pieces with its own values, shown as
``{{ value }}`` shows them: escaped unless already safe. The markup stays in
the template, and statuscodes/search/page.py puts the content into the page's frame.

Filtered searches and invalid filters are rendered the usual way: their
links are built by ``{% querystring %}`` from the request.
"""

import re
import threading
from html import escape  # what Django's escape() calls for a str
from types import SimpleNamespace

from django.template import Context
from django.template.base import render_value_in_context
from django.template.loader import get_template
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from ..pagecache import per_generation

BODY = "statuscodes/search_body.html"
TITLE = f"{BODY}#search-title"
# Private-use characters, after the one rows.py uses: clean() drops them from
# queries and the content check keeps them out of the catalogue.
FIRST_STAND_IN = 0xE001
LAST_STAND_IN = 0xE0FF
_STAND_IN = re.compile(f"([{chr(FIRST_STAND_IN)}-{chr(LAST_STAND_IN)}])")
# Shapes kept per catalogue generation; past this the store starts again.
SHAPES = 512


class StandIns:
    """Hands out one stand-in character per value, remembering the values in order."""

    def __init__(self):
        self.values = []

    def __call__(self, value):
        self.values.append(value)
        return chr(FIRST_STAND_IN + len(self.values) - 1)


def shown(value):
    """What ``{{ value }}`` writes, with autoescaping on."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str):
        return escape(value)
    if type(value) is int and -1000 < value < 1000:  # no thousand separator can apply
        return str(value)
    return render_value_in_context(value, Context())


def cut(html, values):
    """(literal pieces, the value each gap takes), or None when a stand-in is not one of ``values``."""
    parts = _STAND_IN.split(html)
    gaps = tuple(ord(stand_in) - FIRST_STAND_IN for stand_in in parts[1::2])
    if any(gap >= len(values) for gap in gaps):
        return None
    return tuple(parts[0::2]), gaps


def fill(pieces, values):
    literals, gaps = pieces
    texts = [shown(value) for value in values]
    out = [literals[0]]
    for gap, literal in zip(gaps, literals[1:], strict=True):
        out += (texts[gap], literal)
    return "".join(out)


@per_generation
def _shapes():
    """shape → pieces of the title and the content (None: render that shape the usual way)."""
    return {}


_lock = threading.Lock()


def content(context):
    """(title HTML, content HTML) for the view's context, or None to render it the usual way."""
    prepared = _prepare(context)
    if prepared is None:
        return None
    shape, title_context, body_context, values = prepared
    shapes = _shapes()
    pieces = shapes.get(shape, False)
    if pieces is False:
        title = cut(get_template(TITLE).render(title_context), values)
        body = cut(get_template(BODY).render(body_context), values)
        pieces = (title, body) if title and body else None
        with _lock:
            if len(shapes) >= SHAPES:
                shapes.clear()
            shapes[shape] = pieces
    if pieces is None:
        return None
    # Every value went through shown(): escaped unless it was already safe.
    return mark_safe(fill(pieces[0], values)), mark_safe(fill(pieces[1], values))


def _prepare(context):
    """(shape, title context, content context, values): the contexts hold stand-ins for the values."""
    search, filterset = context["search"], context["filter"]
    if context["filtered"] or (filterset is not None and filterset.errors):
        return None
    stand_in = StandIns()
    page_obj, hits, rows = context["page_obj"], context["hits"], context["rows"]
    has_previous, has_next = page_obj.has_previous(), page_obj.has_next()
    facets, all_classes, class_page = context["facets"], context["all_classes"], context["class_page"]
    similar = context["similar"]
    fake_search = SimpleNamespace(
        text=stand_in(search.text) if search.text else "",
        kind=search.kind,
        pattern=stand_in(search.pattern),
    )
    body_context = {
        "search": fake_search,
        "filter": None,
        "filter_widgets": {name: stand_in(value) for name, value in context["filter_widgets"].items()},
        "filtered": False,
        "facets": [
            {
                "digit": facet["digit"],
                "href": stand_in(facet["href"]),
                "current": facet["current"],
                "count": stand_in(facet["count"]),
            }
            for facet in facets
        ],
        "all_classes": {"href": stand_in(all_classes["href"]), "current": all_classes["current"]},
        "facet_total": stand_in(context["facet_total"]),
        "facet_counts": context["facet_counts"],
        "class_page": (
            {"digit": stand_in(class_page["digit"]), "url": stand_in(class_page["url"])}
            if class_page
            else None
        ),
        "hits": [None] * len(hits),  # only their number is shown here
        "page_obj": SimpleNamespace(
            has_other_pages=page_obj.has_other_pages(),
            has_previous=has_previous,
            has_next=has_next,
            previous_page_number=stand_in(page_obj.previous_page_number()) if has_previous else None,
            next_page_number=stand_in(page_obj.next_page_number()) if has_next else None,
        ),
        "pager": {name: stand_in(href) for name, href in context["pager"].items()},
        # One gap for all the rows: the template writes each followed by a newline.
        "rows": [stand_in(mark_safe("\n".join(shown(row) for row in rows)))] if rows else [],
        "similar": similar,
        "class_names": context["class_names"],
        "max_length": context["max_length"],
        "out_of_range": context["out_of_range"],
    }
    shape = (
        get_language(),
        search.kind,
        bool(search.text),
        len(hits),
        bool(rows),
        tuple(sorted(context["filter_widgets"])),
        tuple((facet["digit"], facet["current"]) for facet in facets),
        all_classes["current"],
        context["facet_counts"],
        class_page is not None,
        page_obj.has_other_pages(),
        has_previous,
        has_next,
        tuple(sorted(context["pager"])),
        tuple(entry.code for entry in similar),
        context["out_of_range"],
        context["max_length"],
    )
    return shape, {"search": fake_search}, body_context, stand_in.values
