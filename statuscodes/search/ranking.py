"""Matching and ranking: every entry that has all the terms, best tier first."""

import difflib
import functools
from dataclasses import dataclass, replace

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Annotation
from .highlighting import highlight, snippet
from .index import ALIAS, ANNOTATION, DESCRIPTION, VENDOR, Entry
from .normalise import fold, variants
from .parsing import TERM_SPLIT, pattern_matches

CODE_TIER, TITLE_TIER, ALIAS_TIER, TEXT_TIER, ANNOTATION_TIER = range(5)
NO_MATCH = 99
SIMILAR_MAX_LENGTH = 40


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

    @property
    def status_code(self):
        """The model instance, for the URL, class and lifecycle display."""
        return self.entry.status_code


def _label(source, kind):
    return _cached_label(source, kind, get_language())


@functools.lru_cache(maxsize=64)
def _cached_label(source, kind, language):
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
    rest = tuple(term for term in TERM_SPLIT.split(query.rest) if term)
    return (str(query.code), *rest)


def similar(query, index, limit=5):
    """Published codes whose code, name or phrase looks like the query, for the no-results page.

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
    return [entry.status_code for _ratio, _code, entry in scored[:limit]]
