"""The editorial admin as editors use it: list, search, filters, change form, review, conflicts."""

import json
import re
from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse

from statuscodes.admin import text_diff_html
from statuscodes.forms import StatusCodeAdminForm
from statuscodes.management.commands.seed_statuscodes import CURATED_FIELDS
from statuscodes.management.commands.seed_statuscodes import FIXTURE as SEED_FIXTURE
from statuscodes.models import Annotation, StatusCode

from .admin_forms import form_data
from .markup import unsafe_markup

pytestmark = pytest.mark.django_db


CHANGELIST = "admin:statuscodes_statuscode_changelist"


def change_url(entry):
    return reverse("admin:statuscodes_statuscode_change", args=[entry.pk])


def changelist_codes(response):
    return [entry.code for entry in response.context["cl"].result_list]


# The index and the change list


def test_admin_index_is_chinese_and_counts_entries_needing_review(editor_client, make_entry):
    make_entry(needs_review=True)
    make_entry(needs_review=True)
    make_entry(needs_review=False)

    response = editor_client.get(reverse("admin:index"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "HTTP 状态码参考 · 编辑后台" in html
    assert 'lang="zh-hans"' in html
    assert "2 个条目待审核" in html
    assert f'href="{reverse(CHANGELIST)}?needs_review__exact=1"' in html


def test_review_queue_link_lists_exactly_the_flagged_entries(editor_client, make_entry):
    flagged = make_entry(needs_review=True)
    make_entry(needs_review=False)

    response = editor_client.get(reverse(CHANGELIST), {"needs_review__exact": "1"})

    assert changelist_codes(response) == [flagged.code]


def test_changelist_shows_the_columns_editors_need(editor_client, editor, make_entry):
    entry = make_entry(code=418, phrase="I'm a teapot", name_zh="我是茶壶", lifecycle="unofficial")
    entry.description = "改过"
    entry._change_reason = "测试"
    entry._history_user = editor
    entry.save()

    response = editor_client.get(reverse(CHANGELIST))

    html = response.content.decode()
    for text in ("418", "我是茶壶", "I&#x27;m a teapot", "4xx 客户端错误", "非官方", "最后编辑", "editor"):
        assert text in html
    assert 'name="form-0-description"' not in html  # no list_editable text fields


def test_changelist_query_count_does_not_grow_with_entries(
    editor_client, editor, make_entry, django_assert_max_num_queries
):
    for _ in range(30):
        entry = make_entry()
        entry._history_user = editor
        entry.summary = "编辑过"
        entry.save()

    with django_assert_max_num_queries(12):
        response = editor_client.get(reverse(CHANGELIST))

    assert len(response.context["cl"].result_list) == 30


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("404", [404]),
        ("4", [404, 410]),
        ("41", [410]),
        ("not", [404]),
        ("NOT FOUND", [404]),
        ("未找到", [404]),
        ("已删除", [410]),
        ("Gone 410", [410]),
        ("404 Gone", []),
    ],
)
def test_search_by_code_or_text(editor_client, make_entry, query, expected):
    make_entry(code=404, phrase="Not Found", name_zh="未找到", description="服务器找不到请求的资源。")
    make_entry(code=410, phrase="Gone", name_zh="已删除", description="资源已被永久删除。")
    make_entry(code=503, phrase="Service Unavailable", name_zh="服务不可用", description="暂时无法处理。")

    response = editor_client.get(reverse(CHANGELIST), {"q": query})

    assert response.status_code == HTTPStatus.OK
    assert changelist_codes(response) == expected


@pytest.mark.parametrize(
    "query",
    [
        "\x00",
        "4\x0004",
        "9" * 40,
        "-1",
        "４０４",
        "%",
        "_",
        "'; DROP TABLE statuscodes_statuscode; --",
        "<script>alert(1)</script>",
        "\\",
        "a" * 5000,
        " ".join(["x"] * 100),
    ],
)
def test_search_never_fails_on_odd_input(editor_client, make_entry, query):
    make_entry(code=404, phrase="Not Found")

    response = editor_client.get(reverse(CHANGELIST), {"q": query})

    assert response.status_code == HTTPStatus.OK
    assert b"<script>alert(1)</script>" not in response.content


