"""What the specifications say about each status code, encoded once.

The build derives facts from these rules, and ``check_content`` (with the
admin's warnings) checks every entry against them. docs/CONTENT.md explains
each rule in editors' words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from types import SimpleNamespace

import h11

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


# ---------------------------------------------------------------------------
# The content check
#
# ``check_entry`` checks one entry against the rules below and returns a list
# of findings. It reads attributes only, so it works on a StatusCode, or on a
# record of the fixture (``entries_from_fixture``). docs/CONTENT.md states the
# same rules for editors; tests/test_rules.py keeps the two in step.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing an entry (or a comparison table) does not get right."""

    code: int | str
    field: str
    message: str

    def __str__(self):
        return f"{self.code} {self.field}: {self.message}"


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

_RESPONSE_START = re.compile(r"\n\n(?=HTTP/)")
_REQUEST_LINE = re.compile(r"^(?P<method>\S+) (?P<target>\S+) (?P<version>HTTP/\S+)$")
_STATUS_LINE = re.compile(r"^(?P<version>HTTP/\S+) (?P<status>\d{3})(?: .*)?$")
_HTTP_11 = "HTTP/1.1"


@dataclass
class ExampleMessage:
    """One message of an example, as h11 parsed it."""

    start_line: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None  # None for the request
    method: str = ""


@dataclass
class ParsedExample:
    request: ExampleMessage | None = None
    responses: list[ExampleMessage] = dataclass_field(default_factory=list)
    problems: list[str] = dataclass_field(default_factory=list)


def split_example(text: str) -> list[str]:
    """The messages of an example, as written (docs/CONTENT.md, 示例报文的格式).

    Line ends are normalised to LF, trailing line breaks are ignored, and a
    new message starts after a blank line at a line beginning with "HTTP/".
    """
    text = text.replace("\r\n", "\n").strip("\n")
    if not text.strip():
        return []
    return _RESPONSE_START.split(text)


def _head_and_body(segment: str) -> tuple[list[str], str]:
    head, _sep, body = segment.partition("\n\n")
    return head.split("\n"), body


def _is_chunked(head_lines: list[str]) -> bool:
    for line in head_lines[1:]:
        name, _sep, value = line.partition(":")
        if name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
            return True
    return False


def _body_bytes(head_lines: list[str], body: str) -> bytes:
    """The body on the wire: UTF-8 as written; a chunked body's lines end in CRLF."""
    if body and _is_chunked(head_lines):
        return ("\r\n".join(body.split("\n")) + "\r\n\r\n").encode("utf-8")
    return body.encode("utf-8")


def _wire(head_lines: list[str], body: bytes) -> bytes:
    """The message as bytes on the wire: header lines end in CRLF; the version is read as HTTP/1.1.

    A version other than HTTP/1.1 is reported on its own; parsing goes on as
    if it were HTTP/1.1, so that one mistake does not hide the others.
    """
    lines = list(head_lines)
    if lines[0].startswith("HTTP/"):
        lines[0] = re.sub(r"^HTTP/\S+", _HTTP_11, lines[0])
    else:
        lines[0] = re.sub(r" HTTP/\S+$", " " + _HTTP_11, lines[0])
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def _headers(event) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in event.headers:
        key = name.decode("ascii").lower()
        text = value.decode("utf-8", "replace")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


def _framing(headers: dict[str, str]) -> str:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return "chunked"
    if "content-length" in headers:
        return "length"
    return "none"


