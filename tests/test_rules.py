"""The content rules (statuscodes/rules.py): each rule passes a correct entry and catches a wrong one.

Examples are real HTTP/1.1 snippets, read by h11. Entries are tiny stand-ins
built here, so these tests do not depend on the catalogue's text; only the
last test runs the checker over the committed fixture.
"""

import json
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from statuscodes import rules

from .subprocesses import BASE_DIR, fresh_environment

CONTENT_DOC = BASE_DIR / "docs" / "CONTENT.md"
FIXTURE = BASE_DIR / "fixtures" / "statuscodes.json"


def utf8_length(text):
    return len(text.encode("utf-8"))


def exchange(request_head, response_head, body="", *, request_body=""):
    """An example in the documented format, with Content-Length computed from the text as written."""
    request = request_head
    if request_body:
        request += f"\nContent-Length: {utf8_length(request_body)}\n\n{request_body}"
    response = response_head
    if body:
        response += f"\nContent-Length: {utf8_length(body)}\n\n{body}"
    return f"{request}\n\n{response}"


CLEAN_404 = exchange(
    "GET /missing HTTP/1.1\nHost: example.com",
    "HTTP/1.1 404 Not Found\nContent-Type: text/plain; charset=utf-8",
    "没有找到这个页面。",
)


def entry(code=404, **fields):
    """An entry that passes every rule unless a field is overridden."""
    values = {
        "lifecycle": "standard",
        "vendor": "",
        "cacheability": rules.cacheability_for(code),
        "body_allowed": rules.content_allowed(code),
        "typical_headers": "Content-Type",
        "retry": "no",
        "example": CLEAN_404,
        "name_zh": "未找到",
        "summary": "服务器找不到目标资源的当前表示。",
        "description": "服务器没有找到目标资源的当前表示，或者不愿透露它是否存在。",
        "correction_note": "",
        "source_text": "",
        "aliases": "",
        "misnomers": "",
        "search_terms": "",
        "needs_review": False,
        "review_note": "",
    }
    values.update(fields)
    return rules.entry_from_fields(code, values, values.pop("annotations", []))


def findings(item, field=None):
    found = rules.check_entry(item)
    return [f for f in found if field is None or f.field == field]


def example_findings(code, text, **fields):
    return findings(entry(code, example=text, **fields), "example")


# -- The stand-in itself --------------------------------------------------------


def test_the_clean_entry_has_no_findings():
    assert findings(entry()) == []


def test_finding_prints_as_code_field_message():
    found = findings(entry(name_zh="未找到,页面"))
    assert [str(f) for f in found] == [f"404 name_zh: {found[0].message}"]
    assert "半角" in found[0].message


# -- Cacheability and content ---------------------------------------------------


@pytest.mark.parametrize(
    "code, right",
    [
        (200, rules.HEURISTIC),
        (429, rules.NEVER),
        (100, rules.NEVER),
        (201, rules.EXPLICIT),
        (451, rules.HEURISTIC),
    ],
)
def test_cacheability_must_follow_the_rule(code, right):
    assert findings(entry(code, cacheability=right, example=""), "cacheability") == []
    wrong = next(value for value in (rules.HEURISTIC, rules.EXPLICIT, rules.NEVER) if value != right)
    [finding] = findings(entry(code, cacheability=wrong, example=""), "cacheability")
    assert rules.CACHEABILITY_LABELS[right] in finding.message


def test_unofficial_codes_may_set_their_own_cacheability():
    assert (
        findings(entry(520, lifecycle="unofficial", cacheability=rules.NEVER, example=""), "cacheability")
        == []
    )


def test_the_old_yes_no_cacheable_is_read_too():
    old = entry(200, example="")
    del old.cacheability
    old.cacheable = False
    assert len(findings(old, "cacheability")) == 1
    old.cacheable = True
    assert findings(old, "cacheability") == []