def test_search_with_undecodable_bytes_is_not_an_error(editor_client, make_entry):
    make_entry()

    response = editor_client.get(reverse(CHANGELIST) + "?q=%ED%A0%80%FF%00")

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"class": "2"}, [200]),
        ({"class": "4"}, [404, 499]),
        ({"class": "9"}, [200, 404, 499, 503]),
        ({"lifecycle__exact": "unofficial"}, [499]),
        ({"needs_review__exact": "1"}, [503]),
        ({"source__exact": "document"}, [404]),
        ({"is_published__exact": "0"}, [200]),
    ],
)
def test_filters(editor_client, make_entry, params, expected):
    make_entry(code=200, phrase="OK", is_published=False)
    make_entry(code=404, phrase="Not Found", source="document")
    make_entry(code=499, phrase="Client Closed Request", lifecycle="unofficial", source="vendor")
    make_entry(code=503, phrase="Service Unavailable", needs_review=True)

    response = editor_client.get(reverse(CHANGELIST), params)

    assert response.status_code == HTTPStatus.OK
    assert changelist_codes(response) == expected


def test_unknown_filter_value_is_not_an_error(editor_client, make_entry):
    make_entry()

    response = editor_client.get(reverse(CHANGELIST), {"lifecycle__exact": "<bogus>", "o": "999"})

    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)


# The change form


def test_change_form_shows_original_text_beside_description_with_a_diff(editor_client, make_entry):
    entry = make_entry(
        source_text="获取资源所需要的策略并没有没满足。<b>",
        description="获取资源所需要的策略没有被满足。",
    )

    response = editor_client.get(change_url(entry))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'name="code"' not in html  # read-only once the entry exists
    assert 'name="source_text"' not in html
    assert "获取资源所需要的策略并没有没满足。&lt;b&gt;" in html
    assert '<textarea name="description"' in html
    assert '<div class="source-diff" lang="zh-Hans">' in html
    assert "<del>" in html and "<ins>" in html
    assert f'<input type="hidden" name="loaded_version" value="{entry.version}"' in html
    assert 'name="change_reason"' in html
    assert "修改说明" in html
    assert "admin_extra/admin.css" in html
    assert "admin_extra/markdown-preview.js" in html
    assert "在站点上查看" in html  # "view on site"


def test_text_diff_marks_changes_and_escapes_html():
    diff = text_diff_html("并没有没满足<i>", "没有被满足<i>")

    assert "<del>并</del>" in diff
    assert "<ins>被</ins>" in diff
    assert "&lt;i&gt;" in diff
    assert "<i>" not in diff


def test_text_diff_of_long_texts_works_line_by_line():
    old = "\n".join(f"第 {n} 行原文" for n in range(800))
    new = old.replace("第 400 行原文", "第 400 行改过")

    diff = text_diff_html(old, new)

    assert diff.count("<del>") == 1
    assert "<ins>第 400 行改过\n</ins>" in diff


def test_view_on_site_link_leads_to_the_public_page(editor_client, make_entry):
    entry = make_entry()

    response = editor_client.get(change_url(entry))
    link = re.search(r'href="([^"]+)" class="viewsitelink"', response.content.decode()).group(1)
    redirect = editor_client.get(link)

    assert redirect.status_code == HTTPStatus.FOUND
    assert redirect["Location"].endswith(entry.get_absolute_url())


def test_saving_requires_an_edit_summary(editor_client, make_entry):
    entry = make_entry(description="原来的说明。")

    response = editor_client.post(
        change_url(entry), form_data(entry, description="新的说明。", change_reason="")
    )

    assert response.status_code == HTTPStatus.OK
    assert "请填写修改说明。" in response.content.decode()
    entry.refresh_from_db()
    assert entry.description == "原来的说明。"


def test_save_records_summary_and_editor_on_entry_and_annotations(
    editor_client, editor, make_entry, make_annotation
):
    entry = make_entry(description="原来的说明。")
    note = make_annotation(entry, body="旧注解")
    data = form_data(entry, description="新的说明。", change_reason="修正错别字")
    data["annotations-0-body"] = "新注解"

    response = editor_client.post(change_url(entry), data)

    assert response.status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    assert entry.description == "新的说明。"
    assert entry.version == 1
    record = entry.history.first()
    assert (record.history_change_reason, record.history_user) == ("修正错别字", editor)
    note_record = Annotation.history.filter(id=note.pk).first()
    assert (note_record.history_change_reason, note_record.history_user) == ("修正错别字", editor)
    assert note_record.body == "新注解"


