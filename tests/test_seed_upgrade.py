"""An existing database gets the corrected catalogue, and keeps its editors' work.

A database seeded from the fixture as it was before the curated rewrite
(tests/data/statuscodes-2d842e5.json, the fixture of commit 2d842e5) goes the
real way an operator's would: schema at 0002, rows written with that time's
seed baseline, one editor's changes, ``migrate``, then ``seed_statuscodes``.
Every field no editor touched must then hold the current fixture's value; the
edited fields must survive and be named in the report.

It runs in a subprocess on a file SQLite database, because stepping the schema
back to 0002 cannot happen inside the test run's own database.
"""

import json
import textwrap
from pathlib import Path

import pytest

from statuscodes.models import CURATED_FIELDS

from .subprocesses import run_script

# Its own SQLite file whatever the run uses: CI runs it once, in the SQLite step.
pytestmark = pytest.mark.standalone

BASE_DIR = Path(__file__).resolve().parent.parent
OLD_FIXTURE = BASE_DIR / "tests" / "data" / "statuscodes-2d842e5.json"
CURRENT_FIXTURE = BASE_DIR / "fixtures" / "statuscodes.json"

# What an editor changed in the old database: (code, old field, value).
EDITS = [
    (404, "summary", "编辑改写的摘要：这一条不该被种子数据覆盖。"),
    (200, "cacheable", False),
]
EDITED = {(404, "summary"), (200, "cacheability")}

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from io import StringIO
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    old_fixture, edits = sys.argv[1], json.loads(sys.argv[2])
    # The seed's curated fields at the time of the old fixture, i.e. its baseline.
    OLD_CURATED_FIELDS = (
        "phrase", "name_zh", "summary", "description", "source", "lifecycle", "vendor", "reference",
        "reference_url", "aliases", "cacheable", "body_allowed", "typical_headers", "retry",
        "browser_follows", "related_codes", "example", "needs_review", "review_note", "is_published",
    )
    OLD = ("statuscodes", "0002_one_line_fields_refuse_bidi_controls")

    call_command("migrate", "statuscodes", OLD[1], verbosity=0)
    old_apps = MigrationExecutor(connection).loader.project_state(OLD).apps
    StatusCode = old_apps.get_model("statuscodes", "StatusCode")
    Annotation = old_apps.get_model("statuscodes", "Annotation")
    with open(old_fixture, encoding="utf-8") as handle:
        records = json.load(handle)
    # As the seed of that time wrote them: every field, and the baseline it recorded.
    for record in records:
        fields = record["fields"]
        if record["model"] == "statuscodes.statuscode":
            StatusCode.objects.create(
                code=record["pk"], seed_baseline={name: fields[name] for name in OLD_CURATED_FIELDS}, **fields
            )
    for record in records:
        if record["model"] == "statuscodes.annotation":
            fields = dict(record["fields"])
            Annotation.objects.create(status_code_id=fields.pop("status_code"), **fields)
    # An editor changes a value; the baseline keeps what the seed wrote.
    for code, name, value in edits:
        entry = StatusCode.objects.get(code=code)
        setattr(entry, name, value)
        entry.version += 1
        entry.save()

    call_command("migrate", verbosity=0)
    out = StringIO()
    call_command("seed_statuscodes", verbosity=1, stdout=out)
    from statuscodes.models import CURATED_FIELDS, Annotation, StatusCode
    entries = {
        entry.code: {name: getattr(entry, name) for name in CURATED_FIELDS}
        for entry in StatusCode.objects.all()
    }
    annotations = sorted(Annotation.objects.values_list("status_code_id", "seed_key"))
    print(json.dumps({"entries": entries, "annotations": annotations, "report": out.getvalue()}))
    """
)


def fixture_entries(path):
    records = json.loads(path.read_text(encoding="utf-8"))
    return {
        record["pk"]: record["fields"] for record in records if record["model"] == "statuscodes.statuscode"
    }


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("upgrade")
    report = run_script(
        SCRIPT,
        str(OLD_FIXTURE),
        json.dumps(EDITS),
        SQLITE_PATH=str(tmp_path / "old.sqlite3"),
        CACHE_GENERATION_FILE=str(tmp_path / "generation"),
    )
    report["entries"] = {int(code): fields for code, fields in report["entries"].items()}
    return report


def test_upgrade_the_old_fixture_differs_from_the_current_one():
    """The test below is only worth something while the seed has corrections to bring."""
    old, current = fixture_entries(OLD_FIXTURE), fixture_entries(CURRENT_FIXTURE)
    changed = [
        (code, name)
        for code in old.keys() & current.keys()
        for name in CURATED_FIELDS
        if name in old[code] and old[code][name] != current[code][name]
    ]

    assert len({code for code, _name in changed}) >= 10
    assert "cacheable" in old[200] and "cacheable" not in current[200]


def test_upgrade_brings_the_current_fixture_into_every_unedited_field(upgraded):
    current = fixture_entries(CURRENT_FIXTURE)
    entries = upgraded["entries"]

    assert set(entries) == set(current)
    mismatches = [
        (code, name, entries[code][name], current[code][name])
        for code in sorted(current)
        for name in CURATED_FIELDS
        if (code, name) not in EDITED and entries[code][name] != current[code][name]
    ]
    assert mismatches == []
    # Readers no longer get the document's text where the fixture corrects it.
    old = fixture_entries(OLD_FIXTURE)
    for code in (203, 510):
        if current[code]["description"] != old[code]["description"]:
            assert entries[code]["description"] == current[code]["description"]
            assert entries[code]["description"] != old[code]["description"]


def test_upgrade_keeps_the_edited_fields_and_names_them(upgraded):
    entries, report = upgraded["entries"], upgraded["report"]

    assert entries[404]["summary"] == "编辑改写的摘要：这一条不该被种子数据覆盖。"
    # The editor turned 200's heuristic cacheability off before the field had three values.
    assert entries[200]["cacheability"] == "explicit"
    assert "404.summary：编辑已修改，保留编辑的版本" in report
    assert "200.cacheability：编辑已修改，保留编辑的版本" in report
    assert "因编辑修改而跳过 2 处" in report


def test_upgrade_adds_the_new_annotations_and_keeps_the_old_ones(upgraded):
    current = json.loads(CURRENT_FIXTURE.read_text(encoding="utf-8"))
    old = json.loads(OLD_FIXTURE.read_text(encoding="utf-8"))
    keys = {
        (record["fields"]["status_code"], record["fields"]["seed_key"])
        for records in (current, old)
        for record in records
        if record["model"] == "statuscodes.annotation"
    }

    assert {tuple(pair) for pair in upgraded["annotations"]} == keys
