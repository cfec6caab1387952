"""Understanding the query: an exact code, a code pattern (4xx, 50x) or text terms."""

import re
from dataclasses import dataclass

from django.urls import reverse

from ..models import CODE_MAX, CODE_MIN
from .normalise import clean, fold

# Words that may stand around a code without changing what the reader wants:
# "HTTP 404", "HTTP/1.1 404 Not Found", "状态码 404", "404 错误".
_EXACT_CODE = re.compile(
    r"^(?:(?:http(?:/[0-9.]+)?|状态码|status(?: code)?)[\s:：]*)?(?P<code>\d{3})(?:\s*(?P<rest>\S.*))?$"
)
_GENERIC_WORDS = {"", "错误", "状态码", "状态", "error", "status", "status code", "code", "响应"}
_PATTERN = re.compile(r"^(?:http\s*)?(?P<pattern>[0-9x*?]{1,3})$")
WILDCARDS = "x*?"
TERM_SPLIT = re.compile(r"[\s,;、，；]+")


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
        if len(pattern) < 3 and pattern[0] not in WILDCARDS:
            pattern = pattern.ljust(3, "x")
        if len(pattern) == 3 and (pattern != match["pattern"] or any(c in WILDCARDS for c in pattern)):
            return Query(text=text, folded=folded, kind="pattern", pattern=pattern)
    terms = tuple(dict.fromkeys(term for term in TERM_SPLIT.split(folded) if term))
    return Query(text=text, folded=folded, kind="text", terms=terms)


def pattern_matches(pattern, code):
    return all(want in WILDCARDS or want == have for want, have in zip(pattern, str(code), strict=True))


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
        return entry.status_code.get_absolute_url()
    return None
