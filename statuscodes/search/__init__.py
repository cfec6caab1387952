"""Search: exact codes, code patterns, and Chinese/English text over the catalogue.

Why search in Python over a cached list rather than in SQL
----------------------------------------------------------
The catalogue has about 80 entries and can never exceed 500 (codes 100–599);
only the annotations can grow without bound. So every search runs over a
normalised, in-memory list of published entries and published annotations:

* Two queries build it (entries, annotations). It is kept per process for the
  catalogue generation (``statuscodes/pagecache.py``), which every save or
  delete moves, so an edit is visible on the very next search. The only
  other query is django-filter's, and only when a filter is chosen: at most
  three queries per search, and none when the index is warm and no filter is set.
* Substring matching in Python behaves identically on SQLite and PostgreSQL:
  no LIKE escaping, no collation or case-folding differences, no ``C`` ctype
  surprises, and 1–2 character Chinese queries (超时, 锁) work, which rules out
  SQLite's FTS5 trigram tokenizer (it matches only substrings of three or more
  characters: sqlite.org/fts5.html, "The Trigram Tokenizer") and PostgreSQL's
  pg_trgm, built on the same three-character units. ``%``, ``_`` and ``\\`` are just
  characters, because the query never reaches SQL.
* It stays fast when the annotations grow: each entry's annotations are folded
  into one string at build time, so a query costs one ``in`` test per entry and
  field, a C-level scan that grows with the amount of text but takes no Python
  step per annotation, and an entry is dropped at its first missing term. The
  growth is measured by ``bench/search_growth.py`` (10,000 extra annotations).

Answers: an exact code (404, ４０４, HTTP 404, http404, 404 Not Found) is a 303
See Other to the code's page, valid but unassigned codes included, because the
result of the search is that other resource. A ``q`` over 200 characters is a
400 page in Chinese rather than a silent truncation, so the reader knows why
nothing matched.

The package, along its seams: ``normalise`` (the compared form), ``index``
(the folded catalogue), ``parsing`` (what the query asks for), ``words`` (the
bilingual term table in ``terms.toml`` and Chinese phrases split into words), ``ranking``
(matching and order), ``highlighting`` (<mark> and snippets), ``facets``
(what the results page shows around the hits), ``rows`` (each result row
rendered once per catalogue generation) and ``page`` (the page's frame, rendered
once per catalogue generation, around the content rendered per query). The views are in statuscodes/search_views.py.
"""

from .facets import (
    FILTER_FIELDS,
    allowed_codes,
    class_facets,
    class_page,
    class_switch,
    filter_widgets,
    out_of_range,
    pager_links,
)
from .highlighting import SNIPPET_BEFORE, SNIPPET_LENGTH, highlight, snippet
from .index import EMPTY_INDEX, Entry, SearchIndex, build_index, get_index
from .normalise import clean, fold, variants
from .page import render_page
from .parsing import Query, parse, redirect_target
from .ranking import CODE_TIER, Hit, run, similar
from .rows import render_rows

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
SUGGEST_LIMIT = 8

__all__ = [
    "CODE_TIER",
    "EMPTY_INDEX",
    "FILTER_FIELDS",
    "MAX_QUERY_LENGTH",
    "PAGE_SIZE",
    "SNIPPET_BEFORE",
    "SNIPPET_LENGTH",
    "SUGGEST_LIMIT",
    "Entry",
    "Hit",
    "Query",
    "SearchIndex",
    "allowed_codes",
    "build_index",
    "class_facets",
    "class_page",
    "class_switch",
    "clean",
    "filter_widgets",
    "fold",
    "get_index",
    "highlight",
    "out_of_range",
    "pager_links",
    "parse",
    "redirect_target",
    "render_page",
    "render_rows",
    "run",
    "similar",
    "snippet",
    "variants",
]
