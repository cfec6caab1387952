"""The open dataset (JSON), its documentation page, the sitemap and robots.txt."""

import json
import re
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.urls import reverse

from statuscodes.models import StatusCode

pytestmark = pytest.mark.django_db

ENTRY_FIELDS = {
    "code", "phrase", "name_zh", "summary", "description", "class", "class_name", "lifecycle",
    "lifecycle_label", "vendor", "reference", "reference_url", "aliases", "misnomers", "search_terms",
    "cacheability", "cacheability_label", "body_allowed", "typical_headers", "retry", "retry_label",
    "browser_follows", "related_codes", "example", "source", "source_text", "source_duplicate_text",
    "source_line", "correction_note", "reviewed_at", "updated_at", "url",
}  # fmt: skip


@pytest.fixture
def entries(make_entry, make_annotation):
    ok = make_entry(
        code=200,
        phrase="OK",
        name_zh="成功",
        typical_headers="Content-Type, ETag",
        cacheability=StatusCode.Cacheability.HEURISTIC,
        search_terms="请求成功\n 接口正常 ",
    )
    gone = make_entry(
        code=410,
        phrase="Gone",
        name_zh="已删除",
        related_codes="404",
        reference="RFC 9110 §15.5.11",
        reference_url="https://www.rfc-editor.org/rfc/rfc9110#section-15.5.11",
        aliases="Gone Forever",
        misnomers="Page Removed",
        source_text="文档原文。",
        correction_note="原文按 RFC 2616 描述。",
        needs_review=True,
        review_note="请核实：编辑的待办，不属于公开数据。",
    )
    make_entry(code=404, phrase="Not Found", name_zh="未找到")
    make_entry(
        code=420, phrase="Enhance Your Calm", lifecycle=StatusCode.Lifecycle.UNOFFICIAL, vendor="Twitter"
    )
    make_entry(code=599, phrase="Draft", is_published=False)
    make_annotation(gone, body="**永久**删除。")
    make_annotation(gone, body="草稿注解", is_published=False)
    return {"ok": ok, "gone": gone}