def test_inline_annotations_can_be_added_reordered_and_published(
    editor_client, editor, make_entry, make_annotation
):
    entry = make_entry()
    first = make_annotation(entry, body="第一条", order=1)
    second = make_annotation(entry, body="第二条", order=2, is_published=False)
    data = form_data(entry, change_reason="调整注解")
    data.update({"annotations-0-order": 3, "annotations-1-order": 1, "annotations-1-is_published": "on"})
    data.update(
        {
            "annotations-TOTAL_FORMS": 3,
            "annotations-2-status_code": entry.pk,
            "annotations-2-kind": "pitfall",
            "annotations-2-body": "新增的**误区**",
            "annotations-2-order": 2,
            "annotations-2-is_published": "on",
        }
    )

    response = editor_client.post(change_url(entry), data)

    assert response.status_code == HTTPStatus.FOUND
    notes = list(entry.annotations.all())
    assert [note.pk for note in notes[::2]] == [second.pk, first.pk]
    added = notes[1]
    assert (added.body_html, added.author, added.is_published) == (
        "<p>新增的<strong>误区</strong></p>\n",
        editor,
        True,
    )
    assert all(note.is_published for note in notes)


def test_inline_shows_the_sanitized_rendering_of_saved_annotations(
    editor_client, make_entry, make_annotation
):
    entry = make_entry()
    make_annotation(entry, body='**粗体** <script>alert("x")</script> [链接](javascript:alert(1))')

    html = editor_client.get(change_url(entry)).content.decode()

    assert '<div class="markdown-rendered"><p><strong>粗体</strong>' in html
    assert '<script>alert("x")</script>' not in html
    assert 'href="javascript:' not in html


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "[数据](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://example.com"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="javascript:alert(1)">x</a>',
    "<scr<script>ipt>alert(1)</script>",
    '<img src="x" onerror=alert(1)//',
    "![图](javascript:alert(1))",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_in_an_inline_annotation_never_reaches_the_public_page(
    editor_client, client, make_entry, payload
):
    entry = make_entry()
    data = form_data(entry, change_reason="加注解")
    data.update(
        {
            "annotations-TOTAL_FORMS": 1,
            "annotations-0-status_code": entry.pk,
            "annotations-0-kind": "note",
            "annotations-0-body": payload,
            "annotations-0-order": 0,
            "annotations-0-is_published": "on",
        }
    )
    assert editor_client.post(change_url(entry), data).status_code == HTTPStatus.FOUND

    stored = entry.annotations.get().body_html
    page = client.get(entry.get_absolute_url()).content.decode()

    assert unsafe_markup(stored) == []
    notes = page[page.index('<section class="annotations"') :]
    assert unsafe_markup(notes[: notes.index("</section>")]) == []


# Markdown preview endpoint


def test_preview_renders_sanitized_markdown_for_editors(editor_client):
    url = reverse("admin:statuscodes_annotation_preview")

    response = editor_client.post(url, {"body": "**粗** <script>alert(1)</script>"})

    assert response.status_code == HTTPStatus.OK
    html = response.json()["html"]
    assert "<strong>粗</strong>" in html
    assert "<script>" not in html


def test_preview_only_accepts_post_with_a_csrf_token(editor):
    url = reverse("admin:statuscodes_annotation_preview")
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.post(url, {"body": "x"}).status_code == HTTPStatus.FORBIDDEN


def test_preview_is_refused_to_anonymous_and_unprivileged_users(client, db):
    url = reverse("admin:statuscodes_annotation_preview")
    assert client.post(url, {"body": "x"}).status_code == HTTPStatus.FOUND  # to the login page

    staff = get_user_model().objects.create_user("staff", is_staff=True)
    client.force_login(staff)
    assert client.post(url, {"body": "x"}).status_code == HTTPStatus.FORBIDDEN


# No lost updates


