"""无结果的搜索 in the admin: the list, adding a phrase to an entry in one step, dismissing, bad input."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from statuscodes import search_log
from statuscodes.models import StatusCode, ZeroResultSearch

pytestmark = pytest.mark.django_db

LIST = reverse("admin:statuscodes_zeroresultsearch_changelist")
SEARCH = reverse("statuscodes:search")
DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def entry(make_entry):
    return make_entry(
        code=401, phrase="Unauthorized", name_zh="未授权", description="需要身份验证。", search_terms="未登录"
    )


def logged(query, count=1, dismissed=False):
    return ZeroResultSearch.objects.create(
        query=query, count=count, first_seen=DAY, last_seen=DAY, dismissed=dismissed
    )


def hit_codes(client, q):
    html = client.get(SEARCH, {"q": q}).content.decode()
    listed = html.split('class="code-list search-results"', 1)
    return [] if len(listed) == 1 else [int(code) for code in re.findall(r'code-num c\d">(\d+)<', listed[1])]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_editor_sees_the_most_frequent_queries_not_dismissed(editor_client, entry):
    logged("少见的词", count=2)
    logged("常见的词", count=9)
    logged("忽略过的词", count=50, dismissed=True)
    response = editor_client.get(LIST)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "无结果的搜索" in html
    assert html.index("常见的词") < html.index("少见的词")
    assert "忽略过的词" not in html
    assert '<option value="401">401 未授权</option>' in html


def test_adding_a_phrase_goes_through_the_entry_save_and_the_search_finds_it_at_once(
    client, editor_client, editor, entry
):
    search_log.record("二维码打不开")
    assert hit_codes(client, "二维码打不开") == []  # also stores the zero-result page in the page cache
    search_log.flush(today=DAY)
    row = ZeroResultSearch.objects.get(query="二维码打不开")
    version = entry.version

    response = editor_client.post(
        LIST, {"row": row.pk, "action": "add", "code": "401", "phrase": "二维码打不开"}
    )

    assert response.status_code == HTTPStatus.FOUND and response["Location"] == LIST
    entry.refresh_from_db()
    assert entry.search_term_list == ["未登录", "二维码打不开"]
    assert entry.version == version + 1
    latest = entry.history.newest_first().first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "从无结果的搜索加入常见说法“二维码打不开”"
    assert not ZeroResultSearch.objects.filter(pk=row.pk).exists()
    assert any("已把“二维码打不开”加入 401 未授权 的常见说法" in text for text in messages_of(response))
    assert hit_codes(client, "二维码打不开") == [401]


def test_the_editor_may_change_the_phrase_before_adding_it(editor_client, entry):
    row = logged("token过期了吗")
    editor_client.post(LIST, {"row": row.pk, "action": "add", "code": "401", "phrase": " token 过期 "})
    entry.refresh_from_db()
    assert entry.search_term_list == ["未登录", "token 过期"]


def test_dismissing_hides_the_query_and_keeps_it_dismissed(editor_client, entry):
    row = logged("随便什么")
    response = editor_client.post(LIST, {"row": row.pk, "action": "dismiss"})
    assert response.status_code == HTTPStatus.FOUND
    row.refresh_from_db()
    assert row.dismissed
    assert 'data-query="随便什么"' not in editor_client.get(LIST).content.decode()
    search_log.record("随便什么")
    search_log.flush(today=DAY)
    row.refresh_from_db()
    assert row.dismissed and row.count == 2


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"row": "999999", "action": "add", "code": "401", "phrase": "x"}, "找不到这条搜索记录"),
        ({"row": "abc", "action": "dismiss"}, "找不到这条搜索记录"),
        ({"action": "add"}, "找不到这条搜索记录"),
        ({"row": "ROW", "action": "delete"}, "无法识别的操作"),
        ({"row": "ROW", "action": "add", "code": "abc", "phrase": "登录"}, "状态码要填三位数字"),
        ({"row": "ROW", "action": "add", "code": "999", "phrase": "登录"}, "状态码要在 100 到 599 之间"),
        ({"row": "ROW", "action": "add", "code": "", "phrase": "登录"}, "请填写要加入的状态码"),
        ({"row": "ROW", "action": "add", "code": "299", "phrase": "登录"}, "没有状态码 299 的条目"),
        ({"row": "ROW", "action": "add", "code": "401", "phrase": "   "}, "请填写要加入的说法"),
        ({"row": "ROW", "action": "add", "code": "401", "phrase": "长" * 61}, "不能超过 60 个字符"),
        ({"row": "ROW", "action": "add", "code": "401", "phrase": "未登录"}, "已经是 401 的常见说法"),
        ({"row": "ROW", "action": "add", "code": "401", "phrase": "登录\u202e过期"}, "改变文字方向"),
        ({"row": "ROW", "action": "add", "code": "401", "phrase": "登录,过期"}, "半角"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(editor_client, entry, post, message):
    row = logged("登录过期了")
    data = {key: (str(row.pk) if value == "ROW" else value) for key, value in post.items()}
    version = entry.version
    response = editor_client.post(LIST, data)
    assert response.status_code == HTTPStatus.FOUND
    texts = messages_of(response)
    assert any(message in text for text in texts), texts
    entry.refresh_from_db()
    assert entry.version == version and entry.search_term_list == ["未登录"]
    assert ZeroResultSearch.objects.filter(pk=row.pk, dismissed=False).exists()


def test_only_the_list_exists_no_row_can_be_edited_added_or_deleted(editor_client, entry):
    row = logged("某个词")
    base = f"/{settings.ADMIN_PATH}/statuscodes/zeroresultsearch"
    for url in (f"{base}/{row.pk}/change/", f"{base}/add/", f"{base}/{row.pk}/delete/"):
        assert editor_client.get(url).status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FOUND), url
    assert ZeroResultSearch.objects.filter(pk=row.pk).exists()


def test_without_the_permissions_nothing_is_shown_or_changed(db, entry):
    staff = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    client = Client()
    client.force_login(staff)
    row = logged("某个词")
    assert client.get(LIST).status_code == HTTPStatus.FORBIDDEN
    assert client.post(LIST, {"row": row.pk, "action": "dismiss"}).status_code == HTTPStatus.FORBIDDEN
    anonymous = Client().get(LIST)
    assert anonymous.status_code == HTTPStatus.FOUND and "login" in anonymous["Location"]
    row.refresh_from_db()
    assert not row.dismissed


def test_a_viewer_who_may_not_change_entries_cannot_add_a_phrase(db, entry):
    from django.contrib.auth.models import Permission

    viewer = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_zeroresultsearch"))
    client = Client()
    client.force_login(viewer)
    row = logged("某个词")
    html = client.get(LIST).content.decode()
    assert "某个词" in html and "zero-result-add" not in html and "zero-result-dismiss" not in html
    response = client.post(LIST, {"row": row.pk, "action": "add", "code": "401", "phrase": "某个词"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert StatusCode.objects.get(pk=401).search_term_list == ["未登录"]