@pytest.mark.parametrize("code", [100, 204, 205, 304])
def test_codes_without_content_must_say_so(code):
    assert findings(entry(code, body_allowed=False, example=""), "body_allowed") == []
    assert len(findings(entry(code, body_allowed=True, example=""), "body_allowed")) == 1


def test_codes_with_content_must_allow_it():
    assert len(findings(entry(200, body_allowed=False, example=""), "body_allowed")) == 1


# -- Header fields in the fact box ----------------------------------------------


@pytest.mark.parametrize("code, header", [(code, rule[0]) for code, rule in rules.REQUIRED_HEADERS.items()])
def test_required_header_fields_are_listed(code, header):
    assert findings(entry(code, typical_headers=f"Date, {header}", example=""), "typical_headers") == []
    [finding] = findings(entry(code, typical_headers="Date", example=""), "typical_headers")
    assert header in finding.message
    assert rules.REQUIRED_HEADERS[code][1] in finding.message


def test_header_names_are_compared_without_case():
    assert findings(entry(405, typical_headers="allow", example=""), "typical_headers") == []


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_is_listed_where_the_spec_names_it(code):
    assert (
        findings(entry(code, typical_headers="Retry-After", retry="later", example=""), "typical_headers")
        == []
    )
    assert len(findings(entry(code, typical_headers="", retry="later", example=""), "typical_headers")) == 1


# -- Retry advice ---------------------------------------------------------------


@pytest.mark.parametrize(
    "code, right, wrong",
    [
        (403, "modify", "no"),  # RFC 9110 §15.5.4: MAY repeat with new or different credentials
        (401, "modify", "yes"),
        (408, "yes", "no"),
        (410, "no", "later"),
        (421, "yes", "modify"),
        (425, "yes", "no"),
        (429, "later", "yes"),
        (503, "later", "no"),
        (100, "n/a", "yes"),
        (301, "n/a", "yes"),
    ],
)
def test_retry_advice_follows_the_spec(code, right, wrong):
    assert findings(entry(code, retry=right, example=""), "retry") == []
    [finding] = findings(entry(code, retry=wrong, example=""), "retry")
    assert rules.RETRY_LABELS[right] in finding.message


def test_413_may_be_modify_or_later():
    for value in ("modify", "later"):
        assert findings(entry(413, retry=value, example=""), "retry") == []


def test_no_retry_rule_where_the_spec_is_silent():
    for value in rules.RETRY_LABELS:
        assert findings(entry(404, retry=value), "retry") == []
        assert findings(entry(520, lifecycle="unofficial", retry=value, example=""), "retry") == []


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


# -- Language -------------------------------------------------------------------


def language(text, field="description", **fields):
    return findings(entry(**{field: text}, **fields), field)


@pytest.mark.parametrize(
    "text",
    [
        "请求已成功,请求所希望的响应头或数据体将随此响应返回。",
        "服务器理解请求:但拒绝执行。",
        "客户端应当重试;或者放弃。",
        "为什么会这样?",
        "不要这样做!",
        "由 WebDAV(RFC 2518)扩展的状态码。",
        "304 响应没有内容 (RFC 9110 §6.4.1)。",
        "RFC 2616 (1999) 已被取代。",
        "见 RFC 9110 §15.5.4, 客户端可以换用不同的凭证。",
        "返回 `200 OK`,然后在 JSON 里放错误码。",
    ],
)
def test_half_width_punctuation_in_chinese_sentences_is_found(text):
    [finding] = language(text)
    assert "半角" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "设置 `Cache-Control: no-cache, no-store` 后，浏览器每次都会重新验证。",
        "详见 https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4，其中写道……",
        "可参考 [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457?x=1,2) 的格式。",
        "英文原因短语“Too Many Connections, Please Wait”并不是 421 的含义。",
        "IANA 注册表中的名称是“(Unused)”。",
        "在 08:00 之后重试，例如 Retry-After: 120。",
        "字段值为 no-cache, no-store 时，缓存每次都要验证。",
        "标题为 Hypertext Transfer Protocol (HTTP/1.1) Semantics 的文档已被取代。",
    ],
)
def test_code_urls_and_english_are_not_flagged(text):
    assert language(text) == []