def test_second_save_gets_a_chinese_conflict_and_keeps_what_was_typed(
    editor_client, make_entry, make_annotation
):
    entry = make_entry(description="原来的说明。")
    note = make_annotation(entry, body="原注解")
    stale = form_data(entry, description="编辑乙的说明。", change_reason="乙的修改")
    stale["annotations-0-body"] = "编辑乙的注解"
    # Editor A saves first.
    first = StatusCode.objects.get(pk=entry.pk)
    first.description = "编辑甲的说明。"
    first._change_reason = "甲的修改"
    first.save()

    response = editor_client.post(change_url(entry), stale)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "保存冲突" in html
    assert "甲的修改" in html
    assert reverse("admin:statuscodes_statuscode_history", args=[entry.pk]) in html
    assert "编辑乙的说明。</textarea>" in html
    assert "编辑乙的注解</textarea>" in html
    assert "乙的修改" in html
    entry.refresh_from_db()
    note.refresh_from_db()
    assert (entry.description, entry.version, note.body) == ("编辑甲的说明。", 1, "原注解")
    # Having seen the conflict, saving again is a deliberate choice and succeeds.
    assert f'name="loaded_version" value="{entry.version}"' in html
    stale["loaded_version"] = entry.version
    assert editor_client.post(change_url(entry), stale).status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    assert entry.description == "编辑乙的说明。"


def test_losing_the_race_between_clean_and_save_is_a_form_error_not_a_500(
    editor_client, make_entry, make_annotation, monkeypatch
):
    entry = make_entry(description="原来的说明。")
    note = make_annotation(entry, body="原注解")
    original_clean = StatusCodeAdminForm.clean
    raced = []

    def clean_then_someone_saves(form):
        cleaned = original_clean(form)
        if not raced:
            raced.append(True)
            StatusCode.objects.filter(pk=entry.pk).update(version=F("version") + 1)
        return cleaned

    monkeypatch.setattr(StatusCodeAdminForm, "clean", clean_then_someone_saves)
    data = form_data(entry, description="我的说明。")
    data["annotations-0-body"] = "我的注解"

    response = editor_client.post(change_url(entry), data)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "保存冲突" in html
    assert "我的说明。</textarea>" in html
    entry.refresh_from_db()
    note.refresh_from_db()
    assert (entry.description, note.body) == ("原来的说明。", "原注解")
    assert entry.history.count() == 1


def test_tampered_version_is_a_conflict(editor_client, make_entry):
    entry = make_entry()

    for version in ("", "abc", "-1", "99"):
        response = editor_client.post(
            change_url(entry), form_data(entry, description="x", loaded_version=version)
        )
        assert response.status_code == HTTPStatus.OK
    entry.refresh_from_db()
    assert entry.description == "测试说明。"


# Review


def test_unticking_needs_review_records_who_and_when(editor_client, editor, make_entry, client):
    entry = make_entry(needs_review=True)

    response = editor_client.post(
        change_url(entry), form_data(entry, needs_review=None, change_reason="已核对")
    )

    assert response.status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    assert entry.reviewed_by == editor
    assert entry.reviewed_at is not None
    assert not entry.needs_review


def test_saving_without_touching_the_review_flag_keeps_the_review_record(editor_client, make_entry):
    entry = make_entry(needs_review=False)

    response = editor_client.post(change_url(entry), form_data(entry, summary="改摘要"))

    assert response.status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    assert entry.summary == "改摘要"  # the save happened
    assert entry.reviewed_at is None
    assert entry.reviewed_by is None


def test_mark_reviewed_action_from_the_change_list(editor_client, editor, make_entry):
    flagged = [make_entry(needs_review=True), make_entry(needs_review=True)]
    other = make_entry(needs_review=True)

    response = editor_client.post(
        reverse(CHANGELIST),
        {"action": "mark_reviewed", "_selected_action": [entry.pk for entry in flagged]},
    )

    assert response.status_code == HTTPStatus.FOUND
    for entry in flagged:
        entry.refresh_from_db()
        assert (entry.needs_review, entry.reviewed_by) == (False, editor)
        assert entry.history.first().history_change_reason == "标记为已审核"
    other.refresh_from_db()
    assert other.needs_review


def test_mark_reviewed_action_on_the_change_form(editor_client, editor, make_entry):
    entry = make_entry(needs_review=True)
    page = editor_client.get(change_url(entry)).content.decode()
    assert 'name="CHANGE_FORM-action"' in page

    response = editor_client.post(
        change_url(entry),
        {"CHANGE_FORM-action": "mark_reviewed", "_selected_action": entry.pk},
    )

    assert response.status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    assert (entry.needs_review, entry.reviewed_by) == (False, editor)


# Freshness


