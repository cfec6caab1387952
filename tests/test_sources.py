"""The document and table parsers, on inline snippets and on the real document."""

from pathlib import Path

import pytest

from statuscodes.sources import (
    SourceError,
    decode_document,
    parse_document,
    parse_iana,
    parse_unofficial,
    resolve_document,
)

SOURCE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "source"
DOCUMENT = SOURCE_DIR / "000_a17bc1e90fb26b27.txt"


def doc(*pairs):
    return "".join(f"{code} |\n{text} |\n" for code, text in pairs)


def test_parse_document_keeps_text_verbatim_without_separators():
    items = parse_document(doc(("200", "请求已成功, 见 'Location'。"), ("404", "未找到 | 资源")))

    assert [(item.line, item.code, item.text) for item in items] == [
        (1, 200, "请求已成功, 见 'Location'。"),
        (3, 404, "未找到 | 资源"),
    ]


def test_parse_document_accepts_a_missing_final_newline():
    items = parse_document("200 |\n成功。 |")

    assert items[0].text == "成功。"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("200\n成功。 |\n", 1, "分隔符"),
        ("20x |\n成功。 |\n", 1, "三位数字"),
        ("200 |\n成功。\n", 2, "分隔符"),
        ("200 |\n |\n", 2, "空的"),
        ("200 |\n成功。 |\n404 |\n", 3, "缺少说明行"),
        ("999 |\n成功。 |\n", 1, "100–599"),
        ("200 |\n成\x00功。 |\n", 2, "NUL"),
    ],
)
def test_parse_document_names_the_line_of_each_defect(text, line, fragment):
    with pytest.raises(SourceError) as caught:
        parse_document(text)

    assert caught.value.line == line
    assert f"第 {line} 行" in str(caught.value)
    assert fragment in str(caught.value)


def test_decode_document_names_the_line_of_a_bad_byte():
    data = "200 |\n成功。 |\n404 |\n".encode() + "未找到 |\n".encode("gbk")

    with pytest.raises(SourceError) as caught:
        decode_document(data)

    assert caught.value.line == 4


def test_duplicate_that_copies_another_code_is_kept_aside():
    entries = resolve_document(
        parse_document(doc(("421", "连接数过多。"), ("422", "连接数过多。"), ("422", "语义错误。")))
    )

    assert entries[422].text == "语义错误。"
    assert [item.text for item in entries[422].duplicates] == ["连接数过多。"]
    assert entries[422].duplicate_of == {3: 421}


def test_duplicate_without_an_original_to_explain_it_is_an_error():
    with pytest.raises(SourceError) as caught:
        resolve_document(parse_document(doc(("404", "未找到。"), ("404", "找不到。"))))

    assert caught.value.line == 3
    assert "重复" in str(caught.value)


def test_entry_glued_to_another_text_is_split_without_losing_a_character():
    original = "语义错误。(RFC 4918 WebDAV)423 Locked当前资源被锁定。(RFC 4918 WebDAV)"

    entries = resolve_document(parse_document(doc(("422", original))))

    assert entries[422].text == "语义错误。(RFC 4918 WebDAV)"
    assert entries[423].text == "423 Locked当前资源被锁定。(RFC 4918 WebDAV)"
    assert entries[422].text + entries[423].text == original
    assert entries[423].split_from.code == 422


def test_quoted_codes_inside_a_text_are_not_split():
    text = "应当返回'202 Accepted'。在返回200 OK的情况下才是合适的。"

    entries = resolve_document(parse_document(doc(("201", text))))

    assert list(entries) == [201]
    assert entries[201].text == text


def test_parse_iana_derives_lifecycle_and_section_links():
    registry = parse_iana(
        "code\tphrase\treference\n"
        "404\tNot Found\tRFC 9110 §15.5.5\n"
        "423\tLocked\tRFC 4918 (§11.3)\n"
        "306\t(Unused)\tRFC 9110 §15.4.7\n"
        "510\tNot Extended (OBSOLETED)\tRFC 2774 (§7); status-change-http-experiments-to-historic\n"
    )

    assert registry[404].reference_url == "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5"
    assert registry[423].reference == "RFC 4918 §11.3"
    assert registry[306].lifecycle == "unused"
    assert (registry[510].phrase, registry[510].lifecycle) == ("Not Extended", "obsoleted")


def test_parse_tables_name_the_line_of_a_malformed_row():
    with pytest.raises(SourceError) as caught:
        parse_unofficial("code\tname\tused_by\n444\tNo Response\tnginx\n499\tbroken row\n")

    assert caught.value.line == 3


# The real document ---------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    text = decode_document(DOCUMENT.read_bytes())
    items = parse_document(text)
    return text, items, resolve_document(items)


def test_real_document_has_54_items_with_verbatim_texts(real):
    text, items, _ = real

    assert len(items) == 54
    for item in items:
        assert f"{item.code} |\n{item.text} |" in text


def test_real_document_422_duplicate_and_423_split(real):
    _, items, entries = real
    originals = [item for item in items if item.code == 422]

    assert len(originals) == 2
    assert originals[0].text == entries[421].text
    assert entries[422].duplicates == [originals[0]]
    assert entries[422].text.endswith("(RFC 4918 WebDAV)")
    assert entries[423].text.startswith("423 Locked当前资源被锁定")
    assert entries[422].text + entries[423].text == originals[1].text
