"""The fixture builder: curation joined with the parsed sources, on inline snippets and on the real files."""

from pathlib import Path

import pytest

from statuscodes.curation import build_records, merge_curation, render_fixture
from statuscodes.management.commands.build_statuscodes_fixture import read_curation
from statuscodes.sources import SourceError, parse_document, resolve_document

SOURCE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "source"
DOCUMENT = SOURCE_DIR / "000_a17bc1e90fb26b27.txt"


def doc(*pairs):
    return "".join(f"{code} |\n{text} |\n" for code, text in pairs)


IANA_ROWS = {
    "204": "204\tNo Content\tRFC 9110 §15.3.5\n",
    "404": "404\tNot Found\tRFC 9110 §15.5.5\n",
    "429": "429\tToo Many Requests\tRFC 6585 §4\n",
}


def _build_minimal(curation, document=(("404", "未找到。"),)):
    """The document's 404, plus registry rows for the other codes the test curates."""
    rows = "".join(row for code, row in IANA_ROWS.items() if code == "404" or code in curation["codes"])
    return build_records(
        doc(*document),
        "code\tphrase\treference\n" + rows,
        "code\tname\tused_by\n444\tNo Response\tnginx\n",
        curation,
    )


def _curated(**fields):
    values = {
        "name_zh": "未找到",
        "summary": "找不到。",
        "description": "服务器找不到目标资源。",
        "retry": "no",
    }
    values.update(fields)
    return values


NGINX_444 = {
    "name_zh": "无响应",
    "summary": "nginx 直接关闭连接。",
    "description": "nginx 不发送任何响应就关闭连接。",
    "retry": "no",
    "vendor": "nginx",
}


def test_build_records_requires_curation_for_every_document_code():
    with pytest.raises(SourceError) as caught:
        _build_minimal({"codes": {}})

    assert "404" in str(caught.value)


def test_build_records_requires_a_curated_description_even_where_the_document_has_text():
    curated = _curated()
    del curated["description"]

    with pytest.raises(SourceError, match="状态码 404 缺少“description”"):
        _build_minimal({"codes": {"404": curated}})


def test_build_records_publishes_curated_text_and_keeps_the_document_as_provenance():
    records = _build_minimal(
        {
            "codes": {
                "404": _curated(
                    correction="原文只有一句；公开说明依据 RFC 9110 §15.5.5 补充了含义。",
                    aliases=["找不到"],
                    misnomers=["Page Not Found "],
                    search_terms=["页面不存在", "链接失效"],
                )
            }
        }
    )

    (record,) = records
    assert record["pk"] == 404
    fields = record["fields"]
    assert fields["description"] == "服务器找不到目标资源。"
    assert fields["source_text"] == "未找到。"
    assert fields["correction_note"] == "原文只有一句；公开说明依据 RFC 9110 §15.5.5 补充了含义。"
    assert (fields["aliases"], fields["misnomers"], fields["search_terms"]) == (
        "找不到",
        "Page Not Found",
        "页面不存在\n链接失效",
    )
    assert fields["phrase"] == "Not Found"
    assert fields["source"] == "document"
    assert (fields["needs_review"], fields["review_note"]) == (False, "")
    assert "cacheable" not in fields


@pytest.mark.parametrize(
    ("code", "cacheability", "body_allowed"),
    [(404, "heuristic", True), (204, "heuristic", False), (429, "never", True), (444, "explicit", True)],
)
def test_build_records_derives_cacheability_and_content_from_the_rules(code, cacheability, body_allowed):
    codes = {"404": _curated(), "204": _curated(), "429": _curated(), "444": NGINX_444}

    records = {record["pk"]: record["fields"] for record in _build_minimal({"codes": codes})}

    assert records[code]["cacheability"] == cacheability
    assert records[code]["body_allowed"] is body_allowed


def test_build_records_lets_an_unofficial_code_override_cacheability_and_any_code_body_allowed():
    codes = {"404": _curated(body_allowed=False), "444": {**NGINX_444, "cacheability": "never"}}

    records = {record["pk"]: record["fields"] for record in _build_minimal({"codes": codes})}

    assert records[444]["cacheability"] == "never"
    assert records[404]["body_allowed"] is False


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"cacheability": "never"}, "404 不是非官方状态码"),
        ({"cacheable": True}, "404 使用了已停用的键“cacheable”"),
        ({"desription": "拼错了键名"}, "404 中有未知的键 “desription”"),
        ({"needs_review": "yes"}, "404 的“needs_review”应为 true 或 false"),
        ({"misnomers": "Page Not Found"}, "404 的“misnomers”应为字符串列表"),
        ({"search_terms": ["一\n二"]}, "404 的“search_terms”中每一项都应是非空的单行文字"),
        (
            {"annotations": [{"key": "a", "body": "正文", "knd": "note"}]},
            "404 的第 1 条注解中有未知的键 “knd”",
        ),
    ],
)
def test_build_records_refuses_a_bad_or_unknown_key_naming_code_and_key(fields, message):
    with pytest.raises(SourceError, match=message):
        _build_minimal({"codes": {"404": _curated(**fields)}})