def test_annotation_code_blocks_and_header_lines_are_not_flagged():
    body = (
        '**排查**：先复现。\n\n```http\nHTTP/1.1 401 Unauthorized\nWWW-Authenticate: Basic realm="后台", charset="UTF-8"\n```\n\n'
        "或者看这行：\n\nContent-Type: text/html; charset=utf-8\n"
    )
    assert findings(entry(annotations=[{"body": body, "seed_key": "demo"}])) == []
    bad = findings(entry(annotations=[{"body": "先复现,再排查。", "seed_key": "demo"}]))
    assert [f.field for f in bad] == ["annotations[demo]"]


def test_unpublished_annotations_are_not_public():
    assert findings(entry(annotations=[{"body": "请审核", "is_published": False}])) == []


@pytest.mark.parametrize(
    "text, term",
    [
        ("响应中的实体由源服务器生成。", "实体"),
        ("请求负载过大时返回 413。", "负载"),
        ("请求缺少有效的凭据。", "凭据"),
        ("需要身份认证。", "认证"),
        ("服务器的程序码出错。", "程序码"),
        ("代理回应了请求。", "回应"),
        ("原始服务器不可用。", "原始服务器"),
        ("请求已转发到源站。", "源站"),
    ],
)
def test_forbidden_terms_are_found(text, term):
    [finding] = language(text)
    assert f"“{term}”" in finding.message
    preferred = rules.FORBIDDEN_TERMS[term][0]
    assert f"“{preferred}”" in finding.message


@pytest.mark.parametrize(
    "text, fields",
    [
        ("ETag 是实体标签，用于条件请求。", {}),
        ("原文的“实体”已改为“内容”。", {}),
        ("检查负载均衡器和服务器的负载。", {}),
        ("不少中文参考资料把 421 说成“连接数过多”。", {}),
        ("Cloudflare 无法连接源站（即源服务器）。", {}),
        ("无法连接源站。", {"vendor": "Cloudflare", "lifecycle": "unofficial"}),
    ],
)
def test_allowed_uses_are_not_flagged(text, fields):
    assert language(text, **fields) == []


def test_names_and_search_terms_may_record_old_words():
    assert findings(entry(aliases="请求实体过大\nRequest Entity Too Large", search_terms="实体太大")) == []
    assert len(findings(entry(aliases="请求实体过大,旧名"), "aliases")) == 1


@pytest.mark.parametrize(
    "field", ["name_zh", "summary", "description", "correction_note", "aliases", "misnomers"]
)
@pytest.mark.parametrize("todo", ["请审核", "请核实", "请编辑修正", "待确认", "TODO", "FIXME"])
def test_editor_todos_in_public_fields_are_found(field, todo):
    fields = {"correction_note": "按 RFC 9110 改写。", field: f"这里写错了，{todo}。"}
    found = findings(entry(**fields), field)
    assert any(todo[:3] in f.message or todo in f.message for f in found)


def test_editor_todos_belong_in_the_review_note():
    assert findings(entry(needs_review=True, review_note="请核实 IANA 注册表中的临时注册是否续期。")) == []


def test_words_containing_todo_letters_are_not_todos():
    assert language("TODOS 和 fixme 都只是字母。") == []


# -- The glossary in code and in docs/CONTENT.md agree ----------------------------


def doc_glossary_terms(text):
    section = text.split("## 术语表", 1)[1]
    terms = set()
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("英文（RFC 9110/9111）", "---"):
            continue
        avoided = re.sub(r"（[^）]*）", "", cells[2])
        terms.update(term.strip() for term in avoided.split("、") if term.strip())
    return terms


