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

Normalisation: control, format and surrogate characters are dropped, then NFKC
(full-width ４０４ → 404, ＡＢＣ → abc) and ``casefold()`` apply to the text and
to the query alike. Traditional Chinese terms are also tried in their
simplified form (OpenCC ``t2s`` and ``tw2sp``: 緩存 → 缓存, 快取 → 缓存); the
original form is always tried as well, so the conversion can only add matches.

Pinyin is deliberately absent: automatic readings get heteronyms wrong (重定向
would come out as *zhong*), and a wrong reading is worse than none.
"""

import difflib
import functools
import html
import re
import unicodedata
from dataclasses import dataclass, replace
from http import HTTPStatus

from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .filters import StatusCodeFilter
from .models import CLASS_NAMES, CODE_MAX, CODE_MIN, Annotation, StatusCode
from .pagecache import per_generation, public_page, set_last_modified

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
SUGGEST_LIMIT = 8
SUGGEST_MAX_AGE = 60
SEARCH_REDIRECT_MAX_AGE = 300
SNIPPET_BEFORE = 24
SNIPPET_LENGTH = 110
# Separates folded fields inside one string, so a term can never match across two of them.
FIELD_SEPARATOR = "\x00"

CODE_TIER, TITLE_TIER, ALIAS_TIER, TEXT_TIER, ANNOTATION_TIER = range(5)
NO_MATCH = 99

# Vendor names as Chinese readers write them. Only a whole search term is
# expanded, so 微软 also finds "Microsoft IIS", and "microsoft" finds 微软.
VENDOR_SYNONYMS = (
    ("微软", "microsoft"),
    ("谷歌", "google"),
    ("亚马逊", "amazon", "aws"),
    ("推特", "twitter"),
    ("阿帕奇", "apache"),
)
_SYNONYMS = {word: group for group in VENDOR_SYNONYMS for word in group}

# Words that may stand around a code without changing what the reader wants:
# "HTTP 404", "HTTP/1.1 404 Not Found", "状态码 404", "404 错误".
_EXACT_CODE = re.compile(
    r"^(?:(?:http(?:/[0-9.]+)?|状态码|status(?: code)?)[\s:：]*)?(?P<code>\d{3})(?:\s*(?P<rest>\S.*))?$"
)
_GENERIC_WORDS = {"", "错误", "状态码", "状态", "error", "status", "status code", "code", "响应"}
_PATTERN = re.compile(r"^(?:http\s*)?(?P<pattern>[0-9x*?]{1,3})$")
_WILDCARDS = "x*?"
_TERM_SPLIT = re.compile(r"[\s,;、，；]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


# --- Normalisation -------------------------------------------------------------------------------


def clean(raw):
    """Drop characters that cannot be searched for or printed back safely.

    Control characters (NUL, tabs, newlines) become spaces; format characters,
    lone surrogates, private-use and unassigned code points are dropped, so the
    query can always be encoded as UTF-8 and shown on the page.
    """
    out = []
    for char in raw:
        category = unicodedata.category(char)
        if category == "Cc" or category in ("Zl", "Zp"):
            out.append(" ")
        elif category[0] != "C":
            out.append(char)
    return " ".join("".join(out).split())


def fold(text):
    """The form both the query and the catalogue are compared in."""
    return unicodedata.normalize("NFKC", text).casefold()


def _fold_with_origins(text):
    """Fold character by character, remembering where each folded character came from."""
    folded, origins = [], []
    for index, char in enumerate(text):
        piece = fold(char)
        folded.append(piece)
        origins.extend([index] * len(piece))
    return "".join(folded), origins


@functools.cache
def _converters():
    try:
        import opencc
    except ImportError:  # the search still works, only without Traditional → Simplified
        return ()
    return (opencc.OpenCC("t2s"), opencc.OpenCC("tw2sp"))


def variants(term):
    """The forms a folded term is looked for in: itself, its simplified forms, vendor synonyms."""
    forms = [term]
    if _CJK.search(term):
        for converter in _converters():
            converted = fold(converter.convert(term))
            if converted not in forms:
                forms.append(converted)
    for form in list(forms):
        for synonym in _SYNONYMS.get(form, ()):
            if synonym not in forms:
                forms.append(synonym)
    return tuple(forms)


# --- The index ------------------------------------------------------------------------------------


# body_html is nh3's serialisation of a fixed tag allowlist: no comments, scripts or
# CDATA, so a tag is "<", then quoted attribute values or other characters, then ">".
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")


def html_to_text(body_html):
    """Plain text of sanitized annotation HTML, as the reader sees it."""
    return " ".join(html.unescape(_TAG.sub(" ", body_html)).split())


@dataclass(frozen=True, slots=True)
class Entry:
    """One published entry, with the folded strings it is matched against."""

    code: int
    phrase: str
    name_zh: str
    summary: str
    description: str
    aliases: tuple
    vendor: str
    lifecycle: str
    annotations: tuple  # ((kind, plain text), ...)
    folded: tuple  # one string per tier, indexed by tier - 1
    candidates: tuple  # ((label, text, folded text), ...): where a snippet may come from, in reading order

    @property
    def url(self):
        return reverse("statuscodes:detail", kwargs={"code": self.code})

    @property
    def lifecycle_label(self):
        return dict(StatusCode.Lifecycle.choices).get(self.lifecycle, self.lifecycle)

    def get_lifecycle_display(self):
        return self.lifecycle_label

    @property
    def status_class(self):
        return self.code // 100


ALIAS, SUMMARY, DESCRIPTION, ANNOTATION, VENDOR = "alias", "summary", "description", "annotation", "vendor"


def _make_entry(row, annotations):
    aliases = tuple(line.strip() for line in row["aliases"].splitlines() if line.strip())
    texts = [
        *((ALIAS, "", alias) for alias in aliases),
        (SUMMARY, "", row["summary"]),
        (DESCRIPTION, "", " ".join(row["description"].split())),
        *((ANNOTATION, kind, text) for kind, text in annotations),
    ]
    if row["vendor"]:
        texts.append((VENDOR, "", row["vendor"]))
    candidates = tuple((source, kind, text, fold(text)) for source, kind, text in texts)
    folded = (
        fold(FIELD_SEPARATOR.join((row["name_zh"], row["phrase"]))),
        fold(FIELD_SEPARATOR.join((*aliases, row["vendor"]))),
        fold(FIELD_SEPARATOR.join((row["summary"], row["description"]))),
        FIELD_SEPARATOR.join(candidate[3] for candidate in candidates if candidate[0] == ANNOTATION),
    )
    return Entry(
        code=row["code"],
        phrase=row["phrase"],
        name_zh=row["name_zh"],
        summary=row["summary"],
        description=row["description"],
        aliases=aliases,
        vendor=row["vendor"],
        lifecycle=row["lifecycle"],
        annotations=tuple(annotations),
        folded=folded,
        candidates=candidates,
    )


@dataclass(frozen=True, slots=True)
class SearchIndex:
    entries: tuple
    last_modified: object  # newest updated_at among the published rows, or None

    def __iter__(self):
        return iter(self.entries)

    def get(self, code):
        return next((entry for entry in self.entries if entry.code == code), None)


EMPTY_INDEX = SearchIndex((), None)


def build_index():
    """Read the published catalogue in two queries and fold it for matching."""
    published = StatusCode.objects.published()
    rows = list(
        published.values(
            "code",
            "phrase",
            "name_zh",
            "summary",
            "description",
            "aliases",
            "vendor",
            "lifecycle",
            "updated_at",
        )
    )
    by_code = {row["code"]: [] for row in rows}
    stamps = [row["updated_at"] for row in rows]
    notes = Annotation.objects.published().filter(status_code__in=published)
    for code, kind, body_html, updated_at in notes.values_list(
        "status_code_id", "kind", "body_html", "updated_at"
    ):
        if code in by_code:
            by_code[code].append((kind, html_to_text(body_html)))
            stamps.append(updated_at)
    return SearchIndex(
        entries=tuple(_make_entry(row, by_code[row["code"]]) for row in rows),
        last_modified=max(stamps, default=None),
    )


get_index = per_generation(build_index)


# --- Understanding the query ------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str  # cleaned, as shown back to the reader
    folded: str
    kind: str  # "empty", "code", "pattern" or "text"
    code: int | None = None
    rest: str = ""
    pattern: str = ""
    terms: tuple = ()


def parse(raw):
    text = clean(raw)
    folded = fold(text)
    folded = " ".join(folded.split())
    if not folded:
        return Query(text=text, folded=folded, kind="empty")
    match = _EXACT_CODE.match(folded)
    if match and CODE_MIN <= int(match["code"]) <= CODE_MAX:
        return Query(
            text=text, folded=folded, kind="code", code=int(match["code"]), rest=(match["rest"] or "").strip()
        )
    match = _PATTERN.match(folded)
    if match:
        pattern = match["pattern"]
        if len(pattern) < 3 and pattern[0] not in _WILDCARDS:
            pattern = pattern.ljust(3, "x")
        if len(pattern) == 3 and (pattern != match["pattern"] or any(c in _WILDCARDS for c in pattern)):
            return Query(text=text, folded=folded, kind="pattern", pattern=pattern)
    terms = tuple(dict.fromkeys(term for term in _TERM_SPLIT.split(folded) if term))
    return Query(text=text, folded=folded, kind="text", terms=terms)


def pattern_matches(pattern, code):
    return all(want in _WILDCARDS or want == have for want, have in zip(pattern, str(code), strict=True))


def redirect_target(query, index):
    """Where an exact-code query should go, or None to search instead."""
    if query.kind != "code":
        return None
    if query.rest in _GENERIC_WORDS:
        return reverse("statuscodes:detail", kwargs={"code": query.code})
    entry = index.get(query.code)
    if entry is None:
        return None
    names = {fold(entry.phrase), fold(entry.name_zh), *(fold(alias) for alias in entry.aliases)}
    if " ".join(query.rest.split()) in {" ".join(name.split()) for name in names}:
        return entry.url
    return None


# --- Matching and ranking ---------------------------------------------------------------------------


@dataclass
class Hit:
    entry: Entry
    tier: int
    forms: tuple  # every folded form of every term, for highlighting

    @property
    def name_html(self):
        return highlight(self.entry.name_zh, self.forms)

    @property
    def phrase_html(self):
        return highlight(self.entry.phrase, self.forms)

    @functools.cached_property
    def snippets(self):
        """[(label, html)]: the text that best explains the match, and for an old name its note.

        Candidates are tried in reading order (aliases, summary, description,
        annotations, vendor) and the one containing most of the query wins;
        the vendor comes last because the badge already shows it.
        """
        best, best_count = None, 0
        for candidate in self.entry.candidates:
            count = self._count(candidate)
            if count > best_count:
                best, best_count = candidate, count
        if best is None:
            return [("", snippet(self.entry.summary, ()))]
        lines = [best]
        if best[0] == ALIAS:
            # An old or wrong name: the note that explains it says more than the name alone.
            notes = [candidate for candidate in self.entry.candidates if candidate[0] == ANNOTATION]
            note = max(notes, key=self._count, default=None)
            if note is not None and self._count(note) >= best_count:
                lines.append(note)
        return [(_label(source, kind), snippet(text, self.forms)) for source, kind, text, _folded in lines]

    def _count(self, candidate):
        return sum(1 for form in self.forms if form in candidate[3])


def _label(source, kind):
    if source == ANNOTATION:
        return _("注解 · %(kind)s") % {"kind": dict(Annotation.Kind.choices).get(kind, kind)}
    return {ALIAS: _("别名"), DESCRIPTION: _("说明"), VENDOR: _("使用方")}.get(source, "")


def _tier_of(forms, entry, below=NO_MATCH):
    """The best tier in which any of the forms occurs (only tiers better than ``below`` are looked at)."""
    for tier, haystack in enumerate(entry.folded[: below - TITLE_TIER], start=TITLE_TIER):
        if any(form in haystack for form in forms):
            return tier
    return NO_MATCH


def text_search(query, index):
    """Entries matching every term, best first: code, name/phrase, alias, description, annotation."""
    # Longest terms first: they are the rarest, so an entry that lacks one is dropped soonest.
    term_forms = sorted((variants(term) for term in query.terms), key=lambda forms: -len(forms[0]))
    phrase_forms = variants(query.folded) if len(query.terms) > 1 else ()
    named_codes = {int(term) for term in query.terms if term.isdigit() and len(term) == 3}
    highlight_forms = (*phrase_forms, *(form for forms in term_forms for form in forms))
    hits = []
    for entry in index:
        if entry.code in named_codes:
            hits.append(Hit(entry, CODE_TIER, highlight_forms))
            continue
        tier = CODE_TIER
        for forms in term_forms:
            tier = max(tier, _tier_of(forms, entry))
            if tier == NO_MATCH:
                break
        if tier == NO_MATCH:
            continue
        if phrase_forms and tier > TITLE_TIER:
            tier = min(tier, _tier_of(phrase_forms, entry, below=tier))
        hits.append(Hit(entry, tier, highlight_forms))
    hits.sort(key=lambda hit: (hit.tier, hit.entry.code))
    return hits


def run(query, index):
    """Every hit for a parsed query, ranked."""
    if query.kind == "pattern":
        return [Hit(entry, CODE_TIER, ()) for entry in index if pattern_matches(query.pattern, entry.code)]
    if query.kind == "code":
        # A code with words that are not its name: the code first, then the words.
        return text_search(replace(query, kind="text", terms=_code_terms(query)), index)
    if query.kind == "text":
        return text_search(query, index)
    return []


def _code_terms(query):
    rest = tuple(term for term in _TERM_SPLIT.split(query.rest) if term)
    return (str(query.code), *rest)


SIMILAR_MAX_LENGTH = 40


def similar(query, index, limit=5):
    """Entries whose code, name or phrase looks like the query, for the no-results page.

    Only short queries are compared: a near miss of a name is short, and the
    comparison's cost grows with the query's length.
    """
    needle = query.folded
    if not needle or len(needle) > SIMILAR_MAX_LENGTH:
        return []
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    scored = []
    for entry in index:
        names = [
            str(entry.code),
            fold(entry.name_zh),
            fold(entry.phrase),
            *(fold(alias) for alias in entry.aliases),
        ]
        best = 0.0
        for candidate in {*names, *(word for name in names for word in name.split())}:
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                best = max(best, matcher.ratio())
        if best >= 0.6:
            scored.append((-best, entry.code, entry))
    scored.sort(key=lambda item: item[:2])
    return [entry for _ratio, _code, entry in scored[:limit]]


# --- Highlighting -----------------------------------------------------------------------------------


def _spans(text, forms):
    """Raw-text spans where any form occurs, merged, in order."""
    if not forms or not text:
        return []
    folded, origins = _fold_with_origins(text)
    found = []
    for form in forms:
        start = folded.find(form)
        while start != -1 and form:
            end = start + len(form)
            found.append((origins[start], origins[end - 1] + 1))
            start = folded.find(form, end)
    found.sort()
    merged = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text, forms, spans=None):
    """Escape ``text`` and wrap the matches in <mark>: split the raw text, escape each piece, join."""
    spans = _spans(text, forms) if spans is None else spans
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text went through escape()


def snippet(text, forms):
    """A short window of ``text`` around the first match, highlighted."""
    text = " ".join(text.split())
    spans = _spans(text, forms)
    start = max(0, spans[0][0] - SNIPPET_BEFORE) if spans else 0
    # Near the end, show a full window rather than a short tail.
    start = max(0, min(start, len(text) - SNIPPET_LENGTH))
    end = min(len(text), start + SNIPPET_LENGTH)
    window = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = highlight(text[start:end], forms, window)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - body is escaped by highlight()


# --- Views ------------------------------------------------------------------------------------------


def _noindex(response):
    response["X-Robots-Tag"] = "noindex"
    return response


def _see_other(url):
    """303: the answer to this search is another resource, the code's own page."""
    response = HttpResponseRedirect(url, status=HTTPStatus.SEE_OTHER)
    patch_cache_control(response, public=True, max_age=SEARCH_REDIRECT_MAX_AGE)
    return _noindex(response)


