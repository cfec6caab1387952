"""Data safety: re-seeding keeps every edit, backups round-trip byte for byte,
racing editors never lose an update, and the schema can be rebuilt under data.

The concurrency and migration tests run in a subprocess on a file database
(SQLite in WAL mode, and PostgreSQL when it is running), because pytest's own
SQLite test database lives in memory, where threads cannot race for real.
"""

import contextlib
import sqlite3
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from statuscodes.forms import StatusCodeAdminForm
from statuscodes.management.commands.seed_statuscodes import CURATED_FIELDS
from statuscodes.models import Annotation, StatusCode

from .scratch import scratch_database, scratch_url
from .subprocesses import run_script

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent

# A new value for every field an editor can touch, with awkward text on purpose.
EDITS = {
    "phrase": "Not Found (edited) ✓",
    "name_zh": "未找到（编辑改过）🙂",
    "summary": "编辑改写的摘要：含 emoji 🫖、全角４０４、零宽\u200b空格。",
    "description": "编辑改写的说明。\r\n\r\n第二段，Windows 换行与 `代码`，还有 **粗体** 和 RTL \u202b标记\u202c。",
    "source": StatusCode.Source.VENDOR,
    "lifecycle": StatusCode.Lifecycle.DEPRECATED,
    "vendor": "某 CDN 厂商",
    "reference": "RFC 9110 §15.5.5（编辑注）",
    "reference_url": "https://example.org/编辑/404?x=1",
    "aliases": "旧名一\n旧名二",
    "misnomers": "误称一\nNot Here",
    "search_terms": "页面没了\n链接失效 🔗",
    "cacheability": StatusCode.Cacheability.NEVER,
    "body_allowed": None,  # flipped below
    "typical_headers": "Retry-After, X-编辑",
    "retry": StatusCode.Retry.LATER,
    "browser_follows": True,
    "example": "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\n没有",
    "related_codes": "410 451",
    "correction_note": "编辑写的更正说明：原文按 RFC 2616 描述。",
    "needs_review": None,  # flipped below
    "review_note": "编辑的审核说明 ✍️",
    "is_published": None,  # flipped below
}


def test_data_safety_edits_cover_every_curated_and_admin_field():
    """The seed's list of curated fields, the admin form and this test agree."""
    admin_fields = set(StatusCodeAdminForm._meta.fields) - {"code"}

    assert set(CURATED_FIELDS) == set(EDITS)
    assert admin_fields <= set(CURATED_FIELDS)


def entry_with_seeded_annotations(count=2):
    """404 when the seed gives it ``count`` annotations, else the first entry the seed gives that many."""
    with_annotations = (
        StatusCode.objects.annotate(seeded=Count("annotations", filter=~Q(annotations__seed_key="")))
        .filter(seeded__gte=count)
        .order_by("code")
    )
    entry = with_annotations.filter(code=404).first() or with_annotations.first()
    assert entry is not None, f"the seed gives no entry {count} annotations to edit and delete"
    return entry


def test_data_safety_reseed_keeps_every_edit(seeded):
    entry = entry_with_seeded_annotations()
    for name, value in EDITS.items():
        setattr(entry, name, (not getattr(entry, name)) if value is None else value)
    entry.full_clean()
    entry._change_reason = "编辑修改全部字段"
    entry.save()
    expected = {name: getattr(entry, name) for name in CURATED_FIELDS}
    edited_annotation, *_, deleted_annotation = Annotation.objects.filter(status_code=entry).order_by("pk")
    published = not edited_annotation.is_published
    edited_annotation.body = "编辑改写的注解 🙂"
    edited_annotation.is_published = published
    edited_annotation.save()
    deleted_annotation.delete()
    added = Annotation.objects.create(status_code=entry, body="编辑新增的注解")
    other_before = {e.code: e.version for e in StatusCode.objects.exclude(code=entry.code)}

    call_command("seed_statuscodes", stdout=StringIO())
    call_command("seed_statuscodes", stdout=StringIO())

    entry.refresh_from_db()
    survived = {name: getattr(entry, name) for name in CURATED_FIELDS}
    assert survived == expected
    assert sum(survived[name] == expected[name] for name in CURATED_FIELDS) == len(CURATED_FIELDS) == 23
    edited_annotation.refresh_from_db()
    assert (edited_annotation.body, edited_annotation.is_published) == ("编辑改写的注解 🙂", published)
    assert not Annotation.objects.filter(status_code=entry, seed_key=deleted_annotation.seed_key).exists()
    assert Annotation.objects.filter(pk=added.pk, body="编辑新增的注解").exists()
    # Untouched entries were not rewritten either.
    assert {e.code: e.version for e in StatusCode.objects.exclude(code=entry.code)} == other_before