def doc_taiwan_usage(text):
    paragraph = text.split("不用台湾用语：", 1)[1].split("\n\n", 1)[0]
    return dict(re.findall(r"(\S+?) → (\S+?)[，。\n]", paragraph + "\n"))


def test_code_and_doc_list_the_same_glossary_terms():
    assert set(rules.GLOSSARY_FORBIDDEN) == doc_glossary_terms(CONTENT_DOC.read_text(encoding="utf-8"))


def test_code_and_doc_list_the_same_taiwan_usage():
    documented = doc_taiwan_usage(CONTENT_DOC.read_text(encoding="utf-8"))
    assert {term: rule[0] for term, rule in rules.TAIWAN_USAGE.items()} == documented


def test_every_forbidden_term_and_exception_appears_in_the_doc():
    doc = CONTENT_DOC.read_text(encoding="utf-8")
    for term, (preferred, exceptions) in rules.FORBIDDEN_TERMS.items():
        assert term in doc and preferred in doc
        for exception in exceptions:
            assert exception in doc or exception.replace("的", "") in doc, exception


def test_preferred_words_are_never_forbidden():
    for _term, (preferred, _exceptions) in rules.FORBIDDEN_TERMS.items():
        assert rules.forbidden_terms(preferred) == []


# -- Provenance -----------------------------------------------------------------


def test_description_must_not_repeat_the_document():
    source = "客户端应当继续发送请求。"
    [finding] = findings(entry(description=source, source_text=source), "description")
    assert "文档原文" in finding.message


def test_a_rewritten_description_needs_a_correction_note():
    rewritten = entry(source_text="请求已成功,请求所希望的响应头将随此响应返回。")
    assert len(findings(rewritten, "correction_note")) == 1
    rewritten.correction_note = "原文按 RFC 2616 描述；RFC 9110 §15.5.5 的说法已更新，标点改为全角。"
    assert findings(rewritten) == []


def test_needs_review_requires_a_review_note():
    assert len(findings(entry(needs_review=True), "review_note")) == 1
    assert findings(entry(needs_review=True, review_note="核对临时注册是否已过期（IANA 注册表）。")) == []


# -- Comparison tables ----------------------------------------------------------


def test_every_comparison_cell_is_checked():
    tables = {
        "401-403": {
            "rows": [["含义", "未认证", "没有权限"], ["重试", "可以换凭证重试", "换用不同的凭证,可以重试"]]
        },
    }
    found = rules.check_tables(tables)
    assert {f.field for f in found} == {"401-403[rows][0][1]", "401-403[rows][1][2]"}
    assert rules.check_tables({"t": [["头字段", "`Retry-After: 120`"]]}) == []


def test_comparison_tables_are_checked_table_by_table(monkeypatch):
    """check_comparisons reads statuscodes.comparisons.COMPARISONS: tables with a key, rows of cells."""
    import types
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Row:
        label: str
        cells: tuple

    @dataclass(frozen=True)
    class Table:
        key: str
        title: str
        codes: tuple
        rows: tuple

    tables = (
        Table(
            "429-503",
            "容易混淆：429 与 503",
            (429, 503),
            (Row("重试", ("按 Retry-After 稍后再试", "稍后再试,可带 Retry-After")),),
        ),
    )
    import statuscodes

    fake = types.SimpleNamespace(COMPARISONS=tables)
    monkeypatch.setitem(sys.modules, "statuscodes.comparisons", fake)
    monkeypatch.setattr(statuscodes, "comparisons", fake, raising=False)
    [finding] = rules.check_comparisons()
    assert (finding.code, finding.field) == ("对比表 429-503", "rows[0].cells[1]")


# -- Fixture records and the command --------------------------------------------