def _describe(text: str, limit: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def parse_example(text: str, code: int) -> ParsedExample:
    """Parse an example with h11, message by message, as a real HTTP/1.1 peer reads it."""
    parsed = ParsedExample()
    segments = split_example(text)
    if not segments:
        return parsed
    problems = parsed.problems
    if segments[0].startswith("HTTP/"):
        problems.append("示例应以一条请求开头，后面才是响应。")
        return parsed

    # The request, read by a server.
    head, body_text = _head_and_body(segments[0])
    match = _REQUEST_LINE.match(head[0])
    if match is None:
        problems.append(f"请求行“{_describe(head[0])}”不是“方法 目标 HTTP/1.1”的形式。")
        return parsed
    version = match["version"]
    if version != _HTTP_11 and not (code in FOREIGN_VERSION_CODES and re.fullmatch(r"HTTP/\d\.\d", version)):
        problems.append(f"请求行用的是 {version}；示例一律写成 HTTP/1.1 报文。")
    body = _body_bytes(head, body_text)
    server = h11.Connection(h11.SERVER)
    server.receive_data(_wire(head, body))
    request = None
    received = b""
    try:
        while True:
            event = server.next_event()
            if isinstance(event, h11.Request):
                request = ExampleMessage(head[0], _headers(event), b"", method=event.method.decode("ascii"))
            elif isinstance(event, h11.Data):
                received += bytes(event.data)
            elif isinstance(event, h11.EndOfMessage) or event is h11.NEED_DATA or event is h11.PAUSED:
                break
    except h11.RemoteProtocolError as error:
        problems.append(f"请求无法解析（h11：{error}）。")
        return parsed
    if request is None:
        problems.append("请求的头部不完整。")
        return parsed
    request.body = received
    parsed.request = request
    leftover = server.trailing_data[0] if server.their_state is h11.DONE else b""
    _framing_problems(problems, "请求", request.headers, body, event, leftover)

    # Each response, read by a client that sent this request (without its body).
    for number, segment in enumerate(segments[1:], start=1):
        label = "响应" if len(segments) == 2 else f"第 {number} 条响应"
        head, body_text = _head_and_body(segment)
        match = _STATUS_LINE.match(head[0])
        if match is None:
            problems.append(f"{label}的状态行“{_describe(head[0])}”不是“HTTP/1.1 状态码 原因短语”的形式。")
            return parsed
        if match["version"] != _HTTP_11:
            problems.append(f"{label}用的是 {match['version']}；示例一律写成 HTTP/1.1 报文。")
        status = int(match["status"])
        if body_text and (status < 200 or status in (204, 304)):
            problems.append(f"{label}是 {status}，按 RFC 9110 §6.4.1 没有内容，但示例在头部之后写了文字。")
            body_text = ""
        elif body_text and status == 205:
            problems.append(f"{label}是 205，RFC 9110 §15.3.6 规定服务器不得生成内容，但示例写了内容。")
            body_text = ""
        body = _body_bytes(head, body_text)
        response = _read_response(problems, label, request, head, body)
        if response is None:
            return parsed
        parsed.responses.append(response)
    return parsed


def _read_response(problems, label, request, head, body) -> ExampleMessage | None:
    client = h11.Connection(h11.CLIENT)
    sent = [
        (name, value)
        for name, value in request.headers.items()
        if name not in ("content-length", "transfer-encoding")
    ]
    response = None
    received = b""
    event = None
    try:
        client.send(h11.Request(method=request.method, target=_target(request), headers=sent))
        client.send(h11.EndOfMessage())
        client.receive_data(_wire(head, body))
        while True:
            event = client.next_event()
            if isinstance(event, h11.InformationalResponse):
                return ExampleMessage(head[0], _headers(event), b"", status=event.status_code)
            if isinstance(event, h11.Response):
                response = ExampleMessage(head[0], _headers(event), b"", status=event.status_code)
            elif isinstance(event, h11.Data):
                received += bytes(event.data)
            elif isinstance(event, h11.EndOfMessage) or event is h11.PAUSED:
                break
            elif event is h11.NEED_DATA:
                if response is not None and _framing(response.headers) == "none":
                    client.receive_data(b"")  # read until close: the example ends here
                    continue
                break
    except h11.ProtocolError as error:
        problems.append(f"{label}无法解析（h11：{error}）。")
        return None
    if response is None:
        problems.append(f"{label}的头部不完整。")
        return None
    response.body = received
    leftover = client.trailing_data[0] if client.their_state is h11.DONE else b""
    no_content = request.method == "HEAD" or response.status in (204, 304)
    if not no_content:
        _framing_problems(problems, label, response.headers, body, event, leftover)
    return response


def _target(request: ExampleMessage) -> str:
    return request.start_line.split(" ")[1]


def _framing_problems(problems, label, headers, body: bytes, last_event, leftover: bytes) -> None:
    """Findings about how a message's body is delimited."""
    framing = _framing(headers)
    size = len(body)
    if framing == "length":
        declared = headers["content-length"]
        if last_event is h11.NEED_DATA or leftover:
            problems.append(
                f"{label}的 Content-Length 是 {declared}，但写出的内容是 {size} 字节（UTF-8）；"
                f"应写 Content-Length: {size}，或按声明的长度写出内容。"
            )
    elif framing == "chunked":
        if last_event is h11.NEED_DATA:
            problems.append(f"{label}用 chunked 分帧，但内容没有以大小为 0 的块结束。")
        elif leftover:
            problems.append(f"{label}的 chunked 内容结束之后还有多余的文字。")
    elif size and label == "请求":
        problems.append(
            f"请求带有 {size} 字节内容（“{_describe(body.decode('utf-8', 'replace'))}”），但没有 Content-Length"
            f" 或 Transfer-Encoding: chunked 分帧，服务器会把内容读成 0 字节；应加上 Content-Length: {size}。"
        )
    elif size:
        problems.append(
            f"{label}带有 {size} 字节内容，但没有 Content-Length 或 Transfer-Encoding: chunked 分帧，"
            f"客户端只能读到连接关闭为止；应加上 Content-Length: {size}。"
        )


def example_problems(code: int, text: str, required_header: str | None = None) -> list[str]:
    """Everything wrong with an example, in editors' words."""
    parsed = parse_example(text, code)
    problems = list(parsed.problems)
    if parsed.request is None or any("无法解析" in p or "不是“" in p for p in problems):
        return problems
    responses = parsed.responses
    statuses = [r.status for r in responses]
    if code in NO_RESPONSE_CODES:
        if responses:
            problems.append(f"{code} 只记在 nginx 日志里，线路上没有响应；示例只写请求。")
        return problems
    if not responses:
        problems.append("示例只有请求，没有响应。")
        return problems
    for status in statuses[:-1]:
        if status >= 200 or status == 101:
            problems.append(f"{status} 之后不能再有响应：只有 1xx（101 除外）后面才跟着其他响应。")
            return problems
    last = statuses[-1]
    if code in MULTISTATUS_ONLY:
        if last != 207 or str(code).encode() not in responses[-1].body:
            problems.append(
                f"{code} 只出现在 207 Multi-Status 的内容里（RFC 5842 §7.1）；示例应是一条内容中带有 {code} 的 207 响应。"
            )
        return problems
    if code in MULTISTATUS_ALSO and last == 207 and str(code).encode() in responses[-1].body:
        return problems
    if code in SENT_AS:
        if last != SENT_AS[code]:
            problems.append(
                f"nginx 把 {code} 记在日志里，发给客户端的是 {SENT_AS[code]}；示例的最终响应应为 {SENT_AS[code]}。"
            )
        return problems
    if code == 101 or code >= 200:
        if last != code:
            problems.append(f"示例的最终响应是 {last}，与条目的状态码 {code} 不一致。")
    else:
        if code not in statuses[:-1]:
            problems.append(f"示例里没有 {code} 临时响应。")
        if last < 200:
            problems.append("示例在 1xx 临时响应之后缺少最终响应。")
    if required_header is not None:
        response = next((r for r in reversed(responses) if r.status == code), None)
        if response is not None:
            missing = _missing_header(code, required_header, response, parsed.request)
            if missing:
                problems.append(missing)
    return problems


def _missing_header(code, header, response, request) -> str | None:
    present = header.lower() in response.headers
    if code == 206 and not present:
        present = "multipart/byteranges" in response.headers.get("content-type", "")
    if code == 416 and not request.headers.get("range", "").lower().startswith("bytes"):
        return None  # the SHOULD applies to byte-range requests
    if present:
        return None
    return f"{code} 响应缺少 {header} 头字段（{REQUIRED_HEADERS[code][1]}）。"


# -- Language ----------------------------------------------------------------
#
# The glossary's "不用" column and the Taiwan usages of docs/CONTENT.md, as
# forbidden term -> (the word to use, longer words in which the term is fine).
# tests/test_rules.py checks that the doc and these tables say the same.
GLOSSARY_FORBIDDEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "实体": ("内容", ("实体标签",)),  # RFC 9110 still says "entity tag" (§8.8.3)
    "实体主体": ("内容", ()),
    # "负载" as payload; load (负载均衡, 服务器的负载) is another word.
    "负载": ("内容", ("负载均衡", "高负载", "负载高", "的负载", "系统负载", "服务器负载")),
    "表述": ("表示", ()),
    "表现形式": ("表示", ()),
    "标头": ("头字段", ()),
    "报头": ("头字段", ()),
    "首部字段": ("头字段", ()),
    "首部": ("头部", ()),
    "原始服务器": ("源服务器", ()),
    "源站": ("源服务器", ()),  # allowed where Cloudflare is the subject (see check_text)
    "入站": ("上游", ()),
    "出站": ("下游", ()),
    "使用者代理": ("用户代理", ()),
    "用户端": ("客户端", ()),
    "伺服器": ("服务器", ()),
    "请求动词": ("请求方法", ()),
    "状态代码": ("状态码", ()),
    "快取": ("缓存", ()),
    "凭据": ("凭证", ()),
    "认证信息": ("凭证", ()),
    "认证": ("身份验证", ()),
    "转址": ("重定向", ()),
    "联机": ("连接", ()),
    "讯息": ("消息", ()),
}
TAIWAN_USAGE: dict[str, tuple[str, tuple[str, ...]]] = {
    "程序码": ("代码", ()),
    "伺服器": ("服务器", ()),
    "讯息": ("消息", ()),
    "网路": ("网络", ()),
    # "资料" meaning data; written material (参考资料) is ordinary mainland usage.
    "资料库": ("数据库", ()),
    "资料包": ("数据包", ()),
    "资料传输": ("数据传输", ()),
    "预设": ("默认", ()),
    "档案": ("文件", ()),
    "物件": ("对象", ()),
    "使用者": ("用户", ()),
    "标头": ("头字段", ()),
    "快取": ("缓存", ()),
    "回应": ("响应", ()),
}
FORBIDDEN_TERMS = {**GLOSSARY_FORBIDDEN, **TAIWAN_USAGE}

