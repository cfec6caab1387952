"""Hostile input in the admin's forms: a Chinese validation message, never a 500,
never a partial save.

Every test loads the real change form, keeps every value the browser would send
back (inlines, management form, hidden version), changes only what it attacks,
and posts it. Afterwards the entry, its annotations and its history are
compared with a snapshot taken before the post.
"""

from html.parser import HTMLParser
from http import HTTPStatus
from unittest import mock
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, OperationalError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from statuscodes.models import Annotation, StatusCode

pytestmark = pytest.mark.django_db

with translation.override("zh-hans"):
    # Django's own Chinese wording (its zh-Hans catalogue), so the test follows Django's translators.
    ERROR_NOTE = ngettext("Please correct the error below.", "Please correct the errors below.", 1).rstrip(
        "。"
    )
    NUL_MESSAGE = gettext("Null characters are not allowed.")


class FormScraper(HTMLParser):
    """The values a browser would submit from the form with id ``form_id``."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self.textarea = self.select = None
        self.select_first = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea, self.data[name] = name, ""
        elif tag == "select" and name:
            self.select, self.select_first = name, None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.data[self.select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            self.data.setdefault(self.select, self.select_first or "")
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def form_data(client, url, form_id):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    scraper = FormScraper(form_id)
    scraper.feed(response.content.decode())
    # Browsers drop the one newline that follows <textarea>.
    return {
        key: value.removeprefix("\n") if isinstance(value, str) else value
        for key, value in scraper.data.items()
    }


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser("chief", password="x")
    client.force_login(user)
    return user


@pytest.fixture
def entry(make_entry, make_annotation):
    entry = make_entry(code=404, phrase="Not Found", name_zh="未找到", summary="原来的摘要。")
    make_annotation(entry, body="原来的注解。")
    return entry


def change_url(entry):
    return reverse("admin:statuscodes_statuscode_change", args=[entry.pk])


def snapshot(code=404):
    entry = StatusCode.objects.filter(code=code).values().first()
    return (
        entry,
        list(Annotation.objects.filter(status_code_id=code).order_by("pk").values("pk", "body", "body_html")),
        StatusCode.history.filter(code=code).count(),
        Annotation.history.count(),
    )


def change_form(client, entry, **changes):
    data = form_data(client, change_url(entry), "statuscode_form")
    data["change_reason"] = "恶意输入测试"
    data["_save"] = "保存"  # the button the editor clicks
    data.update(changes)
    return data


def assert_refused_in_chinese(response, *messages):
    assert response.status_code == HTTPStatus.OK, response.status_code
    page = response.content.decode()
    assert ERROR_NOTE in page
    for message in messages:
        assert message in page
    assert "Ensure this value" not in page and "This field" not in page


@pytest.mark.parametrize("code", ["99", "600", "0", "-1", "abc", "4O4", "1e3", "99999999999", " ", "404.5"])
def test_admin_hostile_add_out_of_range_code_is_refused(client, superuser, code):
    response = client.post(reverse("admin:statuscodes_statuscode_add"), add_form(client, code))

    assert_refused_in_chinese(response)
    assert not StatusCode.objects.exists()


def test_admin_hostile_add_full_width_code_is_read_as_the_number_it_shows(client, superuser):
    """Full-width digits typed with a Chinese IME are read as the number they show."""
    response = client.post(reverse("admin:statuscodes_statuscode_add"), add_form(client, "４０４"))

    assert response.status_code == HTTPStatus.FOUND
    assert list(StatusCode.objects.values_list("code", "phrase")) == [(404, "Bad")]


def add_form(client, code):
    data = form_data(client, reverse("admin:statuscodes_statuscode_add"), "statuscode_form")
    data.update(
        code=code,
        phrase="Bad",
        name_zh="坏",
        summary="摘要",
        description="说明",
        source="iana",
        lifecycle="standard",
        retry="n/a",
        change_reason="新增",
        _save="保存",
    )
    return data


@pytest.mark.parametrize(
    ("field", "size", "message"),
    [("phrase", 101, "100"), ("name_zh", 41, "40"), ("summary", 161, "160"), ("change_reason", 201, "200")],
)
def test_admin_hostile_oversized_text_is_refused(client, superuser, entry, field, size, message):
    before = snapshot()

    response = client.post(change_url(entry), change_form(client, entry, **{field: "长" * size}))

    assert_refused_in_chinese(response, message)
    assert snapshot() == before


def test_admin_hostile_request_over_the_upload_limit_is_400_not_500(client, superuser, entry, settings):
    before = snapshot()
    huge = "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2)

    response = client.post(change_url(entry), change_form(client, entry, description=huge))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "请求" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "field", ["phrase", "name_zh", "summary", "description", "review_note", "change_reason"]
)
def test_admin_hostile_nul_character_is_a_validation_error(client, superuser, entry, field):
    before = snapshot()

    response = client.post(change_url(entry), change_form(client, entry, **{field: "前\x00后"}))

    assert_refused_in_chinese(response, NUL_MESSAGE)
    assert snapshot() == before


def test_admin_hostile_nul_in_annotation_inline_is_a_validation_error(client, superuser, entry):
    data = change_form(client, entry)
    body_field = next(name for name in data if name.startswith("annotations-0-") and name.endswith("-body"))
    before = snapshot()

    response = client.post(change_url(entry), {**data, body_field: "注解\x00"})

    assert_refused_in_chinese(response, NUL_MESSAGE)
    assert snapshot() == before


@pytest.mark.parametrize(
    "text",
    [
        "emoji 🫖🙂👩‍💻 and flags 🇨🇳",
        "RTL override \u202e404\u202c and isolate \u2067x\u2069",
        "zero width \u200b\u200d joiners and BOM \ufeff",
        "combining e\u0301\u0301\u0301 and full-width ４０４",
        "Windows\r\nline\r\nends",
        "<script>alert(1)</script>",
    ],
)
def test_admin_hostile_unicode_edge_cases_are_saved_exactly(client, superuser, entry, text):
    history_before = StatusCode.history.filter(code=404).count()

    response = client.post(change_url(entry), change_form(client, entry, description=text, review_note=text))

    assert response.status_code == HTTPStatus.FOUND
    after = StatusCode.objects.get(code=404)
    assert after.description == text
    assert after.review_note == text
    assert StatusCode.history.filter(code=404).count() == history_before + 1


def invalid_utf8_post(client, entry, description):
    """The form as a browser sends it, with a summary that is not UTF-8 at all (and a CESU-8 surrogate)."""
    data = change_form(client, entry)
    body = "&".join(
        f"{quote(key)}={quote(value)}" for key, value in data.items() if key not in ("summary", "description")
    )
    body += f"&summary=%ED%A0%80%FF%FE&description={description}"
    return client.generic("POST", change_url(entry), body, content_type="application/x-www-form-urlencoded")


def test_admin_hostile_invalid_utf8_is_saved_as_replacement_characters(client, superuser, entry):
    """Django decodes a form body that is not UTF-8 with U+FFFD for every bad byte, and the save goes on."""
    response = invalid_utf8_post(client, entry, "%C0%AF")

    assert response.status_code == HTTPStatus.FOUND
    after = StatusCode.objects.get(code=404)
    assert after.summary == bytes.fromhex("eda080fffe").decode("utf-8", "replace") == "\ufffd" * 5
    assert after.description == "\ufffd" * 2


def test_admin_hostile_invalid_utf8_with_a_nul_is_refused(client, superuser, entry):
    before = snapshot()

    response = invalid_utf8_post(client, entry, "%C0%AF%00")

    assert_refused_in_chinese(response, NUL_MESSAGE)
    assert snapshot() == before


@pytest.mark.parametrize(
    "markdown",
    [
        "[unclosed](",
        "![img](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        ">" * 2000 + " deep",
        "*" * 5000,
        "```\n" * 500,
        "| a |\n|---|\n" + "| x |\n" * 2000,
        "[a]: <javascript:alert(1)>\n[a]",
        "<<<<>>>>" * 200,
    ],
)
def test_admin_hostile_malformed_markdown_is_saved_and_sanitised(client, superuser, entry, markdown):
    data = change_form(client, entry)
    body_field = next(name for name in data if name.startswith("annotations-0-") and name.endswith("-body"))

    response = client.post(change_url(entry), {**data, body_field: markdown})

    assert response.status_code == HTTPStatus.FOUND
    annotation = Annotation.objects.get(status_code=entry)
    assert annotation.body == markdown.strip()  # form fields drop surrounding whitespace
    assert annotation.body_html
    assert dangerous_markup(annotation.body_html) == []


class MarkupInspector(HTMLParser):
    """Elements and attributes in stored HTML that a browser would act on."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "style", "svg", "form"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.found.append(f"{tag}[{name}={value}]")


