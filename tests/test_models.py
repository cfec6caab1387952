"""Model rules: the optimistic version check, history, and sanitized annotation HTML."""

import threading

import pytest
from django.db import connection, transaction

from statuscodes.models import Annotation, StaleVersionError, StatusCode

from .markup import unsafe_markup
from .subprocesses import run_script

pytestmark = pytest.mark.django_db


def test_save_bumps_the_version(make_entry):
    entry = make_entry()
    assert entry.version == 0

    entry.summary = "改过"
    entry.save()

    assert entry.version == 1
    assert StatusCode.objects.get(pk=entry.pk).version == 1


def test_second_of_two_stale_copies_raises_and_writes_nothing(make_entry):
    entry = make_entry(description="原文")
    first = StatusCode.objects.get(pk=entry.pk)
    second = StatusCode.objects.get(pk=entry.pk)

    first.description = "甲"
    first.save()
    second.description = "乙"
    with pytest.raises(StaleVersionError):
        second.save()

    stored = StatusCode.objects.get(pk=entry.pk)
    assert (stored.description, stored.version) == ("甲", 1)
    assert stored.history.count() == 2  # created + 甲, nothing for 乙


def test_stale_save_inside_an_outer_transaction_leaves_it_usable(make_entry):
    entry = make_entry()
    stale = StatusCode.objects.get(pk=entry.pk)
    StatusCode.objects.get(pk=entry.pk).save()

    with transaction.atomic():
        with pytest.raises(StaleVersionError):
            stale.save()
        assert StatusCode.objects.filter(pk=entry.pk).exists()


def test_history_records_reason_and_every_field(make_entry):
    entry = make_entry(description="旧")
    entry.description = "新"
    entry._change_reason = "修正"
    entry.save()

    latest, previous = entry.history.all()[:2]
    delta = latest.diff_against(previous)

    assert latest.history_change_reason == "修正"
    # Only editable fields are diffed: the history page shows what editors changed.
    assert {change.field for change in delta.changes} == {"description"}


def test_annotation_deletion_is_kept_in_history(make_entry, make_annotation):
    note = make_annotation(make_entry(), body="会被删除")
    note_id = note.pk

    note.delete()

    record = Annotation.history.get(id=note_id, history_type="-")
    assert record.body == "会被删除"


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        '<svg onload="alert(1)">',
        "<iframe src=//example.com></iframe>",
        '<p style="color:red">x</p>',
        "<a href='javascript:alert(1)'>x",
        "<<script>script>alert(1)<</script>/script>",
    ],
)
def test_annotation_body_html_is_sanitized_when_saved(make_entry, make_annotation, payload):
    note = make_annotation(make_entry(), body=payload)

    assert unsafe_markup(Annotation.objects.get(pk=note.pk).body_html) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_threads_let_exactly_one_win(make_entry):
    """Two threads, each with its own database connection, save copies read at the same version."""
    if connection.vendor == "sqlite":
        pytest.skip("the shared in-memory test database locks whole tables; see the file SQLite test below")
    entry = make_entry(description="原文")
    copies = [StatusCode.objects.get(pk=entry.pk) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def save(copy, text):
        try:
            copy.description = text
            barrier.wait(timeout=10)
            copy.save()
            outcomes.append(("saved", text))
        except StaleVersionError:
            outcomes.append(("stale", text))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(copy, text))
        for copy, text in zip(copies, ["甲", "乙"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(kind for kind, _text in outcomes) == ["saved", "stale"]
    winner = next(text for kind, text in outcomes if kind == "saved")
    stored = StatusCode.objects.get(pk=entry.pk)
    assert (stored.description, stored.version) == (winner, 1)


FILE_SQLITE_RACE = """
import json, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from statuscodes.models import StaleVersionError, StatusCode

call_command("migrate", verbosity=0)
StatusCode.objects.create(code=299, phrase="Race", name_zh="竞争", summary="s", description="原文", source="iana")
copies = [StatusCode.objects.get(pk=299) for _ in range(2)]
barrier = threading.Barrier(2)
outcomes = []

def save(copy, text):
    try:
        copy.description = text
        barrier.wait(timeout=10)
        copy.save()
        outcomes.append(["saved", text])
    except StaleVersionError:
        outcomes.append(["stale", text])
    finally:
        connection.close()

threads = [threading.Thread(target=save, args=(c, t)) for c, t in zip(copies, ["甲", "乙"])]
for t in threads: t.start()
for t in threads: t.join(timeout=30)
stored = StatusCode.objects.get(pk=299)
print(json.dumps({"outcomes": outcomes, "description": stored.description, "version": stored.version}))
"""


@pytest.mark.standalone
def test_concurrent_saves_on_a_file_sqlite_database(tmp_path):
    """The production SQLite settings (WAL, IMMEDIATE transactions) with two real threads."""
    report = run_script(
        FILE_SQLITE_RACE,
        timeout=120,
        SQLITE_PATH=str(tmp_path / "race.sqlite3"),
        CACHE_GENERATION_FILE=str(tmp_path / "generation"),
    )
    assert sorted(kind for kind, _text in report["outcomes"]) == ["saved", "stale"]
    winner = next(text for kind, text in report["outcomes"] if kind == "saved")
    assert (report["description"], report["version"]) == (winner, 1)