def export_bytes(path):
    call_command("export_statuscodes", str(path), stdout=StringIO())
    return path.read_bytes()


def test_data_safety_export_import_round_trip_after_edits_is_byte_identical(seeded, tmp_path):
    entry = StatusCode.objects.get(code=404)
    for name, value in EDITS.items():
        setattr(entry, name, (not getattr(entry, name)) if value is None else value)
    entry.reviewed_at = timezone.now()
    entry._change_reason = "往返测试"
    entry.save()
    Annotation.objects.create(status_code=entry, body="往返注解：\u202eRTL\u202c 🙂 \r\n 第二行")
    first = export_bytes(tmp_path / "first.json")

    # Deleting rows writes history rows of its own, so history goes last.
    for model in (Annotation, StatusCode, Annotation.history.model, StatusCode.history.model):
        model._default_manager.all().delete()
    call_command("import_statuscodes", str(tmp_path / "first.json"), stdout=StringIO())
    second = export_bytes(tmp_path / "second.json")

    assert second == first
    assert len(first) > 10_000


# --- Racing editors ------------------------------------------------------------

RACE_SCRIPT = textwrap.dedent(
    """
    import json, sys, threading
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from statuscodes.models import StaleVersionError, StatusCode

    threads, rounds = int(sys.argv[1]), int(sys.argv[2])
    call_command("migrate", verbosity=0)
    StatusCode.objects.create(
        code=404, phrase="Not Found", name_zh="未找到", summary="s", description="d", source="iana"
    )
    barrier = threading.Barrier(threads)
    lock = threading.Lock()
    outcomes = []
    errors = []

    def editor(number):
        try:
            for round_ in range(rounds):
                # Everyone reads the same version, then everyone saves at once.
                entry = StatusCode.objects.get(pk=404)
                read_version = entry.version
                entry.review_note += f"[{round_}:{number}]"
                barrier.wait()
                try:
                    entry.save()
                    outcome = "won"
                except StaleVersionError:
                    outcome = "conflict"
                with lock:
                    outcomes.append({"round": round_, "editor": number, "read": read_version, "outcome": outcome})
                barrier.wait()
        except Exception as exc:  # reported, so the test fails with the reason
            errors.append(repr(exc))
            barrier.abort()
        finally:
            connections.close_all()

    workers = [threading.Thread(target=editor, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    entry = StatusCode.objects.get(pk=404)
    print(json.dumps({
        "outcomes": outcomes,
        "errors": errors,
        "version": entry.version,
        "review_note": entry.review_note,
        "history": StatusCode.history.filter(code=404).count(),
        "vendor": connections["default"].vendor,
    }))
    """
)
THREADS, ROUNDS = 8, 25


def run_race(env):
    return run_script(RACE_SCRIPT, str(THREADS), str(ROUNDS), **env)


def assert_no_lost_update(report, vendor):
    assert report["errors"] == []
    assert report["vendor"] == vendor
    outcomes = report["outcomes"]
    assert len(outcomes) == THREADS * ROUNDS
    winners = []
    for round_ in range(ROUNDS):
        this_round = [o for o in outcomes if o["round"] == round_]
        assert {o["read"] for o in this_round} == {round_}  # all read the same version
        won = [o for o in this_round if o["outcome"] == "won"]
        assert len(won) == 1, this_round  # exactly one save wins per version
        assert sum(o["outcome"] == "conflict" for o in this_round) == THREADS - 1
        winners.append(won[0])
    # Every accepted save is in the final row, in order; no rejected one is.
    assert report["review_note"] == "".join(f"[{w['round']}:{w['editor']}]" for w in winners)
    assert report["version"] == ROUNDS
    assert report["history"] == ROUNDS + 1  # the creation plus one row per accepted save
    return {"attempts": len(outcomes), "won": len(winners), "conflicts": len(outcomes) - len(winners)}


