"""Result rows, rendered once per catalogue generation and filled in per query.

A never-seen search cannot come from the page cache, and rendering a result
row through the template engine costs more than finding it. So each entry's
row (the ``search-hit`` partial of statuscodes/search_body.html) is rendered once
per catalogue generation with markers where the highlighted name, phrase and
snippets go; a query only joins the pieces with its own highlighted text. The
markup stays in the template: the pieces are cut from its own output.
"""

import functools

from django.template.loader import get_template
from django.utils.safestring import SafeString  # mark_safe() of a str, without its lazy-string wrapper
from django.utils.translation import get_language

from ..pagecache import per_generation

TEMPLATE = "statuscodes/search_body.html"
# A private-use character: clean() drops them from queries and the content
# check keeps them out of the catalogue; if one ever appears, the row is
# rendered the slow way instead.
MARK = "\ue000"


def _pieces(partial, context, slots):
    html = get_template(f"{TEMPLATE}#{partial}").render(context)
    pieces = html.split(MARK)
    return pieces if len(pieces) == slots + 1 else None


@per_generation
def _row_pieces():
    """code → the row's pieces around name, phrase and snippets (filled lazily)."""
    return {}


@functools.lru_cache(maxsize=64)
def _snippet_pieces(label):
    return _pieces("search-snippet", {"label": label, "text": MARK}, 1)


def fill(pieces, *values):
    out = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        out += (value, piece)
    return "".join(out)


def snippets_html(hit, language):
    parts = []
    for label, text in hit.labelled(language):
        pieces = _snippet_pieces(str(label))
        if pieces is None:
            parts.append(get_template(f"{TEMPLATE}#search-snippet").render({"label": label, "text": text}))
        else:
            parts.append(fill(pieces, text))
    return SafeString("".join(parts))


def render_rows(hits):
    """The HTML of each hit's row, in order."""
    cache = _row_pieces()
    language = get_language()
    rows = []
    for hit in hits:
        status_code = hit.status_code
        pieces = cache.get(status_code.code)
        if pieces is None:
            fixed = {
                "status_code": status_code,
                "name_html": MARK,
                "phrase_html": MARK,
                "snippets_html": MARK,
            }
            pieces = cache[status_code.code] = _pieces("search-hit", {"hit": fixed}, 3) or ()
        values = (hit.name_html, hit.phrase_html, snippets_html(hit, language))
        if pieces:
            rows.append(SafeString(fill(pieces, *values)))
        else:
            hit_context = dict(zip(("name_html", "phrase_html", "snippets_html"), values, strict=True))
            hit_context["status_code"] = status_code
            rows.append(get_template(f"{TEMPLATE}#search-hit").render({"hit": hit_context}))
    return rows
