"""The HTTP examples (statuscodes/http_examples.py): each example read as a real HTTP/1.1 peer reads it.

Examples are real HTTP/1.1 snippets, read by h11, on tiny stand-in entries
(tests/content_entries.py); each rule passes a correct example and catches a
wrong one.
"""

import pytest

from .content_entries import CLEAN_404, example_findings, exchange, utf8_length

# -- Examples -------------------------------------------------------------------


def test_a_framed_exchange_passes():
    assert example_findings(404, CLEAN_404) == []


def test_no_example_is_not_checked():
    assert example_findings(404, "") == []


def test_crlf_and_trailing_newlines_are_accepted():
    assert example_findings(404, CLEAN_404.replace("\n", "\r\n") + "\r\n\r\n") == []


def test_request_with_a_body_and_exact_length_passes():
    text = exchange(
        "POST /api/users HTTP/1.1\nHost: example.com\nContent-Type: application/json",
        "HTTP/1.1 201 Created\nLocation: /api/users/42",
        request_body='{"name": "张三"}',
    )
    assert example_findings(201, text) == []


def test_request_body_without_framing_is_found_with_the_right_length():
    body = '{"name": "张三",}'
    text = f"POST /api/users HTTP/1.1\nHost: example.com\nContent-Type: application/json\n\n{body}\n\n"
    text += "HTTP/1.1 400 Bad Request\nContent-Length: 0"
    [finding] = example_findings(400, text, retry="modify")
    assert "没有 Content-Length" in finding.message
    assert f"Content-Length: {utf8_length(body)}" in finding.message


def test_response_body_without_framing_is_found():
    text = "GET / HTTP/1.1\nHost: example.com\n\nHTTP/1.1 404 Not Found\nContent-Type: text/plain\n\n没有找到"
    [finding] = example_findings(404, text)
    assert "连接关闭" in finding.message
    assert f"Content-Length: {utf8_length('没有找到')}" in finding.message


@pytest.mark.parametrize("declared_delta", [-3, 5])
def test_content_length_mismatch_names_the_right_number(declared_delta):
    body = "没有找到这个页面。"
    right = utf8_length(body)
    text = (
        "GET /missing HTTP/1.1\nHost: example.com\n\n"
        f"HTTP/1.1 404 Not Found\nContent-Length: {right + declared_delta}\n\n{body}"
    )
    [finding] = example_findings(404, text)
    assert f"Content-Length 是 {right + declared_delta}" in finding.message
    assert f"应写 Content-Length: {right}" in finding.message


def test_a_declared_request_length_with_no_body_is_found():
    text = "PUT /big HTTP/1.1\nHost: example.com\nContent-Length: 1048576\n\nHTTP/1.1 413 Content Too Large\nContent-Length: 0"
    [finding] = example_findings(413, text, retry="modify")
    assert "Content-Length 是 1048576" in finding.message


def test_chunked_bodies_are_read_as_chunks():
    good = "GET /feed HTTP/1.1\nHost: example.com\n\nHTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n6\n第一\n6\n第二\n0"
    assert example_findings(200, good, retry="n/a") == []
    unterminated = "POST /upload HTTP/1.1\nHost: example.com\nTransfer-Encoding: chunked\n\nHTTP/1.1 411 Length Required\nContent-Length: 0"
    [finding] = example_findings(411, unterminated, retry="modify")
    assert "chunked" in finding.message


def test_head_responses_carry_a_length_but_no_body():
    text = "HEAD /report.pdf HTTP/1.1\nHost: example.com\n\nHTTP/1.1 200 OK\nContent-Type: application/pdf\nContent-Length: 52428"
    assert example_findings(200, text, retry="n/a") == []


@pytest.mark.parametrize(
    "code, status_line",
    [
        (204, "HTTP/1.1 204 No Content"),
        (304, "HTTP/1.1 304 Not Modified"),
        (205, "HTTP/1.1 205 Reset Content"),
    ],
)
def test_bodies_on_codes_without_content_are_found(code, status_line):
    clean = f'GET /a HTTP/1.1\nHost: example.com\n\n{status_line}\nETag: "x"'
    assert example_findings(code, clean, body_allowed=False, retry="n/a") == []
    [finding] = example_findings(code, clean + "\n\n已删除", body_allowed=False, retry="n/a")
    assert str(code) in finding.message


def test_interim_responses_come_before_the_final_one():
    body = "报告内容"
    good = (
        f"PUT /reports/1 HTTP/1.1\nHost: example.com\nExpect: 100-continue\nContent-Length: {utf8_length(body)}\n\n{body}\n\n"
        "HTTP/1.1 100 Continue\n\nHTTP/1.1 201 Created\nLocation: /reports/1\nContent-Length: 0"
    )
    assert example_findings(100, good, retry="n/a") == []
    no_final = good.split("\n\nHTTP/1.1 201")[0]
    assert any("最终响应" in f.message for f in example_findings(100, no_final, retry="n/a"))
    body_on_100 = good.replace("HTTP/1.1 100 Continue", "HTTP/1.1 100 Continue\n\n继续")
    assert any("没有内容" in f.message for f in example_findings(100, body_on_100, retry="n/a"))