def _too_long(request, raw):
    context = {"max_length": MAX_QUERY_LENGTH, "length": len(raw)}
    response = TemplateResponse(
        request, "statuscodes/search_too_long.html", context, status=HTTPStatus.BAD_REQUEST
    )
    return _noindex(response)


def _allowed_codes(filterset):
    """Codes allowed by the chosen filters, or None when no filter is chosen (one query at most)."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return None
    if not any(filterset.form.cleaned_data.values()):
        return None
    return set(filterset.qs.values_list("code", flat=True))


def _facets(hits):
    counts = {}
    for hit in hits:
        counts[hit.entry.status_class] = counts.get(hit.entry.status_class, 0) + 1
    return [
        {"digit": digit, "label": f"{digit}xx {name}", "count": counts.get(digit, 0)}
        for digit, name in CLASS_NAMES.items()
    ]


def _class_page(query):
    """The class page a pattern such as 4xx stands for, if any."""
    if query.kind == "pattern" and query.pattern[0] in "12345" and query.pattern[1:] in ("xx", "**", "??"):
        digit = query.pattern[0]
        return {"digit": digit, "url": reverse("statuscodes:class", kwargs={"digit": digit})}
    return None


def _out_of_range(query):
    return any(term.isdigit() and len(term) == 3 for term in query.terms) or (
        query.kind == "pattern" and query.pattern[0] not in "12345" + _WILDCARDS
    )


@public_page
def search_view(request):
    raw = request.GET.get("q", "")
    if len(raw) > MAX_QUERY_LENGTH:
        return _too_long(request, raw)
    query = parse(raw)
    if query.kind == "code" and not query.rest:
        # Valid but unassigned codes (436) go to their page too, which explains that.
        return _see_other(reverse("statuscodes:detail", kwargs={"code": query.code}))
    filterset = StatusCodeFilter(request.GET or None, queryset=StatusCode.objects.published())
    needs_index = query.kind != "empty" or (filterset.is_bound and filterset.form.has_changed())
    index = get_index() if needs_index else EMPTY_INDEX
    target = redirect_target(query, index)
    if target:
        return _see_other(target)

    allowed = _allowed_codes(filterset)
    if query.kind == "empty":
        hits = [Hit(entry, CODE_TIER, ()) for entry in index] if allowed is not None else []
    else:
        hits = run(query, index)
    facets = _facets(hits)
    if allowed is not None:
        hits = [hit for hit in hits if hit.entry.code in allowed]
    context = {
        "query": query.text,  # base.html shows it in the header box
        "search": query,
        "filter": filterset,
        "filtered": allowed is not None,
        "facets": facets,
        "facet_total": sum(facet["count"] for facet in facets),
        # Class counts are of the unfiltered hits, so they are only shown while no lifecycle is chosen.
        "facet_counts": not (
            filterset.is_bound and filterset.form.is_valid() and filterset.form.cleaned_data.get("lifecycle")
        ),
        "class_page": _class_page(query),
        "hits": hits,
        "page_obj": Paginator(hits, PAGE_SIZE).get_page(request.GET.get("page")),
        "similar": similar(query, index) if not hits and query.kind == "text" else [],
        "class_names": CLASS_NAMES,
        "max_length": MAX_QUERY_LENGTH,
        "out_of_range": not hits and _out_of_range(query),
    }
    response = TemplateResponse(request, "statuscodes/search.html", context)
    return _noindex(set_last_modified(response, index.last_modified))


def _suggestion(code, name_zh, phrase="", lifecycle="", lifecycle_label=""):
    url = reverse("statuscodes:detail", kwargs={"code": code})
    return {"code": code, "name_zh": name_zh, "phrase": phrase, "lifecycle": lifecycle,
            "lifecycle_label": str(lifecycle_label), "url": url}  # fmt: skip


@public_page
def suggest_view(request):
    """Up to eight hits as JSON, for the header box's suggestion list."""
    raw = request.GET.get("q", "")
    if len(raw) > MAX_QUERY_LENGTH:
        message = _("搜索词不能超过 %(max)d 个字符。") % {"max": MAX_QUERY_LENGTH}
        response = JsonResponse({"error": message, "results": []}, status=HTTPStatus.BAD_REQUEST)
        return _noindex(response)
    query = parse(raw)
    index = get_index() if query.kind != "empty" else EMPTY_INDEX
    results = []
    if query.kind == "code" and index.get(query.code) is None:
        results.append(_suggestion(query.code, _("未分配的状态码")))
    for hit in run(query, index)[: SUGGEST_LIMIT - len(results)]:
        entry = hit.entry
        results.append(
            _suggestion(entry.code, entry.name_zh, entry.phrase, entry.lifecycle, entry.lifecycle_label)
        )
    response = JsonResponse(
        {"query": query.text, "results": results}, json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = f"max-age={SUGGEST_MAX_AGE}"
    return _noindex(set_last_modified(response, index.last_modified))