def fixture_records(*entries):
    records = []
    for item in entries:
        fields = {k: v for k, v in vars(item).items() if k not in ("code", "annotations")}
        records.append({"model": "statuscodes.statuscode", "pk": item.code, "fields": fields})
        for annotation in item.annotations:
            records.append(
                {"model": "statuscodes.annotation", "fields": {"status_code": item.code, **annotation}}
            )
    return records


def test_fixture_records_become_entries_with_their_annotations():
    records = fixture_records(
        entry(annotations=[{"body": "先复现,再排查。", "seed_key": "a", "is_published": True}])
    )
    [item] = rules.entries_from_fixture(records)
    assert item.code == 404
    assert [f.field for f in rules.check_entry(item)] == ["annotations[a]"]


def write_fixture(tmp_path, *entries):
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(fixture_records(*entries), ensure_ascii=False), encoding="utf-8")
    return path


def test_command_reports_nothing_on_a_clean_fixture(tmp_path):
    out = StringIO()
    call_command("check_content", str(write_fixture(tmp_path, entry())), stdout=out)
    assert "没有发现问题" in out.getvalue()


def test_command_prints_every_finding_and_fails(tmp_path):
    bad = entry(410, retry="later", example=CLEAN_404, summary="资源已永久删除,请审核。")
    path = write_fixture(tmp_path, entry(), bad)
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("check_content", str(path), stdout=out)
    expected = [str(f) for f in rules.check_entry(rules.entries_from_fixture(fixture_records(bad))[0])]
    assert out.getvalue().splitlines() == expected
    assert {line.split(":")[0] for line in expected} >= {"410 retry", "410 example", "410 summary"}
    assert f"共 {len(expected)} 条" in str(excinfo.value)
    assert excinfo.value.returncode == 1


def test_command_exit_status_in_a_real_process(tmp_path):
    clean, bad = write_fixture(tmp_path, entry()), tmp_path / "bad.json"
    bad.write_text(json.dumps(fixture_records(entry(summary="TODO"))), encoding="utf-8")
    run = [sys.executable, "manage.py", "check_content"]
    env = fresh_environment(DJANGO_DEBUG="1")
    passed = subprocess.run(
        [*run, str(clean)], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    failed = subprocess.run(
        [*run, str(bad)], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert passed.returncode == 0, passed.stderr
    assert failed.returncode == 1
    assert failed.stdout.startswith("404 summary: ")


def test_command_refuses_a_file_that_is_not_a_fixture(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="不是合法的 JSON"):
        call_command("check_content", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="无法读取"):
        call_command("check_content", str(Path(tmp_path, "missing.json")), stdout=StringIO())


@pytest.mark.django_db
def test_command_checks_the_database_with_annotations(make_entry, make_annotation):
    good = make_entry(
        code=404,
        cacheability=rules.HEURISTIC,
        retry="no",
        typical_headers="Content-Type",
        example=CLEAN_404,
        name_zh="未找到",
        summary="服务器找不到目标资源。",
        description="服务器没有找到目标资源的当前表示。",
    )
    make_annotation(good, body="先复现,再排查。", seed_key="checklist")
    make_annotation(good, body="请审核", is_published=False)
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("check_content", "--database", stdout=out)
    assert out.getvalue().splitlines() == [
        line for line in out.getvalue().splitlines() if line.startswith("404 ")
    ]
    assert "404 annotations[checklist]: " in out.getvalue()
    assert "请审核" not in out.getvalue()
    assert "数据库" in str(excinfo.value)


# -- The catalogue itself ---------------------------------------------------------


def test_committed_fixture_has_no_findings():
    """THE CONTENT GATE: every entry of fixtures/statuscodes.json passes every rule.

    This fails until the catalogue's rewrite is finished; it is the test that
    says the content is done. Run ``manage.py check_content`` for the list.
    """
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    found = [str(f) for e in rules.entries_from_fixture(records) for f in rules.check_entry(e)]
    found += [str(f) for f in rules.check_comparisons()]
    assert found == [], f"{len(found)} findings; the first: {found[:5]}"
