"""The real catalogue on the public pages: every document item, the tricky entries, the registry.

These tests seed the committed fixture (fixtures/statuscodes.json) exactly as
`make run` does, then read the pages a reader would.
"""

import json
import os
import re
import shutil
import subprocess
from html import unescape
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from statuscodes import errors
from statuscodes.models import StatusCode
from statuscodes.sources import parse_document, parse_iana

from .plugins import missing_tool

pytestmark = pytest.mark.django_db

SOURCE_DIR = settings.BASE_DIR / "fixtures" / "source"


def page_text(response):
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", html))


def document_items():
    (document,) = SOURCE_DIR.glob("000_*.txt")
    return parse_document(document.read_text(encoding="utf-8"))


def test_every_document_item_is_on_its_codes_page_with_its_text_intact(client, seeded_once):
    items = document_items()
    assert len(items) > 50
    pages = {}
    for item in items:
        if item.code not in pages:
            response = client.get(f"/{item.code}/")
            assert response.status_code == HTTPStatus.OK, item.code
            pages[item.code] = page_text(response)
        assert item.text in pages[item.code], f"第 {item.line} 行 {item.code} 的原文不在页面上"


def test_423_has_its_own_page(client, seeded_once):
    response = client.get("/423/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert re.search(r"<h1>.*423.*Locked.*</h1>", html, re.S)
    text = page_text(response)
    assert "423 Locked当前资源被锁定。(RFC 4918 WebDAV)" in text
    assert "附在 422 的文字末尾" in text


def test_422_shows_the_duplicated_copy_and_the_whole_original_item(client, seeded_once):
    text = page_text(client.get("/422/"))
    assert "文档中重复出现的文字（未采用）" in text
    assert "从当前客户端所在的IP地址到服务器的连接数超过了服务器许可的最大范围。" in text
    assert "文档原样" in text
    assert "无法响应。(RFC 4918 WebDAV)423 Locked当前资源被锁定。" in text


def test_421_explains_misdirected_request_and_keeps_the_old_text_as_provenance(client, seeded_once):
    response = client.get("/421/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert re.search(r"<h1>.*421.*Misdirected Request.*</h1>", html, re.S)
    description = html.split('id="description"')[1].split("</section>")[0]
    assert "连接" in description and "服务器" in description
    assert "连接数超过了服务器许可的最大范围" not in description
    provenance = page_text(client.get("/421/")).split("出处与审核")[1]
    assert "文档原文" in provenance
    assert "从当前客户端所在的IP地址到服务器的连接数超过了服务器许可的最大范围。" in provenance
    assert "编辑说明" not in provenance


EDITORS_TODOS = ("请审核", "请核实", "请编辑修正", "待确认", "TODO")


def test_no_public_page_shows_an_editors_note_and_every_fact_box_answers_cacheability(client, seeded_once):
    for entry in StatusCode.objects.published():
        text = "".join(page_text(client.get(f"/{entry.code}/")).split())
        assert not [todo for todo in EDITORS_TODOS if todo in text], entry.code
        if entry.review_note.strip():
            assert "".join(entry.review_note.split()) not in text, entry.code
        assert "可缓存性" + "".join(str(entry.cacheability_explanation).split()) in text, entry.code
        if entry.code < 200:
            assert "不得存储：1xx不是最终响应" in text, entry.code


def test_every_published_code_page_renders_within_the_query_budget(
    client, seeded_once, django_assert_max_num_queries
):
    codes = list(StatusCode.objects.published().values_list("code", flat=True))
    assert len(codes) >= 60
    for code in codes:
        with django_assert_max_num_queries(2):
            response = client.get(f"/{code}/")
        assert response.status_code == HTTPStatus.OK, code


def test_dataset_matches_the_iana_registry(client, seeded_once):
    registry = parse_iana((SOURCE_DIR / "iana-status-codes.tsv").read_text(encoding="utf-8"))
    records = {item["code"]: item for item in client.get("/api/codes/").json()["codes"]}
    for code, row in registry.items():
        assert code in records, code
        assert records[code]["phrase"] == row.phrase, code
        assert records[code]["lifecycle"] == row.lifecycle or records[code]["lifecycle"] == "deprecated", code
        assert records[code]["reference"] == row.reference, code
    unofficial = [item for item in records.values() if item["lifecycle"] == "unofficial"]
    assert unofficial and all(item["vendor"] for item in unofficial)
    assert not {item["code"] for item in unofficial} & set(registry)


def test_browse_page_lists_every_published_code_in_two_queries(
    client, seeded_once, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = client.get("/")
    links = re.findall(r'class="code-row__link" href="/(\d+)/"', response.content.decode())
    assert sorted(map(int, links)) == sorted(StatusCode.objects.published().values_list("code", flat=True))


def test_only_unofficial_filter_shows_vendors(client, seeded_once):
    text = page_text(client.get("/?lifecycle=unofficial"))
    for entry in StatusCode.objects.published().unofficial():
        assert f"{entry.code}" in text and entry.vendor in text


# HTML validity: the Nu Html Checker over every page type of the real catalogue.


def vnu_jar():
    """vnu.jar from $VNU_JAR, where .ci/run installs it, or a node_modules/vnu-jar install."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "statuscodes-vnu"
    candidates = [os.environ.get("VNU_JAR", "")]
    candidates += [
        str(base / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
        for base in (cache, settings.BASE_DIR, Path.home(), Path("/usr/local/lib"), Path("/usr/lib"))
    ]
    return next((path for path in candidates if path and Path(path).is_file()), None)


def nu_check(pages, tmp_path):
    """Nu Html Checker's findings for {label: html bytes}: every message that is not plain info.

    Besides "error", Nu reports "non-document-error" when it cannot read or parse a file
    at all; those count too, so a page the checker never saw cannot pass as clean.
    """
    jar = vnu_jar()
    if jar is None or shutil.which("java") is None:
        missing_tool(
            "Nu Html Checker not available: set VNU_JAR to vnu.jar (npm package vnu-jar) and install Java"
        )
    by_file = {}
    for number, (label, html) in enumerate(pages.items()):
        assert html.strip(), f"{label}: empty page"
        target = tmp_path / f"page-{number:03d}.html"
        target.write_bytes(html)
        by_file[target.as_uri()] = label
    result = subprocess.run(
        [
            "java",
            "-jar",
            jar,
            "--errors-only",
            "--format",
            "json",
            *(str(tmp_path / Path(uri).name) for uri in by_file),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    labelled = {uri.removeprefix("file://"): label for uri, label in by_file.items()}
    return [
        f"{labelled.get(message.get('url', '').removeprefix('file:'), message.get('url'))}: "
        f"{message['type']}: {message.get('message')}"
        for message in messages
        if message["type"] != "info"
    ]


def test_every_page_type_the_error_pages_and_the_admin_change_form_are_valid_html(
    client, editor_client, seeded_once, tmp_path
):
    """Every public page type of the real catalogue, the static error pages (400, 403, CSRF 403,
    404, 405, 500, 503) and the editors' change form, in one run of the checker."""
    paths = ["/", "/1xx/", "/4xx/", "/?lifecycle=unofficial", "/?class=9", "/436/", "/api/", "/no-such-page/"]
    paths += ["/search/", "/search/?q=重定向", "/search/?q=4xx", "/search/?q=没有这个词"]
    paths += [f"/{code}/" for code in StatusCode.objects.published().values_list("code", flat=True)]
    pages = {path: client.get(path).content for path in paths}

    request = RequestFactory().get("/")
    responses = {
        "400": errors.bad_request(request),
        "403": errors.permission_denied(request),
        "403 CSRF": errors.csrf_failure(request),
        "404": client.get("/no-such-page/"),
        "405": client.post("/404/"),
        "500": errors.server_error(request),
        "503": errors.service_unavailable(),
        "admin change form": editor_client.get(reverse("admin:statuscodes_statuscode_change", args=[510])),
    }
    StatusCode.objects.filter(code=404).delete()
    responses["404 without its entry"] = client.get("/no-such-page/")

    statuses = {label: response.status_code for label, response in responses.items()}
    assert statuses == {
        "400": 400, "403": 403, "403 CSRF": 403, "404": 404, "405": 405, "500": 500, "503": 503,
        "admin change form": 200, "404 without its entry": 404,
    }  # fmt: skip
    pages.update((label, response.content) for label, response in responses.items())
    assert nu_check(pages, tmp_path) == []