def test_101_ends_the_exchange_with_an_upgrade():
    good = (
        "GET /chat HTTP/1.1\nHost: example.com\nUpgrade: websocket\nConnection: Upgrade\n\n"
        "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade"
    )
    assert example_findings(101, good, retry="n/a", typical_headers="Upgrade") == []
    without = good.replace("101 Switching Protocols\nUpgrade: websocket\n", "101 Switching Protocols\n")
    [finding] = example_findings(101, without, retry="n/a", typical_headers="Upgrade")
    assert "Upgrade" in finding.message and "§15.2.2" in finding.message


def test_the_final_status_must_be_the_entrys_code():
    [finding] = example_findings(410, CLEAN_404, retry="no")
    assert "404" in finding.message and "410" in finding.message


def test_required_header_field_missing_from_the_example_is_found():
    text = exchange(
        "DELETE /articles HTTP/1.1\nHost: example.com", "HTTP/1.1 405 Method Not Allowed", "只读。"
    )
    [finding] = example_findings(405, text, typical_headers="Allow", retry="modify")
    assert "Allow" in finding.message and "§15.5.6" in finding.message
    with_allow = text.replace("405 Method Not Allowed", "405 Method Not Allowed\nAllow: GET, HEAD")
    assert example_findings(405, with_allow, typical_headers="Allow", retry="modify") == []


def test_206_may_carry_its_ranges_as_multipart():
    body = "--B\nContent-Range: bytes 0-1/10\n\nab\n--B--"
    text = exchange(
        "GET /f HTTP/1.1\nHost: example.com\nRange: bytes=0-1,5-6",
        "HTTP/1.1 206 Partial Content\nContent-Type: multipart/byteranges; boundary=B",
        body,
    )
    assert example_findings(206, text, typical_headers="Content-Range", retry="n/a") == []


def test_416_needs_content_range_only_for_byte_ranges():
    missing = "GET /f HTTP/1.1\nHost: example.com\nRange: bytes=999-\n\nHTTP/1.1 416 Range Not Satisfiable\nContent-Length: 0"
    assert len(example_findings(416, missing, typical_headers="Content-Range", retry="no")) == 1
    other_unit = missing.replace("bytes=999-", "pages=9-")
    assert example_findings(416, other_unit, typical_headers="Content-Range", retry="no") == []


@pytest.mark.parametrize(
    "text, words",
    [
        (
            "GET /中文 HTTP/1.1\nHost: example.com\n\nHTTP/1.1 404 Not Found\nContent-Length: 0",
            "请求无法解析",
        ),
        ("GET / HTTP/1.1\n\nHTTP/1.1 404 Not Found\nContent-Length: 0", "Host"),
        (
            "GET / HTTP/1.1\nHost: example.com\n\nHTTP/1.1 404 Not Found\nBad Header Line\nContent-Length: 0",
            "响应无法解析",
        ),
        ("HTTP/1.1 404 Not Found\nContent-Length: 0", "请求开头"),
        ("请求 / HTTP\n\nHTTP/1.1 404 Not Found", "请求行"),
    ],
)
def test_unparseable_messages_are_found(text, words):
    assert any(words in f.message for f in example_findings(404, text))


@pytest.mark.parametrize("version", ["HTTP/1.0", "HTTP/2", "HTTP/2.0"])
def test_only_http_1_1_is_written(version):
    request = CLEAN_404.replace("GET /missing HTTP/1.1", f"GET /missing {version}")
    assert any(version in f.message for f in example_findings(404, request))
    response = CLEAN_404.replace("HTTP/1.1 404", f"{version} 404")
    assert any(version in f.message for f in example_findings(404, response))


def test_505_may_show_the_version_it_refuses():
    text = "GET / HTTP/2.0\nHost: example.com\n\nHTTP/1.1 505 HTTP Version Not Supported\nContent-Length: 0"
    assert example_findings(505, text, retry="modify") == []


def test_nginx_codes_that_send_nothing_are_a_request_alone():
    request = "GET /wp-login.php HTTP/1.1\nHost: example.com"
    nginx = {"lifecycle": "unofficial", "vendor": "nginx"}
    assert example_findings(444, request, **nginx) == []
    assert (
        len(example_findings(444, request + "\n\nHTTP/1.1 444 No Response\nContent-Length: 0", **nginx)) == 1
    )
    assert len(example_findings(499, request + "\n\n（客户端断开了连接）", **nginx)) == 1


def test_nginx_codes_sent_as_400():
    text = exchange("GET / HTTP/1.1\nHost: example.com", "HTTP/1.1 400 Bad Request", "请求头或 Cookie 过大")
    nginx = {"lifecycle": "unofficial", "vendor": "nginx"}
    assert example_findings(494, text, **nginx) == []
    assert (
        len(example_findings(494, text.replace("400 Bad Request", "494 Request Header Too Large"), **nginx))
        == 1
    )


def test_208_lives_inside_a_207():
    body = "<D:status>HTTP/1.1 208 Already Reported</D:status>"
    text = exchange(
        "PROPFIND /c/ HTTP/1.1\nHost: example.com\nDepth: infinity", "HTTP/1.1 207 Multi-Status", body
    )
    assert example_findings(208, text, retry="n/a") == []
    assert len(example_findings(208, text.replace("208 Already", "200 Already"), retry="n/a")) == 1