# Editors' working notes that must never reach readers.
EDITOR_TODOS = (
    "请审核",
    "请核实",
    "请编辑",
    "请确认",
    "待确认",
    "待核实",
    "待补充",
    "待审核",
    "TODO",
    "FIXME",
    "TBD",
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u201c\u201d"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
# What is not Chinese prose: fenced code, code spans, link targets, URLs, and
# lines that are a header field or a start line.
_NOT_PROSE = [
    re.compile(r"```.*?```", re.S),
    re.compile(r"(`+)(?:(?!\1).)+?\1", re.S),
    re.compile(r"<https?://[^>\s]*>"),
    re.compile(r"\]\([^)\s]*\)"),
    re.compile(r"\b(?:https?|ftp|mailto):[\x21-\x7e]+"),
    re.compile(r"^[ \t]*(?:[A-Za-z][A-Za-z0-9-]*: \S.*|HTTP/\S+ \d{3}.*|[A-Z]+ /\S* HTTP/\S+)$", re.M),
]
# A quoted English name (“(Unused)”) is not a Chinese sentence.
_QUOTED_ASCII = re.compile(r"(?<=“)[\x20-\x7e]+(?=”)")
_QUOTED = re.compile(r"“[^“”\n]*”|「[^「」\n]*」")
_PAREN_PAIR = re.compile(r"\(([^()\n]*)\)")


def _prose(text: str) -> str:
    """The text with everything that is not Chinese prose blanked out (same length)."""
    text = _QUOTED_ASCII.sub(lambda m: "_" * len(m.group(0)), text)
    for pattern in _NOT_PROSE:
        text = pattern.sub(
            lambda m: "_" * len(m.group(0)) if m.group(0)[:1] != "]" else "]" + "_" * (len(m.group(0)) - 1),
            text,
        )
    return text


def _neighbour(text: str, index: int, step: int) -> str:
    index += step
    while 0 <= index < len(text) and text[index] in " \t":
        index += step
    return text[index] if 0 <= index < len(text) and text[index] != "\n" else ""


def _snippet(text: str, start: int, end: int) -> str:
    return text[max(0, start - 6) : end + 6].replace("\n", " ").strip()


def half_width_punctuation(text: str) -> list[str]:
    """Snippets where Chinese prose uses , : ; ? ! ( ) instead of the full-width marks."""
    prose = _prose(text)
    hits: list[tuple[int, int]] = []
    paired = set()
    for match in _PAREN_PAIR.finditer(prose):
        paired.update((match.start(), match.end() - 1))
        before, after = _neighbour(prose, match.start(), -1), _neighbour(prose, match.end() - 1, 1)
        if (
            _CJK_CHAR.search(match.group(1))
            or _CJK_CHAR.fullmatch(before or "x")
            or _CJK_CHAR.fullmatch(after or "x")
        ):
            hits.append((match.start(), match.end()))
    for index, char in enumerate(prose):
        if char not in _FULL_WIDTH or index in paired:
            continue
        before, after = _neighbour(prose, index, -1), _neighbour(prose, index, 1)
        if _CJK_CHAR.fullmatch(before or "x") or _CJK_CHAR.fullmatch(after or "x"):
            hits.append((index, index + 1))
    hits.sort()
    return [_snippet(text, start, end) for start, end in hits]


def forbidden_terms(text: str, *, cloudflare: bool = False) -> list[tuple[str, str]]:
    """(term, the word to use) for each forbidden term used in the text.

    Quoted words (“实体”) are mentioned, not used, and are fine; so are code
    and URLs. "源站" is fine where Cloudflare is the subject (docs/CONTENT.md).
    """
    prose = _QUOTED.sub(lambda m: "_" * len(m.group(0)), _prose(text))
    found: list[tuple[str, str]] = []
    covered: set[int] = set()
    for term in sorted(FORBIDDEN_TERMS, key=len, reverse=True):
        preferred, exceptions = FORBIDDEN_TERMS[term]
        if term == "源站" and cloudflare:
            continue
        allowed = set()
        for exception in exceptions:
            for match in re.finditer(re.escape(exception), prose):
                allowed.update(range(match.start(), match.end()))
        for match in re.finditer(re.escape(term), prose):
            span = set(range(match.start(), match.end()))
            if span & covered or span <= allowed:
                continue
            covered |= span
            if (term, preferred) not in found:
                found.append((term, preferred))
    return found


def editor_todos(text: str) -> list[str]:
    found = []
    for marker in EDITOR_TODOS:
        pattern = rf"\b{marker}\b" if marker.isascii() else re.escape(marker)
        if re.search(pattern, text):
            found.append(marker)
    return found


def check_text(code, field: str, text: str, *, terms: bool = True, cloudflare: bool = False) -> list[Finding]:
    """The language rules for one public text."""
    findings = []
    if not text:
        return findings
    snippets = half_width_punctuation(text)
    if snippets:
        shown = "；".join(f"“{s}”" for s in snippets[:3])
        more = f"等 {len(snippets)} 处" if len(snippets) > 3 else ""
        findings.append(
            Finding(
                code,
                field,
                f"中文句子里用了半角标点：{shown}{more}；应改为全角（，：；？！（））；代码和配置写在 `代码样式` 里。",
            )
        )
    if terms:
        for term, preferred in forbidden_terms(text, cloudflare=cloudflare):
            findings.append(Finding(code, field, f"用了“{term}”，按术语表应写“{preferred}”。"))
    for marker in editor_todos(text):
        findings.append(Finding(code, field, f"公开文字里有编辑待办“{marker}”；待办写在审核说明里。"))
    return findings


# -- One entry ---------------------------------------------------------------


def _lines_of(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return [str(item).strip() for item in value if str(item).strip()]


def _annotations(entry) -> list[tuple[str, str]]:
    """(label, body) of the entry's published annotations."""
    annotations = getattr(entry, "annotations", None)
    if annotations is None:
        return []
    if hasattr(annotations, "all"):
        try:
            annotations = list(annotations.all())
        except ValueError:  # an unsaved entry has no annotations yet
            return []
    result = []
    for number, annotation in enumerate(annotations, start=1):
        get = (
            annotation.get
            if isinstance(annotation, dict)
            else lambda name, d=None, a=annotation: getattr(a, name, d)
        )
        if not get("is_published", True):
            continue
        key = get("seed_key", "") or get("key", "") or get("pk", None) or number
        result.append((f"annotations[{key}]", get("body", "") or ""))
    return result


def _cacheability_of(entry) -> str | None:
    value = getattr(entry, "cacheability", None)
    if value:
        return value
    cacheable = getattr(entry, "cacheable", None)  # the yes/no of the old schema
    if cacheable is None:
        return None
    return HEURISTIC if cacheable else "not-heuristic"


def check_entry(entry) -> list[Finding]:
    """Every finding for one entry: derived facts, example, language and provenance."""
    code = int(entry.code)
    findings: list[Finding] = []
    official = getattr(entry, "lifecycle", "") != "unofficial"
    headers = [
        h.strip().lower() for h in (getattr(entry, "typical_headers", "") or "").split(",") if h.strip()
    ]

    # Cacheability (RFC 9110 §15.1, RFC 9111 §3, RFC 6585) and content (RFC 9110 §6.4.1, §15.3.6).
    expected = cacheability_for(code)
    actual = _cacheability_of(entry)
    if official and actual is not None:
        agrees = actual == expected or (actual == "not-heuristic" and expected != HEURISTIC)
        if not agrees:
            shown = CACHEABILITY_LABELS.get(
                actual, "不是启发式可缓存" if actual == "not-heuristic" else actual
            )
            findings.append(
                Finding(
                    code,
                    "cacheability",
                    f"可缓存性应为“{CACHEABILITY_LABELS[expected]}”（{_cacheability_source(code)}），现为“{shown}”。",
                )
            )
    body_allowed = getattr(entry, "body_allowed", None)
    if body_allowed is not None and bool(body_allowed) != content_allowed(code):
        if content_allowed(code):
            message = f"{code} 响应可以有内容，事实表却写“不允许”。"
        else:
            message = f"{code} 响应没有内容（RFC 9110 §6.4.1、§15.3.6），事实表却写“允许”。"
        findings.append(Finding(code, "body_allowed", message))

    # Header fields.
    required = REQUIRED_HEADERS.get(code)
    if required and required[0].lower() not in headers:
        findings.append(
            Finding(
                code,
                "typical_headers",
                f"{code} 响应要带 {required[0]} 头字段（{required[1]}），事实表没有列出。",
            )
        )
    expected_header = EXPECTED_HEADERS.get(code)
    if expected_header and expected_header[0].lower() not in headers:
        findings.append(
            Finding(
                code,
                "typical_headers",
                f"{code} 响应可以带 {expected_header[0]} 头字段（{expected_header[1]}），事实表应当列出。",
            )
        )

    # Retry advice.
    rule = retry_rule(code) if official else None
    retry = getattr(entry, "retry", None)
    if rule is not None and retry is not None and retry not in rule[0]:
        allowed = "或".join(f"“{RETRY_LABELS[v]}”" for v in sorted(rule[0]))
        findings.append(
            Finding(
                code, "retry", f"重试建议应为{allowed}（{rule[1]}），现为“{RETRY_LABELS.get(retry, retry)}”。"
            )
        )

    # The example.
    example = getattr(entry, "example", "") or ""
    header_rule = required[0] if required else None
    for problem in example_problems(code, example, header_rule):
        findings.append(Finding(code, "example", problem))

    # Language of every public text.
    cloudflare = "cloudflare" in (getattr(entry, "vendor", "") or "").lower()
    for field in ("name_zh", "summary", "description", "correction_note"):
        text = getattr(entry, field, "") or ""
        findings += check_text(code, field, text, cloudflare=cloudflare or "Cloudflare" in text)
    # Names and what readers say record other people's words: no term rule.
    for field in ("aliases", "misnomers", "search_terms"):
        for line in _lines_of(getattr(entry, field, None)):
            findings += check_text(code, field, line, terms=False)
    for label, body in _annotations(entry):
        findings += check_text(code, label, body, cloudflare=cloudflare or "Cloudflare" in body)

    # Provenance.
    description = (getattr(entry, "description", "") or "").strip()
    source_text = (getattr(entry, "source_text", "") or "").strip()
    if source_text and description == source_text:
        findings.append(
            Finding(
                code, "description", "公开说明与文档原文逐字相同；说明要由编辑按现行规范撰写，原文只作出处。"
            )
        )
    elif source_text and not (getattr(entry, "correction_note", "") or "").strip():
        findings.append(
            Finding(
                code,
                "correction_note",
                "公开说明与文档原文不同，需要一段更正说明，告诉读者改了什么、依据是什么。",
            )
        )
    if getattr(entry, "needs_review", False) and not (getattr(entry, "review_note", "") or "").strip():
        findings.append(
            Finding(code, "review_note", "标记了待审核，但审核说明是空的：写清要查什么、去哪里查。")
        )
    return findings


def _cacheability_source(code: int) -> str:
    if code < 200:
        return "1xx 不是最终响应，RFC 9111 §3"
    if code in NEVER_STORED:
        return "RFC 6585 明文规定 MUST NOT be stored"
    if code == 451:
        return "RFC 7725 §3"
    if code in HEURISTICALLY_CACHEABLE:
        return "RFC 9110 §15.1"
    return "RFC 9110 §15.1 之外的状态码不可启发式缓存"


# -- The fixture ---------------------------------------------------------------


def entries_from_fixture(records: list[dict]) -> list[SimpleNamespace]:
    """The fixture's entries, each a namespace with the model's attributes and its annotations."""
    annotations: dict[int, list[dict]] = {}
    for record in records:
        if record.get("model") == "statuscodes.annotation":
            fields = record["fields"]
            annotations.setdefault(fields["status_code"], []).append(fields)
    return [
        entry_from_fields(record["pk"], record["fields"], annotations.get(record["pk"], []))
        for record in records
        if record.get("model") == "statuscodes.statuscode"
    ]


def entry_from_fields(code: int, fields: dict, annotations=()) -> SimpleNamespace:
    """A stand-in for a StatusCode, built from a fixture record's fields."""
    return SimpleNamespace(code=code, **fields, annotations=list(annotations))


# -- Comparison tables ---------------------------------------------------------


def check_tables(tables, label: str = "对比表") -> list[Finding]:
    """The language rules on every text cell of the comparison tables.

    ``tables`` may be any nesting of dicts, lists, tuples and dataclass-like
    objects; each string found is checked, and the finding names its path.
    """
    findings: list[Finding] = []

    def walk(value, path):
        if isinstance(value, str):
            findings.extend(check_text(label, path or "cell", value, cloudflare="Cloudflare" in value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}[{key}]" if path else str(key))
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        elif hasattr(value, "__dict__"):
            for key, item in vars(value).items():
                if not key.startswith("_"):
                    walk(item, f"{path}.{key}" if path else key)

    walk(tables, "")
    return findings


def check_comparisons() -> list[Finding]:
    """Findings for the comparison tables in statuscodes/comparisons.py, table by table."""
    try:
        from . import comparisons
    except ImportError:
        return []
    findings: list[Finding] = []
    for table in getattr(comparisons, "COMPARISONS", ()):
        key = getattr(table, "key", "")
        texts = {
            name: value
            for name, value in vars(table).items()
            if name not in ("key", "codes", "codes_as_rows")
        }
        findings += check_tables(texts, label=f"对比表 {key}".strip())
    return findings
