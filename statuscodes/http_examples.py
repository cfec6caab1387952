"""The HTTP examples: each entry's example read as a real HTTP/1.1 peer reads it.

An example is a request and the responses to it, written as on the wire
(docs/CONTENT.md, 示例报文的格式). ``parse_example`` reads it with h11, message
by message; ``example_problems`` says, in editors' words, what is wrong with it,
using the per-code exceptions of ``rules``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import h11

from .rules import (
    FOREIGN_VERSION_CODES,
    MULTISTATUS_ALSO,
    MULTISTATUS_ONLY,
    NO_RESPONSE_CODES,
    REQUIRED_HEADERS,
    SENT_AS,
)

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