def test_public_page_shows_an_admin_edit_on_the_next_request(editor_client, client, make_entry):
    entry = make_entry(description="旧的说明文字。")
    before = client.get(entry.get_absolute_url())
    assert "旧的说明文字。" in before.content.decode()
    cached = client.get(entry.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"])
    assert cached.status_code == HTTPStatus.NOT_MODIFIED

    editor_client.post(change_url(entry), form_data(entry, description="新的说明文字。"))

    after = client.get(entry.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == HTTPStatus.OK
    assert "新的说明文字。" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_annotation_edit_in_its_own_admin_changes_the_public_page_and_etag(
    editor_client, client, make_entry, make_annotation
):
    entry = make_entry()
    note = make_annotation(entry, body="旧注解")
    before = client.get(entry.get_absolute_url())

    response = editor_client.post(
        reverse("admin:statuscodes_annotation_change", args=[note.pk]),
        {"kind": note.kind, "body": "新注解", "order": 0, "is_published": "on", "change_reason": "改注解"},
    )

    assert response.status_code == HTTPStatus.FOUND
    after = client.get(entry.get_absolute_url())
    assert "新注解" in after.content.decode()
    assert after["ETag"] != before["ETag"]


# Re-seeding after edits


EDITED_VALUES = {
    "phrase": "Not Extended (edited)",
    "name_zh": "未扩展（编辑）",
    "summary": "编辑改过的摘要。",
    "description": "编辑改过的说明：获取资源所需要的策略没有被满足。",
    "source": "iana",
    "lifecycle": "deprecated",
    "vendor": "编辑填写的厂商",
    "reference": "RFC 2774 §7（编辑）",
    "reference_url": "https://www.rfc-editor.org/rfc/rfc2774",
    "aliases": "编辑别名",
    "misnomers": "编辑误称",
    "search_terms": "编辑说法一\n编辑说法二",
    "cacheability": "never",
    "typical_headers": "X-Edited",
    "retry": "no",
    "browser_follows": True,
    "example": "HTTP/1.1 510 Not Extended\n\n编辑示例",
    "related_codes": "500",
    "correction_note": "编辑写的更正说明。",
    "review_note": "编辑写的审核说明。",
}


def test_reseeding_leaves_every_admin_edit_in_place(editor_client, seeded, tmp_path):
    entry = StatusCode.objects.get(pk=510)
    flipped = {name: not getattr(entry, name) for name in ("body_allowed", "needs_review", "is_published")}
    edited = {**EDITED_VALUES, **flipped}
    data = form_data(entry, change_reason="编辑每一个字段")
    data.update({name: value for name, value in EDITED_VALUES.items() if name != "browser_follows"})
    data["browser_follows"] = "true"
    for name, value in flipped.items():
        if value:
            data[name] = "on"
        else:
            data.pop(name, None)
    assert editor_client.post(change_url(entry), data).status_code == HTTPStatus.FOUND

    # The same fixture again, and one whose every curated value for 510 changed upstream.
    call_command("seed_statuscodes", stdout=StringIO())
    fixture = json.loads(SEED_FIXTURE.read_text(encoding="utf-8"))
    for record in fixture:
        if record["model"] == "statuscodes.statuscode" and record["pk"] == 510:
            for name in CURATED_FIELDS:
                value = record["fields"][name]
                record["fields"][name] = (not value) if isinstance(value, bool) else f"{value} upstream"
            record["fields"]["source"], record["fields"]["lifecycle"] = "document", "obsoleted"
    changed = tmp_path / "statuscodes.json"
    changed.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    call_command("seed_statuscodes", "--fixture", str(changed), stdout=StringIO())

    entry.refresh_from_db()
    assert {name: getattr(entry, name) for name in edited} == edited
    assert set(edited) == set(CURATED_FIELDS)  # the test covers every field an editor can change


def test_editing_510_through_the_admin_search(editor_client, client, seeded):
    found = editor_client.get(reverse(CHANGELIST), {"q": "510"})
    assert changelist_codes(found) == [510]
    entry = StatusCode.objects.get(pk=510)
    form = editor_client.get(change_url(entry)).content.decode()
    assert (
        "获取资源所需要的策略并没有没满足" in form
    )  # the document's words, read-only, beside the description

    before = client.get("/510/")
    editor_client.post(change_url(entry), form_data(entry, summary="编辑改过的一句话摘要。"))
    after = client.get("/510/")

    assert "编辑改过的一句话摘要。" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_change_form_blank_choices_are_in_chinese(editor_client, make_entry):
    entry = make_entry(browser_follows=None)

    page = editor_client.get(change_url(entry)).content.decode()

    assert "- 请选择 -" in page
    assert "Select an option" not in page