@pytest.mark.standalone
def test_data_safety_racing_editors_on_sqlite_wal(tmp_path):
    counts = assert_no_lost_update(
        run_race(
            {"SQLITE_PATH": str(tmp_path / "race.sqlite3"), "CACHE_GENERATION_FILE": str(tmp_path / "g")}
        ),
        "sqlite",
    )

    assert counts == {"attempts": 200, "won": 25, "conflicts": 175}
    # The journal mode is stored in the file itself; Python's sqlite3 reads it, no CLI needed.
    with contextlib.closing(sqlite3.connect(tmp_path / "race.sqlite3")) as database:
        assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.fixture
def scratch_postgres():
    with scratch_database("race") as name:
        yield scratch_url(name)


@pytest.mark.standalone
def test_data_safety_racing_editors_on_postgresql(tmp_path, scratch_postgres):
    counts = assert_no_lost_update(
        run_race({"DATABASE_URL": scratch_postgres, "CACHE_GENERATION_FILE": str(tmp_path / "g")}),
        "postgresql",
    )

    assert counts == {"attempts": 200, "won": 25, "conflicts": 175}


# --- Migrations under data ---------------------------------------------------------

MIGRATION_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from io import StringIO
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.loader import MigrationLoader
    from statuscodes.models import StatusCode

    def export():
        out = StringIO()
        call_command("export_statuscodes", "-", stdout=out)
        return out.getvalue()

    call_command("migrate", verbosity=0)
    call_command("seed_statuscodes", verbosity=0)
    entry = StatusCode.objects.get(code=404)
    entry.summary = "迁移前的编辑 🙂"
    entry._change_reason = "迁移测试"
    entry.save()
    before = export()
    report = {"steps": [], "entries": StatusCode.objects.count()}

    # Every statuscodes migration that has a predecessor: step back to it and forward again
    # to the latest. What the older schema has no column for cannot survive the step back,
    # so those fields are left out of the comparison; every other value must.
    loader = MigrationLoader(connection)
    nodes = sorted(key for key in loader.graph.nodes if key[0] == "statuscodes")

    def columns(key):
        state = loader.project_state(key)
        return {
            f"statuscodes.{name}": set(model.fields)
            for (app, name), model in state.models.items() if app == "statuscodes"
        }

    def comparable(text, missing):
        records = json.loads(text)
        for record in records:
            for name in missing.get(record["model"], ()):
                record["fields"].pop(name, None)
        return json.dumps(records, sort_keys=True)

    latest = columns(nodes[-1])
    for node in reversed(nodes):
        parents = [p for p in loader.graph.node_map[node].parents if p[0] == "statuscodes"]
        if not parents:
            continue
        older = columns(parents[0])
        missing = {model: fields - older.get(model, set()) for model, fields in latest.items()}
        call_command("migrate", "statuscodes", parents[0][1], verbosity=0)
        call_command("migrate", "statuscodes", verbosity=0)
        same = comparable(export(), missing) == comparable(before, missing)
        report["steps"].append([parents[0][1], node[1], same])

    # The whole schema down to nothing and back up, with the data carried by a backup.
    call_command("migrate", "statuscodes", "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    with open(sys.argv[1], "w", encoding="utf-8") as handle:
        handle.write(before)
    call_command("import_statuscodes", sys.argv[1], verbosity=0)
    report["rebuilt_identical"] = export() == before
    report["pending"] = bool(MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()))
    print(json.dumps(report))
    """
)


@pytest.mark.standalone
def test_data_safety_migrations_back_and_forth_keep_the_data(tmp_path):
    report = run_script(
        MIGRATION_SCRIPT,
        str(tmp_path / "backup.json"),
        SQLITE_PATH=str(tmp_path / "migrations.sqlite3"),
        CACHE_GENERATION_FILE=str(tmp_path / "g"),
    )

    assert report["entries"] > 50
    migrations = sorted((BASE_DIR / "statuscodes" / "migrations").glob("[0-9][0-9][0-9][0-9]_*.py"))
    # Every migration but the first has a predecessor to step back to.
    assert len(report["steps"]) == len(migrations) - 1 >= 1, report["steps"]
    assert all(identical for _back, _forward, identical in report["steps"]), report["steps"]
    assert report["rebuilt_identical"]
    assert not report["pending"]
