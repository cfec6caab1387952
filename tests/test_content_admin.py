"""The content check in the admin, as an editor sees it: findings when the form opens, warnings after saving."""

from html import unescape
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.urls import reverse

from statuscodes import content_check, rules
from statuscodes.models import StatusCode

pytestmark = pytest.mark.django_db

EXAMPLE = (
    "GET /missing HTTP/1.1\nHost: example.com\n\n"
    "HTTP/1.1 404 Not Found\nContent-Type: text/plain; charset=utf-8\nContent-Length: 27\n\n没有找到这个页面。"
)


class FormFields(HTMLParser):
    """What a browser would submit from the change form, unchanged."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self._in_form = False
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "statuscode_form":
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if self._select not in self.data or "selected" in attrs:
                self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def submitted(html):
    parser = FormFields()
    parser.feed(html)
    data = parser.data
    for name, value in data.items():
        # Browsers drop the newline Django puts right after <textarea>.
        data[name] = unescape(value)
        if name in ("description", "example", "aliases", "review_note") or name.endswith("-body"):
            data[name] = data[name].removeprefix("\r\n").removeprefix("\n")
    return data


@pytest.fixture
def entry_404(make_entry):
    return make_entry(
        code=404,
        phrase="Not Found",
        name_zh="未找到",
        summary="服务器找不到目标资源,请审核。",
        description="服务器没有找到目标资源的当前表示。",
        cacheability=rules.HEURISTIC,
        retry=StatusCode.Retry.NO,
        typical_headers="Content-Type",
        example=EXAMPLE,
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_the_example_used_here_is_clean():
    entry = content_check.entry_from_fields(404, {"example": EXAMPLE, "lifecycle": "standard"})
    assert content_check.check_entry(entry) == []


def test_opening_the_form_shows_the_stored_entrys_findings(editor_client, entry_404):
    response = editor_client.get(reverse("admin:statuscodes_statuscode_change", args=[404]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    expected = content_check.check_entry(StatusCode.objects.get(pk=404))
    assert len(expected) == 2  # the half-width comma and the editor's to-do in the summary
    assert f"本条目目前有 {len(expected)} 处与内容规范不符" in html
    text = unescape(html)
    for finding in expected:
        assert f'<li class="warning">一句话摘要：{finding.message}</li>' in text


def test_saving_is_allowed_and_warns_with_the_saved_entrys_findings(editor_client, entry_404):
    url = reverse("admin:statuscodes_statuscode_change", args=[404])
    data = submitted(editor_client.get(url).content.decode())
    data.update(
        {
            "summary": "服务器找不到目标资源。",
            "description": "响应中的实体由源服务器生成。",
            "change_reason": "改写摘要",
            "_continue": "1",
        }
    )
    response = editor_client.post(url, data, follow=True)
    assert response.status_code == HTTPStatus.OK
    saved = StatusCode.objects.get(pk=404)
    assert saved.description == "响应中的实体由源服务器生成。"  # the editor may still save
    found = content_check.check_entry(saved)
    assert [f.field for f in found] == ["description"]
    shown = messages_of(response)
    assert "已保存，但内容检查发现 1 处与内容规范不符，请逐条处理：" in shown
    assert f"说明：{found[0].message}" in shown
    # The reopened form lists the same finding for the stored entry.
    assert "本条目目前有 1 处与内容规范不符" in response.content.decode()


def test_a_clean_entry_gets_no_warnings(editor_client, entry_404):
    url = reverse("admin:statuscodes_statuscode_change", args=[404])
    data = submitted(editor_client.get(url).content.decode())
    data.update({"summary": "服务器找不到目标资源。", "change_reason": "改正摘要", "_continue": "1"})
    response = editor_client.post(url, data, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert not any("内容检查" in message for message in messages_of(response))
    assert "与内容规范不符" not in response.content.decode()


def test_annotation_findings_are_named_by_their_key(editor_client, entry_404, make_annotation):
    make_annotation(entry_404, body="先复现,再排查。", seed_key="checklist")
    html = unescape(
        editor_client.get(reverse("admin:statuscodes_statuscode_change", args=[404])).content.decode()
    )
    assert "注解（checklist）：中文句子里用了半角标点" in html
