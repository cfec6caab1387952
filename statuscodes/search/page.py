"""The results page: its frame rendered once per catalogue generation, its content per query.

Most of a search page is the same for every query: the head, the header with
its class links, the footer. statuscodes/search.html is that frame; it is
rendered once per catalogue generation and language with markers where the
title, the header box's value and the content go, and each query renders only
statuscodes/search_body.html (and its title partial), most often from the pieces
statuscodes/search/body.py keeps per shape, and joins the pieces.
The markup stays in the templates: the pieces are cut from their own output.
"""

from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..pagecache import per_generation
from . import body
from .rows import MARK, fill

FRAME = "statuscodes/search.html"
BODY = "statuscodes/search_body.html"
SLOTS = 3  # the title, the header box's value, the content


@per_generation
def _frames():
    """language → the frame's pieces around the slots (filled lazily; () if the markers were lost)."""
    return {}


def render_page(request, context):
    """The whole results page for ``context`` (the view's), as HTML."""
    filled = body.content(context)
    if filled is None:
        title = get_template(f"{BODY}#search-title").render(context)
        content = get_template(BODY).render(context, request)
    else:
        title, content = filled
    query = context["search"].text
    frames = _frames()
    language = get_language()
    pieces = frames.get(language)
    if pieces is None:
        marked = {"title_html": MARK, "query": MARK, "body_html": MARK}
        html = get_template(FRAME).render(marked, request)
        pieces = html.split(MARK)
        pieces = frames[language] = pieces if len(pieces) == SLOTS + 1 else ()
    if not pieces:  # a marker went missing: render the slow way
        return get_template(FRAME).render(
            {"title_html": title, "query": query, "body_html": content}, request
        )
    return mark_safe(fill(pieces, title, escape(query), content))  # title and content are rendered templates