def test_api_list_serves_the_whole_published_dataset(client, entries):
    response = client.get(reverse("statuscodes:api_list"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert set(data) == {"version", "last_modified", "count", "documentation", "codes"}
    assert [item["code"] for item in data["codes"]] == [200, 404, 410, 420]
    assert data["count"] == 4
    assert data["documentation"] == "http://testserver/api/"
    for item in data["codes"]:
        assert set(item) == ENTRY_FIELDS


def test_api_list_record_values(client, entries):
    records = {item["code"]: item for item in client.get("/api/codes/").json()["codes"]}
    gone = records[410]
    assert gone["phrase"] == "Gone" and gone["name_zh"] == "已删除"
    assert gone["class"] == "4xx" and gone["class_name"] == "客户端错误"
    assert gone["related_codes"] == [404]
    assert gone["aliases"] == ["Gone Forever"]
    assert gone["reference_url"] == "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.11"
    assert gone["url"] == "http://testserver/410/"
    assert records[200]["typical_headers"] == ["Content-Type", "ETag"]
    assert (records[200]["cacheability"], records[200]["cacheability_label"]) == ("heuristic", "可启发式缓存")
    assert (records[404]["cacheability"], records[404]["cacheability_label"]) == (
        "explicit",
        "需明确的新鲜度信息",
    )
    assert records[200]["search_terms"] == ["请求成功", "接口正常"]
    assert records[200]["body_allowed"] is True
    assert gone["misnomers"] == ["Page Removed"]
    assert gone["correction_note"] == "原文按 RFC 2616 描述。"
    assert records[420]["lifecycle"] == "unofficial" and records[420]["vendor"] == "Twitter"
    assert records[420]["lifecycle_label"] == "非官方"


def test_api_never_publishes_editors_working_notes(client, entries):
    for path in ("/api/codes/", "/api/codes/410/"):
        body = client.get(path).content.decode()
        assert "请核实" not in body and "review_note" not in body


def test_api_list_keeps_chinese_readable(client, entries):
    assert "已删除".encode() in client.get("/api/codes/").content


def test_api_list_version_and_last_modified_follow_edits(client, entries):
    first = client.get("/api/codes/")
    entry = StatusCode.objects.get(code=200)
    entry.summary = "改过的摘要。"
    entry.save()
    second = client.get("/api/codes/")
    assert second.json()["version"] != first.json()["version"]
    assert second.json()["last_modified"] == entry.updated_at.isoformat()
    assert second["ETag"] != first["ETag"]
    assert "Last-Modified" in second


def test_api_list_download_is_an_attachment(client, entries):
    response = client.get("/api/codes/?download=1")
    assert response["Content-Disposition"] == 'attachment; filename="http-status-codes-zh.json"'
    assert response.json()["count"] == 4
    assert "Content-Disposition" not in client.get("/api/codes/")


def test_api_detail_serves_one_entry_with_published_annotations(client, entries):
    response = client.get(reverse("statuscodes:api_detail", kwargs={"code": 410}))
    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert set(data) == ENTRY_FIELDS | {"annotations", "constants"}
    assert data["annotations"] == [
        {"kind": "note", "kind_label": "说明", "html": "<p><strong>永久</strong>删除。</p>\n"}
    ]


@pytest.mark.parametrize("path", ["/api/codes/599/", "/api/codes/436/", "/api/codes/999/"])
def test_api_detail_missing_code_is_a_json_404(client, entries, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["error"] == "not_found"
    assert "数据集中没有状态码" in data["detail"]


def test_api_detail_zero_padded_code_redirects(client, entries):
    response = client.get("/api/codes/0410/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/api/codes/410/"


def test_api_makes_at_most_two_queries(client, entries, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get("/api/codes/")
    with django_assert_max_num_queries(2):
        client.get("/api/codes/410/")


def test_dataset_page_documents_every_field_and_links_the_download(client, entries):
    response = client.get(reverse("statuscodes:dataset"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for field in ENTRY_FIELDS | {
        "annotations",
        "constants",
        "version",
        "last_modified",
        "count",
        "documentation",
        "codes",
    }:
        assert f"<code>{field}</code>" in html, field
    for retired in ("cacheable", "review_note"):
        assert f"<code>{retired}</code>" not in html
    assert 'href="/api/codes/?download=1" download="http-status-codes-zh.json"' in html
    assert "Access-Control-Allow-Origin: *" in html
    assert "全部 4 个状态码" in html


def test_dataset_json_is_valid_utf8_json(client, entries):
    json.loads(client.get("/api/codes/").content.decode("utf-8"))


# Sitemap and robots.txt

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_every_published_page_with_lastmod(client, entries, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("statuscodes:sitemap"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    urls = {url.find("s:loc", SITEMAP_NS).text: url.find("s:lastmod", SITEMAP_NS) for url in root}
    base = "http://testserver"
    expected = {f"{base}/", f"{base}/2xx/", f"{base}/4xx/", f"{base}/api/"} | {
        f"{base}/{code}/" for code in (200, 404, 410, 420)
    }
    assert set(urls) == expected
    assert all(
        lastmod is not None and re.fullmatch(r"\d{4}-\d\d-\d\d", lastmod.text) for lastmod in urls.values()
    )
    assert f"{base}/599/" not in urls
    assert "Last-Modified" in response and "ETag" in response


def test_sitemap_uses_site_url_when_configured(client, entries, settings):
    settings.SITE_URL = "https://status.example.com"
    root = ET.fromstring(client.get("/sitemap.xml").content)
    assert root.find("s:url/s:loc", SITEMAP_NS).text == "https://status.example.com/"


def test_sitemap_bad_page_number_is_a_404(client, entries):
    assert client.get("/sitemap.xml?p=x").status_code == HTTPStatus.NOT_FOUND


def test_robots_txt_allows_crawling_and_links_the_sitemap(client, entries):
    response = client.get(reverse("statuscodes:robots"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
