"""What the specifications say about each status code, encoded once.

Cacheability, whether a response may carry content, the header fields a
response carries by rule, retry advice, the labels editors and readers see for
them, and the codes whose examples follow their own rules. The build derives
facts from these rules; ``content_check`` checks every entry against them.
docs/CONTENT.md explains each rule in editors' words.
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


def cacheability_source(code: int) -> str:
    """Where the specification says how a cache may treat this code, in editors' words."""
    if code < 200:
        return "1xx 不是最终响应，RFC 9111 §3"
    if code in NEVER_STORED:
        return "RFC 6585 明文规定 MUST NOT be stored"
    if code == 451:
        return "RFC 7725 §3"
    if code in HEURISTICALLY_CACHEABLE:
        return "RFC 9110 §15.1"
    return "RFC 9110 §15.1 之外的状态码不可启发式缓存"


def content_allowed(code: int) -> bool:
    """Whether a response with this code may carry content.

    RFC 9110 §6.4.1: 1xx, 204 and 304 responses have none; §15.3.6: a server
    MUST NOT generate content in a 205 response.
    """
    return not (code < 200 or code in (204, 205, 304))


# -- Header fields -----------------------------------------------------------
#
# Header fields the response carries by rule, with the words that say so.
# Each must be listed in the fact box (typical_headers) and be present in the
# example's response with that code.
REQUIRED_HEADERS: dict[int, tuple[str, str]] = {
    # RFC 9110 §15.2.2: "The server MUST generate an Upgrade header field in the response".
    101: ("Upgrade", "RFC 9110 §15.2.2"),
    # RFC 9110 §15.3.7.1: a single-part 206 "MUST generate a Content-Range header field";
    # §15.3.7.2: a multipart one carries Content-Range in each part instead, and
    # Content-Type multipart/byteranges in the header section.
    206: ("Content-Range", "RFC 9110 §15.3.7"),
    # RFC 9110 §15.4.2, §15.4.3, §15.4.8, §15.4.9: "The server SHOULD generate a Location
    # header field in the response"; §15.4.4: 303 redirects "as indicated by a URI in
    # the Location header field".
    301: ("Location", "RFC 9110 §15.4.2"),
    302: ("Location", "RFC 9110 §15.4.3"),
    303: ("Location", "RFC 9110 §15.4.4"),
    307: ("Location", "RFC 9110 §15.4.8"),
    308: ("Location", "RFC 9110 §15.4.9"),
    # RFC 9110 §15.5.2: "The server generating a 401 response MUST send a WWW-Authenticate header field".
    401: ("WWW-Authenticate", "RFC 9110 §15.5.2"),
    # RFC 9110 §15.5.6: "The origin server MUST generate an Allow header field in a 405 response".
    405: ("Allow", "RFC 9110 §15.5.6"),
    # RFC 9110 §15.5.8: "The proxy MUST send a Proxy-Authenticate header field".
    407: ("Proxy-Authenticate", "RFC 9110 §15.5.8"),
    # RFC 9110 §15.5.17: "A server that generates a 416 response to a byte-range request
    # SHOULD generate a Content-Range header field" (checked in examples only when the
    # request has a bytes Range).
    416: ("Content-Range", "RFC 9110 §15.5.17"),
    # RFC 9110 §15.5.22: "The server MUST send an Upgrade header field in a 426 response".
    426: ("Upgrade", "RFC 9110 §15.5.22"),
}

# Header fields the specification names for the code without requiring them;
# the fact box lists them so readers know to look for them.
EXPECTED_HEADERS: dict[int, tuple[str, str]] = {
    # RFC 6585 §4: a 429 response "MAY include a Retry-After header indicating how long to
    # wait before making a new request".
    429: ("Retry-After", "RFC 6585 §4"),
    # RFC 9110 §15.6.4: "The server MAY send a Retry-After header field".
    503: ("Retry-After", "RFC 9110 §15.6.4"),
}

