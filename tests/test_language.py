"""The Chinese-language checks (statuscodes/language.py): punctuation, glossary terms, editors' to-dos.

Each rule passes a correct text and catches a wrong one, on tiny stand-in
entries (tests/content_entries.py); the glossary in code and in
docs/CONTENT.md must say the same.
"""

import re

import pytest

from statuscodes.language import FORBIDDEN_TERMS, GLOSSARY_FORBIDDEN, TAIWAN_USAGE, forbidden_terms

from .content_entries import entry, findings
from .subprocesses import BASE_DIR

CONTENT_DOC = BASE_DIR / "docs" / "CONTENT.md"


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
    preferred = FORBIDDEN_TERMS[term][0]
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
    assert set(GLOSSARY_FORBIDDEN) == doc_glossary_terms(CONTENT_DOC.read_text(encoding="utf-8"))


def test_code_and_doc_list_the_same_taiwan_usage():
    documented = doc_taiwan_usage(CONTENT_DOC.read_text(encoding="utf-8"))
    assert {term: rule[0] for term, rule in TAIWAN_USAGE.items()} == documented


def test_every_forbidden_term_and_exception_appears_in_the_doc():
    doc = CONTENT_DOC.read_text(encoding="utf-8")
    for term, (preferred, exceptions) in FORBIDDEN_TERMS.items():
        assert term in doc and preferred in doc
        for exception in exceptions:
            assert exception in doc or exception.replace("的", "") in doc, exception


def test_preferred_words_are_never_forbidden():
    for _term, (preferred, _exceptions) in FORBIDDEN_TERMS.items():
        assert forbidden_terms(preferred) == []