def test_build_records_refuses_an_unknown_cacheability_value():
    with pytest.raises(SourceError, match="444 的 cacheability “sometimes”无效"):
        _build_minimal({"codes": {"404": _curated(), "444": {**NGINX_444, "cacheability": "sometimes"}}})


def test_build_records_notes_codes_the_document_lacks_without_flagging_them():
    records = _build_minimal({"codes": {"404": _curated(), "444": NGINX_444}})

    fields = records[1]["fields"]
    assert (fields["source"], fields["lifecycle"], fields["vendor"]) == ("vendor", "unofficial", "nginx")
    assert fields["needs_review"] is False
    assert "未收录" in fields["review_note"]


def test_build_records_flags_only_an_explicit_needs_review():
    records = _build_minimal(
        {"codes": {"404": _curated(needs_review=True, review_note="核对 IANA 注册表中的到期日。")}}
    )

    fields = records[0]["fields"]
    assert fields["needs_review"] is True
    assert fields["review_note"] == "核对 IANA 注册表中的到期日。"


def test_build_records_notes_a_split_entry_for_editors_without_flagging_it():
    document = (("422", "无法处理。(RFC 4918)423 Locked资源被锁定。"),)
    codes = {
        "422": {**_curated(), "name_zh": "无法处理的内容"},
        "423": {**_curated(), "name_zh": "已锁定"},
    }

    records = {
        record["pk"]: record["fields"]
        for record in build_records(
            doc(*document),
            "code\tphrase\treference\n422\tUnprocessable Content\tRFC 9110\n423\tLocked\tRFC 4918\n",
            "code\tname\tused_by\n",
            {"codes": codes},
        )
    }

    assert "拆为独立条目" in records[422]["review_note"]
    assert "拆为独立条目" in records[423]["review_note"]
    assert not records[422]["needs_review"] and not records[423]["needs_review"]


def test_build_records_stores_a_split_so_pages_need_not_work_it_out():
    line = "无法处理。(RFC 4918)423 Locked资源被锁定。"
    codes = {
        "421": {**_curated(), "name_zh": "错误的请求对象"},
        "422": {**_curated(), "name_zh": "无法处理的内容"},
        "423": {**_curated(), "name_zh": "已锁定"},
    }

    records = {
        record["pk"]: record["fields"]
        for record in build_records(
            doc(("421", "对象错误。"), ("422", line)),
            "code\tphrase\treference\n421\tMisdirected Request\tRFC 9110\n"
            "422\tUnprocessable Content\tRFC 9110\n423\tLocked\tRFC 4918\n",
            "code\tname\tused_by\n",
            {"codes": codes},
        )
    }

    host, split = records[422], records[423]
    assert (host["source_split_off"], host["source_split_from"]) == (423, None)
    assert (split["source_split_off"], split["source_split_from"]) == (None, 422)
    assert host["source_item_text"] == line == host["source_text"] + split["source_text"]
    assert split["source_item_text"] == ""
    assert (records[421]["source_split_off"], records[421]["source_split_from"]) == (None, None)
    assert records[421]["source_item_text"] == ""


def test_render_fixture_is_deterministic():
    records = [{"pk": 1, "model": "m", "fields": {"b": "乙", "a": "甲"}}]

    assert render_fixture(records) == render_fixture(list(records))
    assert render_fixture(records).endswith("}\n]\n")
    assert '"a": "甲"' in render_fixture(records)


def test_real_fixture_keeps_provenance_and_flags_only_what_editors_flag():
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

    # The document's words stay verbatim as provenance, whatever the public text says.
    for code, entry in resolve_document(parse_document(DOCUMENT.read_text(encoding="utf-8"))).items():
        assert entries[code]["source_text"] == entry.text
    assert "超级" in entries[203]["source_text"] and "超级" not in entries[203]["description"]
    assert "Misdirected" in entries[421]["phrase"]
    assert entries[421]["description"] != entries[421]["source_text"]
    assert entries[422]["source_duplicate_text"] == entries[421]["source_text"]
    assert "出现了两次" in entries[422]["review_note"]
    assert "拆为独立条目" in entries[423]["review_note"]
    # Only an explicit needs_review flags an entry.
    flagged = {code for code, fields in entries.items() if fields["needs_review"]}
    assert flagged == {int(code) for code, data in curation["codes"].items() if data.get("needs_review")}
    assert not any("公开说明已由编辑改写" in fields["review_note"] for fields in entries.values())
    for code in (103, 104, 208, 226, 308, 418, 428, 429, 431, 451, 508, 511):
        assert entries[code]["source"] == "iana"
        assert entries[code]["source_text"] == ""
    for code in (449, 509, 444, 499, 520, 521, 522, 523, 524):
        assert entries[code]["lifecycle"] == "unofficial"
        assert entries[code]["vendor"]
    assert entries[102]["lifecycle"] == "deprecated"


def test_a_code_curated_in_two_files_names_both():
    with pytest.raises(SourceError, match="404 同时出现在 3xx.toml 和 4xx.toml 中"):
        merge_curation({"4xx.toml": {"codes": {"404": {}}}, "3xx.toml": {"codes": {"404": {}}}})
