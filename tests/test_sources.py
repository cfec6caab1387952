"""The document parser and fixture builder, on inline snippets and on the real document."""

from pathlib import Path

import pytest

from statuscodes.management.commands.build_statuscodes_fixture import read_curation
from statuscodes.sources import (
    SourceError,
    build_records,
    decode_document,
    merge_curation,
    parse_document,
    parse_iana,
    parse_unofficial,
    render_fixture,
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


def _build_minimal(curation):
    return build_records(
        doc(("404", "未找到。")),
        "code\tphrase\treference\n404\tNot Found\tRFC 9110 §15.5.5\n",
        "code\tname\tused_by\n444\tNo Response\tnginx\n",
        curation,
    )


def test_build_records_requires_curation_for_every_document_code():
    with pytest.raises(SourceError) as caught:
        _build_minimal({"codes": {}})

    assert "404" in str(caught.value)


def test_build_records_uses_document_text_and_registry_facts():
    records = _build_minimal(
        {"codes": {"404": {"name_zh": "未找到", "summary": "找不到。", "retry": "no", "related": []}}}
    )

    (record,) = records
    assert record["pk"] == 404
    fields = record["fields"]
    assert fields["description"] == fields["source_text"] == "未找到。"
    assert fields["phrase"] == "Not Found"
    assert fields["source"] == "document"
    assert fields["cacheable"] is True
    assert fields["needs_review"] is False


def test_build_records_flags_codes_the_document_lacks():
    records = _build_minimal(
        {
            "codes": {
                "404": {"name_zh": "未找到", "summary": "找不到。", "retry": "no"},
                "444": {
                    "name_zh": "无响应",
                    "summary": "nginx 直接关闭连接。",
                    "description": "nginx 不发送任何响应就关闭连接。",
                    "retry": "no",
                    "vendor": "nginx",
                },
            }
        }
    )

    fields = records[1]["fields"]
    assert (fields["source"], fields["lifecycle"], fields["vendor"]) == ("vendor", "unofficial", "nginx")
    assert fields["needs_review"] is True
    assert "未收录" in fields["review_note"]


def test_render_fixture_is_deterministic():
    records = [{"pk": 1, "model": "m", "fields": {"b": "乙", "a": "甲"}}]

    assert render_fixture(records) == render_fixture(list(records))
    assert render_fixture(records).endswith("}\n]\n")
    assert '"a": "甲"' in render_fixture(records)


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


def test_real_fixture_flags_every_known_defect():
    curation = merge_curation(read_curation(SOURCE_DIR / "curation"))
    records = build_records(
        DOCUMENT.read_text(encoding="utf-8"),
        (SOURCE_DIR / "iana-status-codes.tsv").read_text(encoding="utf-8"),
        (SOURCE_DIR / "unofficial-status-codes.tsv").read_text(encoding="utf-8"),
        curation,
    )
    entries = {
        record["pk"]: record["fields"] for record in records if record["model"] == "statuscodes.statuscode"
    }

    for code in (421, 422, 423, 425, 426, 306, 102, 203, 510):
        assert entries[code]["needs_review"], code
    assert "超级" in entries[203]["review_note"]
    assert "并没有没满足" in entries[510]["review_note"]
    assert "Misdirected" in entries[421]["phrase"]
    assert entries[421]["description"] != entries[421]["source_text"]
    assert entries[422]["source_duplicate_text"] == entries[421]["source_text"]
    for code in (103, 104, 208, 226, 308, 418, 428, 429, 431, 451, 508, 511):
        assert entries[code]["source"] == "iana"
        assert entries[code]["needs_review"]
        assert entries[code]["source_text"] == ""
    for code in (449, 509, 444, 499, 520, 521, 522, 523, 524):
        assert entries[code]["lifecycle"] == "unofficial"
        assert entries[code]["vendor"]
    assert entries[102]["lifecycle"] == "deprecated"


def test_a_code_curated_in_two_files_names_both():
    with pytest.raises(SourceError, match="404 同时出现在 3xx.toml 和 4xx.toml 中"):
        merge_curation({"4xx.toml": {"codes": {"404": {}}}, "3xx.toml": {"codes": {"404": {}}}})
