"""Highlighting: the matched text wrapped in <mark>, everything else escaped."""

from html import escape  # Django's escape() is this, behind a wrapper that looks for lazy strings

from django.utils.safestring import SafeString  # mark_safe() of a str, without its lazy-string wrapper

from .normalise import fold_with_origins

SNIPPET_BEFORE = 24
SNIPPET_LENGTH = 110


def spans_of(text, forms):
    """Raw-text spans where any form occurs, merged, in order."""
    if not forms or not text:
        return []
    folded, origins = fold_with_origins(text)
    found = []
    for form in forms:
        if not form:
            continue
        start = folded.find(form)
        while start != -1:
            end = start + len(form)
            found.append((origins[start], origins[end - 1] + 1))
            start = folded.find(form, end)
    if len(found) < 2:
        return found
    found.sort()
    merged = [found[0]]
    for start, end in found[1:]:
        if start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def highlight(text, forms, spans=None):
    """Escape ``text`` and wrap the matches in <mark>: split the raw text, escape each piece, join."""
    spans = spans_of(text, forms) if spans is None else spans
    escaped = escape(text)
    if not spans:
        return SafeString(escaped)
    pieces, position = [], 0
    if len(escaped) == len(text):  # nothing in it to escape: cut the text itself
        for start, end in spans:
            pieces += (text[position:start], "<mark>", text[start:end], "</mark>")
            position = end
        pieces.append(text[position:])
        return SafeString("".join(pieces))
    for start, end in spans:
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return SafeString("".join(pieces))  # every piece of text went through escape()


def snippet(text, forms):
    """A short window of ``text`` around the first match, highlighted."""
    text = " ".join(text.split())
    spans = spans_of(text, forms)
    start = max(0, spans[0][0] - SNIPPET_BEFORE) if spans else 0
    # Near the end, show a full window rather than a short tail.
    start = max(0, min(start, len(text) - SNIPPET_LENGTH))
    end = min(len(text), start + SNIPPET_LENGTH)
    window = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = highlight(text[start:end], forms, window)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return SafeString(f"{prefix}{body}{suffix}")  # body is escaped by highlight()
