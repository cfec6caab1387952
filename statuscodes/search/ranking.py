"""Matching and ranking: every entry that has all the terms (whole or word by word), best tier first."""

import difflib
import functools
from dataclasses import dataclass, replace

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Annotation
from .highlighting import highlight, snippet
from .index import ALIAS, ANNOTATION, DESCRIPTION, SEARCH_TERMS, VENDOR, Entry
from .normalise import fold, variants
from .parsing import TERM_SPLIT, pattern_matches
from .words import expand, join_phrases, split

CODE_TIER, TITLE_TIER, ALIAS_TIER, TERMS_TIER, TEXT_TIER, ANNOTATION_TIER = range(6)
NO_MATCH = 99
# Without an entry that has every word, an entry needs this share of the query's words to be shown;
# a word more than this share of the entries have counts for nothing there.
PARTIAL_MIN_SHARE = 0.5
COMMON_WORD_SHARE = 0.2
SIMILAR_MAX_LENGTH = 40


@dataclass
class Hit:
    entry: Entry
    tier: int
    forms: tuple  # every folded form of every term, for highlighting snippets
    # The reader's own words (without the bilingual table's), marked in the names.
    name_forms: tuple | None = None

    @property
    def name_html(self):
        return highlight(self.entry.name_zh, self.forms if self.name_forms is None else self.name_forms)

    @property
    def phrase_html(self):
        return highlight(self.entry.phrase, self.forms if self.name_forms is None else self.name_forms)

    @property
    def snippets(self):
        """[(label, html)]: the text that best explains the match, and for an old name its note."""
        return self.labelled(get_language())

    def labelled(self, language):
        """``snippets`` with the labels in ``language``."""
        return [(label_of(source, kind, language), html) for source, kind, html in self.snippet_lines]

    @functools.cached_property
    def snippet_lines(self):
        """[(source, kind, html)] of the snippets.

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
            return [("", "", snippet(self.entry.summary, ()))]
        lines = [best]
        if best[0] == ALIAS:
            # An old or wrong name: the note that explains it says more than the name alone.
            notes = [candidate for candidate in self.entry.candidates if candidate[0] == ANNOTATION]
            note = max(notes, key=self._count, default=None)
            if note is not None and self._count(note) >= best_count:
                lines.append(note)
        return [(source, kind, snippet(text, self.forms)) for source, kind, text, _folded in lines]

    def _count(self, candidate):
        text, count = candidate[3], 0
        for form in self.forms:
            if form in text:
                count += 1
        return count

    @property
    def status_code(self):
        """The model instance, for the URL, class and lifecycle display."""
        return self.entry.status_code


@functools.lru_cache(maxsize=64)
def label_of(source, kind, language):
    if source == ANNOTATION:
        return _("注解 · %(kind)s") % {"kind": dict(Annotation.Kind.choices).get(kind, kind)}
    labels = {ALIAS: _("别名"), DESCRIPTION: _("说明"), SEARCH_TERMS: _("常见说法"), VENDOR: _("使用方")}
    return labels.get(source, "")


def _tier_of(forms, entry, below=NO_MATCH):
    """The best tier in which any of the forms occurs (only tiers better than ``below`` are looked at)."""
    # Plain loops: this runs for every entry and term, where any() and a generator cost more than the test.
    everything = entry.everything
    for form in forms:
        if form in everything:
            break
    else:
        return NO_MATCH
    tier = TITLE_TIER
    for haystack in entry.folded[: below - TITLE_TIER]:
        for form in forms:
            if form in haystack:
                return tier
        tier += 1
    return NO_MATCH


@dataclass(frozen=True, slots=True)
class Unit:
    """One thing the reader asked for: a term, or a multi-word term of the bilingual table.

    ``forms`` are the ways it is looked for whole; ``words`` the forms of each
    word it is made of, looked for when it does not occur whole (empty when it
    cannot be split).
    """

    forms: tuple
    words: tuple  # ((forms of word 1), (forms of word 2), ...)
    sizes: tuple  # the length of each word, for coverage
    # What is looked for: the forms, and the forms of each word, without those that contain
    # another one (where "redirects" occurs, "redirect" does): the same answers, fewer scans.
    needles: tuple
    word_needles: tuple


def needles(forms):
    return tuple(form for form in forms if not any(other != form and other in form for other in forms))


def units_of(query):
    units = []
    for term in join_phrases(query.terms):
        pieces = split(term)
        forms, words = expand(term), tuple(expand(word) for word in pieces)
        units.append(Unit(forms, words, tuple(map(len, pieces)), needles(forms), tuple(map(needles, words))))
    # Rarest first: an entry that lacks a long term is dropped soonest.
    return sorted(units, key=lambda unit: -len(unit.forms[0]))


def _match(unit, entry):
    """(tier, word tiers) of one unit in one entry; word tiers is None when it was found whole.

    The tier is where the unit was found whole, or else the worst place any of
    its words was found; NO_MATCH when none of it was.
    """
    tier = _tier_of(unit.needles, entry)
    if tier != NO_MATCH or not unit.words:
        return tier, None
    tiers = tuple(_tier_of(forms, entry) for forms in unit.word_needles)
    return max((tier for tier in tiers if tier != NO_MATCH), default=NO_MATCH), tiers


def text_search(query, index):
    """Entries matching the query, best first.

    An entry matches when it has every term, whole or word by word ("接口限流"
    matches an entry that has 接口 and 限流). They are ranked by the worst
    place any term was found (code, name/phrase, alias, search term,
    description, annotation), a term found whole before one found word by word.
    Only when no entry has every word are entries with part of the words
    shown (``partial``), ranked by how much of the query they have, then by where.
    """
    units = units_of(query)
    phrase_forms = variants(query.folded) if len(query.terms) > 1 else ()
    named_codes = {int(term) for term in query.terms if term.isdigit() and len(term) == 3}
    own_forms = tuple(
        dict.fromkeys(
            (
                *phrase_forms,
                *(form for term in query.terms for form in variants(term)),
                *(form for term in query.terms for word in split(term) for form in variants(word)),
            )
        )
    )
    highlight_forms = tuple(
        dict.fromkeys(
            (
                *own_forms,
                *(form for unit in units for form in unit.forms),
                *(form for unit in units for forms in unit.words for form in forms),
            )
        )
    )
    complete, partial = [], []
    for entry in index:
        if entry.code in named_codes:
            complete.append(((CODE_TIER, 0, entry.code), Hit(entry, CODE_TIER, highlight_forms, own_forms)))
            continue
        worst, split_units, missing, found = CODE_TIER, 0, False, []
        for unit in units:
            tier, word_tiers = _match(unit, entry)
            if tier == NO_MATCH:
                break
            worst = max(worst, tier)
            if word_tiers is not None:
                split_units += 1
                missing = missing or NO_MATCH in word_tiers
            found.append(word_tiers)
        else:
            if not missing:
                if phrase_forms and worst > TITLE_TIER:
                    worst = min(worst, _tier_of(phrase_forms, entry, below=worst))
                complete.append(
                    ((worst, split_units, entry.code), Hit(entry, worst, highlight_forms, own_forms))
                )
            elif not complete:
                partial.append((entry, worst, found))
    if complete:
        complete.sort(key=lambda item: item[0])
        return [hit for _key, hit in complete]
    ranked = []
    shares = _Shares(units, index)
    for entry, worst, found in partial:
        share = shares.of(found)
        if share >= PARTIAL_MIN_SHARE:
            ranked.append(((-share, worst, entry.code), Hit(entry, worst, highlight_forms, own_forms)))
    ranked.sort(key=lambda item: item[0])
    return [hit for _key, hit in ranked]


class _Shares:
    """How much of the query an entry with only some of the words has.

    Each term counts equally: one found whole counts fully, one found word by
    word by the share of its characters in the words found. Words that many
    entries have (请求, 错误, 服务器) say little about which entry is meant, so
    they count for nothing here: 签名错误 finds nothing rather than every entry
    that mentions 错误, and goes to the editors' list of searches that found nothing.
    """

    def __init__(self, units, index):
        self.units, self.index = units, index
        self.common_limit = len(index.entries) * COMMON_WORD_SHARE
        self.frequency = {}

    def common(self, forms):
        if forms not in self.frequency:
            self.frequency[forms] = sum(
                1 for entry in self.index if any(form in entry.everything for form in forms)
            )
        return self.frequency[forms] > self.common_limit

    def of(self, found):
        total = 0.0
        for unit, word_tiers in zip(self.units, found, strict=True):
            if word_tiers is None:
                total += 1
                continue
            telling = [
                (tier, size)
                for forms, size, tier in zip(unit.words, unit.sizes, word_tiers, strict=True)
                if not self.common(forms)
            ]
            size = sum(size for _tier, size in telling)
            if size:
                total += sum(size for tier, size in telling if tier != NO_MATCH) / size
        return total / len(self.units)


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
