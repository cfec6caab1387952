"""The index: the published catalogue, read in two queries and folded for matching.

It is kept per process for the catalogue generation (statuscodes/pagecache.py),
which every save or delete moves, so an edit is visible on the very next search.
Each entry's annotations are folded into one string at build time, so a query
costs one ``in`` test per entry and field however many annotations there are.
"""

from dataclasses import dataclass

from ..models import Annotation, StatusCode
from ..pagecache import per_generation
from .normalise import fold, html_to_text

# Separates folded fields inside one string, so a term can never match across two of them.
FIELD_SEPARATOR = "\x00"
ALIAS, SUMMARY, DESCRIPTION, ANNOTATION, SEARCH_TERMS, VENDOR = (
    "alias",
    "summary",
    "description",
    "annotation",
    "search_terms",
    "vendor",
)
INDEXED_FIELDS = (
    "code",
    "phrase",
    "name_zh",
    "summary",
    "description",
    "aliases",
    "misnomers",
    "search_terms",
    "vendor",
    "lifecycle",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One published entry, with the folded strings it is matched against.

    ``status_code`` is the model instance: templates take its URL, class and
    lifecycle display from it, as every other page does.
    """

    status_code: StatusCode
    aliases: tuple
    annotations: tuple  # ((kind, plain text), ...)
    # One string per tier, indexed by tier - 1: names, aliases (with the vendor and
    # misnomers), search terms (常见说法), summary and description, annotations.
    folded: tuple
    everything: str  # every tier in one string: an entry without any form is dropped in one pass
    candidates: (
        tuple  # ((source, kind, text, folded text), ...): where a snippet may come from, in reading order
    )

    @property
    def code(self):
        return self.status_code.code

    @property
    def name_zh(self):
        return self.status_code.name_zh

    @property
    def phrase(self):
        return self.status_code.phrase

    @property
    def summary(self):
        return self.status_code.summary


def make_entry(status_code, annotations):
    aliases = tuple(status_code.alias_list)
    texts = [
        *((ALIAS, "", alias) for alias in aliases),
        (SUMMARY, "", status_code.summary),
        (DESCRIPTION, "", " ".join(status_code.description.split())),
        *((ANNOTATION, kind, text) for kind, text in annotations),
    ]
    if status_code.search_terms.strip():
        texts.append((SEARCH_TERMS, "", "；".join(status_code.search_term_list)))
    if status_code.vendor:
        texts.append((VENDOR, "", status_code.vendor))
    candidates = tuple((source, kind, text, fold(text)) for source, kind, text in texts)
    folded = (
        fold(FIELD_SEPARATOR.join((status_code.name_zh, status_code.phrase))),
        fold(FIELD_SEPARATOR.join((*aliases, status_code.vendor, status_code.misnomers))),
        fold(FIELD_SEPARATOR.join(status_code.search_term_list)),
        fold(FIELD_SEPARATOR.join((status_code.summary, status_code.description))),
        FIELD_SEPARATOR.join(candidate[3] for candidate in candidates if candidate[0] == ANNOTATION),
    )
    everything = FIELD_SEPARATOR.join(folded)
    return Entry(status_code, aliases, tuple(annotations), folded, everything, candidates)


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
    rows = list(published.only(*INDEXED_FIELDS))
    by_code = {row.code: [] for row in rows}
    stamps = [row.updated_at for row in rows]
    notes = Annotation.objects.published().filter(status_code__in=published)
    for code, kind, body_html, updated_at in notes.values_list(
        "status_code_id", "kind", "body_html", "updated_at"
    ):
        if code in by_code:
            by_code[code].append((kind, html_to_text(body_html)))
            stamps.append(updated_at)
    return SearchIndex(
        entries=tuple(make_entry(row, by_code[row.code]) for row in rows),
        last_modified=max(stamps, default=None),
    )


get_index = per_generation(build_index)