def dangerous_markup(html):
    inspector = MarkupInspector()
    inspector.feed(html)
    return inspector.found


def test_admin_hostile_stale_version_is_refused_and_keeps_the_other_edit(client, superuser, entry):
    data = change_form(client, entry, summary="我的修改。")
    other = StatusCode.objects.get(code=404)
    other.summary = "另一位编辑先保存的修改。"
    other.save()
    before = snapshot()

    response = client.post(change_url(entry), data, follow=True)

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "保存冲突" in page
    assert "我的修改。" in page  # the editor's text is still in the form
    assert snapshot() == before
    assert StatusCode.objects.get(code=404).summary == "另一位编辑先保存的修改。"


def test_admin_hostile_forged_version_is_refused(client, superuser, entry):
    before = snapshot()
    for forged in ("-1", "abc", "99999999999999999999", "1.5", ""):
        response = client.post(
            change_url(entry), change_form(client, entry, loaded_version=forged, summary="伪造")
        )
        assert response.status_code == HTTPStatus.OK
        assert snapshot() == before


# --- A save that fails half-way ------------------------------------------------------


def new_annotation_form(client, entry, body):
    data = change_form(client, entry, summary="这次保存会失败。")
    prefix = "annotations"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-body"] = body
    data[f"{prefix}-{total}-kind"] = "note"
    data[f"{prefix}-{total}-order"] = "99"
    data[f"{prefix}-{total}-is_published"] = "on"
    return data


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (OperationalError("database or disk is full"), HTTPStatus.SERVICE_UNAVAILABLE),
        (IntegrityError("UNIQUE constraint failed"), HTTPStatus.CONFLICT),
        (DatabaseError("value too long"), HTTPStatus.BAD_REQUEST),
    ],
)
def test_admin_hostile_write_failing_mid_save_rolls_everything_back(client, superuser, entry, error, status):
    data = new_annotation_form(client, entry, "新注解")
    before = snapshot()
    real_save = Annotation.save

    def failing_save(self, *args, **kwargs):
        if self.pk is None:
            raise error  # the entry itself has already been written in this transaction
        return real_save(self, *args, **kwargs)

    with mock.patch.object(Annotation, "save", failing_save):
        response = client.post(change_url(entry), data)

    assert response.status_code == status
    page = response.content.decode()
    assert "保存失败，没有写入任何内容" in page
    assert "后退" in page
    assert "Traceback" not in page
    assert snapshot() == before


def test_admin_hostile_the_same_form_saves_once_the_fault_is_gone(client, superuser, entry):
    data = new_annotation_form(client, entry, "新注解")

    response = client.post(change_url(entry), data)

    assert response.status_code == HTTPStatus.FOUND
    assert StatusCode.objects.get(code=404).summary == "这次保存会失败。"
    assert Annotation.objects.filter(status_code=entry, body="新注解").exists()
