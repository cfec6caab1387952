"""Backups: export the curated state, import it into an empty database, get the same site back."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from statuscodes.models import Annotation, StatusCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def curated(make_entry, make_annotation):
    """A small catalogue with edits, review records, annotations, a deletion and a deleted user."""
    User = get_user_model()
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    gone = User.objects.create_user("gone")
    entry = make_entry(code=404, phrase="Not Found", name_zh="未找到", seed_baseline={"phrase": "Not Found"})
    other = make_entry(code=510, phrase="Not Extended", name_zh="未扩展", needs_review=True)
    entry.description = "编辑改过的说明。"
    entry.reviewed_by, entry._history_user, entry._change_reason = editor, editor, "审核"
    entry.save()
    other.description = "被已删除的用户改过。"
    other._history_user = gone
    other.save()
    gone.delete()
    make_annotation(entry, body="**注解** 一", order=2, author=editor)
    make_annotation(entry, body="注解二", order=1, is_published=False)
    doomed = make_annotation(other, body="被删除的注解")
    doomed._change_reason = "删掉"
    doomed.delete()
    return entry, other


def export(tmp_path, name, *options):
    path = tmp_path / name
    call_command("export_statuscodes", str(path), *options, stdout=StringIO())
    return path


def empty_catalogue():
    """As good as a freshly migrated database, id counters included."""
    Annotation.objects.all().delete()
    StatusCode.objects.all().delete()
    Annotation.history.all().delete()
    StatusCode.history.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [Annotation._meta.db_table])
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)", [Annotation._meta.db_table]
            )


def public_pages(client, codes):
    pages = {}
    for url in ["/", "/4xx/", "/5xx/", *[f"/{code}/" for code in codes]]:
        response = client.get(url)
        pages[url] = (
            response.status_code,
            response.get("ETag"),
            response.get("Last-Modified"),
            response.content,
        )
    return pages


@pytest.mark.parametrize("options", [(), ("--no-history",)])
def test_round_trip_is_byte_identical_and_reproduces_the_public_site(tmp_path, client, curated, options):
    codes = [entry.code for entry in curated]
    first = export(tmp_path, "first.json", *options)
    pages_before = public_pages(client, codes)

    empty_catalogue()
    call_command("import_statuscodes", str(first), stdout=StringIO())
    second = export(tmp_path, "second.json", *options)

    assert second.read_bytes() == first.read_bytes()
    assert public_pages(client, codes) == pages_before


def test_export_is_deterministic_and_has_no_secrets(tmp_path, curated):
    path = export(tmp_path, "backup.json")
    text = path.read_text(encoding="utf-8")
    records = json.loads(text)

    assert export(tmp_path, "again.json").read_text(encoding="utf-8") == text
    assert text.endswith("]\n")
    assert "pbkdf2" not in text and "md5$" not in text and "password" not in text
    users = [record for record in records if record["model"] == "auth.user"]
    assert users == [{"fields": {"username": "editor"}, "model": "auth.user"}]
    models = {record["model"] for record in records}
    assert models == {
        "auth.user",
        "statuscodes.statuscode",
        "statuscodes.annotation",
        "statuscodes.historicalstatuscode",
        "statuscodes.historicalannotation",
    }
    entry = next(
        record for record in records if record["model"] == "statuscodes.statuscode" and record["pk"] == 404
    )
    assert entry["fields"]["reviewed_by"] == ["editor"]
    assert entry["fields"]["seed_baseline"] == {"phrase": "Not Found"}
    deleted = [
        r
        for r in records
        if r["model"] == "statuscodes.historicalannotation" and r["fields"]["history_type"] == "-"
    ]
    assert len(deleted) == 1  # a deleted annotation stays recoverable after a restore


def test_import_keeps_history_recoverable_and_users_named(tmp_path, curated):
    path = export(tmp_path, "backup.json")
    empty_catalogue()
    get_user_model().objects.filter(username="editor").delete()

    out = StringIO()
    call_command("import_statuscodes", str(path), stdout=out)

    assert "占位账号" in out.getvalue()
    placeholder = get_user_model().objects.get(username="editor")
    assert not placeholder.is_active and not placeholder.has_usable_password()
    assert StatusCode.objects.get(pk=404).history.first().history_change_reason == "审核"
    assert Annotation.history.filter(history_type="-").count() == 1


def test_new_annotations_after_import_get_fresh_ids(tmp_path, curated, make_annotation):
    path = export(tmp_path, "backup.json")
    highest = Annotation.history.order_by("-id").first().id
    empty_catalogue()
    call_command("import_statuscodes", str(path), stdout=StringIO())

    added = make_annotation(StatusCode.objects.get(pk=404), body="导入后新增")

    assert added.pk > highest


def test_import_refuses_a_database_that_is_not_empty(tmp_path, curated):
    path = export(tmp_path, "backup.json")
    before = path.read_bytes()

    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("import_statuscodes", str(path), stdout=StringIO())

    assert export(tmp_path, "after.json").read_bytes() == before


def test_import_dry_run_writes_nothing(tmp_path, curated):
    path = export(tmp_path, "backup.json")
    empty_catalogue()

    call_command("import_statuscodes", str(path), "--dry-run", stdout=StringIO())

    assert not StatusCode.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "{}",
        '[{"model": "auth.group", "fields": {"name": "x"}}]',
        '[{"model": "statuscodes.statuscode", "pk": 404, "fields": {"phrase": "x"}}]',
        '[{"model": "statuscodes.annotation", "pk": 1, "fields": {"status_code": 999, "body": "x"}}]',
    ],
)
def test_import_rejects_a_bad_file_without_writing(tmp_path, db, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("import_statuscodes", str(path), stdout=StringIO())

    assert not StatusCode.objects.exists() and not Annotation.objects.exists()


def test_import_of_a_missing_file_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_statuscodes", str(tmp_path / "missing.json"), stdout=StringIO())


def test_export_to_stdout(curated):
    out = StringIO()

    call_command("export_statuscodes", "-", "--no-history", stdout=out)

    assert {record["model"] for record in json.loads(out.getvalue())} >= {"statuscodes.statuscode"}


def test_real_catalogue_round_trip(tmp_path, client, seeded):
    first = export(tmp_path, "first.json")
    codes = list(StatusCode.objects.values_list("code", flat=True))
    pages_before = public_pages(client, codes)

    empty_catalogue()
    call_command("import_statuscodes", str(first), stdout=StringIO())

    assert export(tmp_path, "second.json").read_bytes() == first.read_bytes()
    assert public_pages(client, codes) == pages_before
