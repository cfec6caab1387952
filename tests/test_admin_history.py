"""History, revert and recovering deleted annotations in the admin."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from statuscodes.models import Annotation, StatusCode

from .admin_forms import form_data

pytestmark = pytest.mark.django_db


def edit(entry, user, reason, **fields):
    entry = StatusCode.objects.get(pk=entry.pk)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry._change_reason = reason
    entry._history_user = user
    entry.save()
    return entry


def history_url(entry):
    return reverse("admin:statuscodes_statuscode_history", args=[entry.pk])


def revert_url(entry, record):
    return reverse("admin:statuscodes_statuscode_simple_history", args=[entry.pk, record.history_id])


def revert_post_data(client, url):
    """The revert form as the page renders it, ready to submit."""
    html = client.get(url).content.decode()
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        data[name] = value
    for name, value in re.findall(r'<input type="(?:text|number|url)" name="([^"]+)" value="([^"]*)"', html):
        data[name] = value
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>\n?([^<]*)</textarea>', html):
        data[name] = value
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)" selected', options)
        if selected:
            data[name] = selected.group(1)
    for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*checked', html):
        data[name] = "on"
    data["_save"] = "恢复"
    return {
        name: value.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")
        for name, value in data.items()
    }


def test_history_lists_who_when_why_and_a_field_diff(editor_client, editor, make_entry):
    entry = make_entry(description="并没有没满足")
    edit(entry, editor, "修正错别字", description="没有被满足")

    response = editor_client.get(history_url(entry))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "修正错别字" in html
    assert ">editor<" in html or "editor</a>" in html
    assert "说明:" in html or "说明：" in html
    assert "并没有没满足" in html and "没有被满足" in html


def test_revert_restores_an_earlier_version_bumps_the_version_and_records_why(
    editor_client, editor, make_entry
):
    entry = make_entry(description="并没有没满足")
    original = entry.history.get()
    edited = edit(entry, editor, "修正错别字", description="没有被满足", seed_baseline={"description": "x"})
    url = revert_url(entry, original)

    page = editor_client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "恢复到 " in page.content.decode()
    data = revert_post_data(editor_client, url)
    assert data["loaded_version"] == str(edited.version)
    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    assert entry.description == "并没有没满足"
    assert entry.version == edited.version + 1
    assert entry.seed_baseline == {"description": "x"}  # history never stored it; the revert keeps it
    latest = entry.history.first()
    assert latest.history_change_reason.startswith("恢复到 ")
    assert latest.history_user == editor


def test_revert_after_someone_else_saved_is_a_conflict_not_an_overwrite(editor_client, editor, make_entry):
    entry = make_entry(description="第一版")
    original = entry.history.get()
    edit(entry, editor, "第二版", description="第二版")
    url = revert_url(entry, original)
    data = revert_post_data(editor_client, url)
    edit(entry, editor, "第三版", description="第三版")

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "保存冲突" in response.content.decode()
    entry.refresh_from_db()
    assert entry.description == "第三版"


def test_public_page_follows_a_revert(editor_client, editor, client, make_entry):
    entry = make_entry(description="原来的文字")
    original = entry.history.get()
    edit(entry, editor, "改", description="改过的文字")
    assert "改过的文字" in client.get(entry.get_absolute_url()).content.decode()

    url = revert_url(entry, original)
    editor_client.post(url, revert_post_data(editor_client, url))

    assert "原来的文字" in client.get(entry.get_absolute_url()).content.decode()


def test_annotation_history_and_revert(editor_client, editor, make_entry, make_annotation):
    entry = make_entry()
    note = make_annotation(entry, body="第一版注解")
    first = note.history.get()
    note.body = "第二版注解"
    note._change_reason = "改注解"
    note.save()
    url = reverse("admin:statuscodes_annotation_simple_history", args=[note.pk, first.history_id])

    assert (
        editor_client.get(reverse("admin:statuscodes_annotation_history", args=[note.pk])).status_code == 200
    )
    data = revert_post_data(editor_client, url)
    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    note.refresh_from_db()
    assert note.body == "第一版注解"
    assert note.body_html == "<p>第一版注解</p>\n"
    assert note.history.first().history_change_reason.startswith("恢复到 ")


def test_deleted_annotation_is_listed_and_can_be_restored(
    editor_client, editor, client, make_entry, make_annotation
):
    entry = make_entry()
    note = make_annotation(entry, body="会被删掉再恢复的注解")
    note_id = note.pk
    delete_url = reverse("admin:statuscodes_annotation_delete", args=[note_id])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not Annotation.objects.filter(pk=note_id).exists()
    assert "会被删掉再恢复的注解" not in client.get(entry.get_absolute_url()).content.decode()

    deleted_url = reverse("admin:statuscodes_annotation_deleted")
    listing = editor_client.get(deleted_url, {"code": entry.pk})
    assert listing.status_code == HTTPStatus.OK
    assert "会被删掉再恢复的注解" in listing.content.decode()
    record = Annotation.history.get(id=note_id, history_type="-")
    response = editor_client.post(deleted_url, {"history_id": record.history_id})

    assert response.status_code == HTTPStatus.FOUND
    restored = Annotation.objects.get(pk=note_id)
    assert restored.body == "会被删掉再恢复的注解"
    assert restored.history.first().history_change_reason == "恢复已删除的注解"
    assert "会被删掉再恢复的注解" in client.get(entry.get_absolute_url()).content.decode()
    assert "会被删掉再恢复的注解" not in editor_client.get(deleted_url).content.decode()
    # Restoring twice is refused politely.
    again = editor_client.post(deleted_url, {"history_id": record.history_id}, follow=True)
    assert "已经恢复过了" in again.content.decode()


def test_annotation_deleted_inline_is_recoverable_too(editor_client, make_entry, make_annotation):
    entry = make_entry()
    note = make_annotation(entry, body="行内删除")
    data = form_data(entry, change_reason="删掉一条注解")
    data["annotations-0-DELETE"] = "on"
    assert (
        editor_client.post(reverse("admin:statuscodes_statuscode_change", args=[entry.pk]), data).status_code
        == 302
    )

    record = Annotation.history.get(id=note.pk, history_type="-")
    assert record.history_change_reason == "删掉一条注解"
    editor_client.post(reverse("admin:statuscodes_annotation_deleted"), {"history_id": record.history_id})
    assert Annotation.objects.filter(pk=note.pk).exists()


@pytest.mark.parametrize("history_id", ["", "abc", "999999", "-1"])
def test_restoring_an_unknown_deletion_is_a_message_not_an_error(editor_client, history_id):
    response = editor_client.post(
        reverse("admin:statuscodes_annotation_deleted"), {"history_id": history_id}, follow=True
    )

    assert response.status_code == HTTPStatus.OK
    assert "找不到这条已删除的注解" in response.content.decode()