# -- Retry advice ------------------------------------------------------------
#
# Where the specification says whether and how a client may repeat the
# request, the entry's retry advice must be one of these values.
RETRY_RULES: dict[int, tuple[frozenset[str], str]] = {
    # RFC 9110 §15.5.2: "The user agent MAY repeat the request with a new or replaced
    # Authorization header field".
    401: (frozenset({"modify"}), "RFC 9110 §15.5.2"),
    # RFC 9110 §15.5.4: "The client SHOULD NOT automatically repeat the request with the
    # same credentials. The client MAY repeat the request with new or different credentials."
    403: (frozenset({"modify"}), "RFC 9110 §15.5.4"),
    # RFC 9110 §15.5.8: "The client MAY repeat the request with a new or replaced
    # Proxy-Authorization header field".
    407: (frozenset({"modify"}), "RFC 9110 §15.5.8"),
    # RFC 9110 §15.5.9: "If the client has an outstanding request in transit, it MAY repeat
    # that request." (on a new connection if the current one is not usable)
    408: (frozenset({"yes"}), "RFC 9110 §15.5.9"),
    # RFC 9110 §15.5.10: "the user might be able to resolve the conflict and resubmit the request".
    409: (frozenset({"modify"}), "RFC 9110 §15.5.10"),
    # RFC 9110 §15.5.11: the condition "is likely to be permanent".
    410: (frozenset({"no"}), "RFC 9110 §15.5.11"),
    # RFC 9110 §15.5.12: "The client MAY repeat the request if it adds a valid Content-Length
    # header field".
    411: (frozenset({"modify"}), "RFC 9110 §15.5.12"),
    # RFC 9110 §15.5.14: "If the condition is temporary, the server SHOULD generate a
    # Retry-After header field to indicate ... after what time the client MAY try again."
    413: (frozenset({"modify", "later"}), "RFC 9110 §15.5.14"),
    # RFC 9110 §10.1.1: a client that receives 417 to a request with 100-continue "SHOULD
    # repeat that request without a 100-continue expectation".
    417: (frozenset({"modify"}), "RFC 9110 §10.1.1"),
    # RFC 9110 §15.5.20: the client "MAY retry the request, whether or not the request method
    # is idempotent, over a different connection".
    421: (frozenset({"yes"}), "RFC 9110 §15.5.20"),
    # RFC 8470 §5.2: user agents that sent the request in early data "are expected to retry";
    # one "SHOULD retry automatically, but any retries MUST NOT be sent in early data".
    425: (frozenset({"yes"}), "RFC 8470 §5.2"),
    # RFC 9110 §15.5.22: the server "might be willing to do so after the client upgrades to a
    # different protocol".
    426: (frozenset({"modify"}), "RFC 9110 §15.5.22"),
    # RFC 6585 §3: "the origin server requires the request to be conditional"; the response
    # "SHOULD explain how to resubmit the request successfully".
    428: (frozenset({"modify"}), "RFC 6585 §3"),
    # RFC 6585 §4: "MAY include a Retry-After header indicating how long to wait before
    # making a new request".
    429: (frozenset({"later"}), "RFC 6585 §4"),
    # RFC 6585 §5: "The request MAY be resubmitted after reducing the size of the request
    # header fields."
    431: (frozenset({"modify"}), "RFC 6585 §5"),
    # RFC 9110 §15.6.4: a temporary condition "which will likely be alleviated after some
    # delay"; the server "MAY send a Retry-After header field".
    503: (frozenset({"later"}), "RFC 9110 §15.6.4"),
}


def retry_rule(code: int) -> tuple[frozenset[str], str] | None:
    """The retry values the specification allows for this code, and where it says so.

    1xx responses are interim (RFC 9110 §15.2): the exchange goes on, there is
    nothing to repeat. 2xx report success (§15.3) and 3xx ask the user agent
    to follow the redirection or use its stored copy (§15.4), not to repeat
    the request as it was.
    """
    if code in RETRY_RULES:
        return RETRY_RULES[code]
    if code < 200:
        return frozenset({"n/a"}), "RFC 9110 §15.2"
    if code < 300:
        return frozenset({"n/a"}), "RFC 9110 §15.3"
    if code < 400:
        return frozenset({"n/a"}), "RFC 9110 §15.4"
    return None


RETRY_LABELS = {
    "yes": "可以原样重试",
    "later": "稍后重试",
    "modify": "修改请求后再试",
    "no": "不应重试",
    "n/a": "不适用",
}
CACHEABILITY_LABELS = {HEURISTIC: "可启发式缓存", EXPLICIT: "需明确的新鲜度信息", NEVER: "不得存储"}

# -- Example messages --------------------------------------------------------

# nginx only writes these codes to its log: 444 closes the connection without
# sending a response (ngx_http_rewrite_module, "return"), and 499 is logged
# when the client closed the connection before the response. Their examples
# are a request alone.
NO_RESPONSE_CODES = frozenset({444, 499})

# RFC 5842 §7.1: "The 208 (Already Reported) status code can be used inside a
# DAV: propstat response element"; its example is a 207 whose body carries it.
MULTISTATUS_ONLY = frozenset({208})
# RFC 4918 §11.4: "if a command in a PROPPATCH method fails, then, at minimum,
# the rest of the commands will also fail with 424" (inside the 207's body);
# 424 may also be the status of the whole response.
MULTISTATUS_ALSO = frozenset({424})

# nginx logs these but sends 400 to the client (ngx_http_special_response.c:
# NGX_HTTP_TO_HTTPS, NGX_HTTPS_CERT_ERROR, NGX_HTTPS_NO_CERT and
# NGX_HTTP_REQUEST_HEADER_TOO_LARGE set err_status to NGX_HTTP_BAD_REQUEST).
SENT_AS = {494: 400, 495: 400, 496: 400, 497: 400}

# RFC 9110 §15.6.6: 505 answers a request whose major version the server does
# not support, so that one request line may carry another version.
FOREIGN_VERSION_CODES = frozenset({505})
