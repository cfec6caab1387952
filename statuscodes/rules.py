"""What the specifications say about each status code, encoded once.

The build derives facts from these rules, and ``check_content`` (with the
admin's warnings) checks every entry against them. docs/CONTENT.md explains
each rule in editors' words.
"""

from __future__ import annotations

# RFC 9110 §15.1: "heuristically cacheable by default", plus 451 (RFC 7725 §3:
# "A 451 response is cacheable by default").
HEURISTICALLY_CACHEABLE = frozenset({200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 451, 501})

# RFC 6585 §3, §4, §5 and §6: responses with these codes "MUST NOT be stored by a cache".
NEVER_STORED = frozenset({428, 429, 431, 511})

# Cacheability values, as stored on the model.
HEURISTIC = "heuristic"
EXPLICIT = "explicit"
NEVER = "never"


def cacheability_for(code: int) -> str:
    """How a cache may treat a response with this code.

    1xx responses are not final, and RFC 9111 §3 lets a cache store only a
    final response; the RFC 6585 codes forbid storing outright. Everything
    else may be stored only with explicit freshness information.
    """
    if code < 200 or code in NEVER_STORED:
        return NEVER
    if code in HEURISTICALLY_CACHEABLE:
        return HEURISTIC
    return EXPLICIT


def content_allowed(code: int) -> bool:
    """Whether a response with this code may carry content.

    RFC 9110 §6.4.1: 1xx, 204 and 304 responses have none; §15.3.6: a server
    MUST NOT generate content in a 205 response.
    """
    return not (code < 200 or code in (204, 205, 304))
