"""The committed fixture, the seed command and the entry model's basic rules."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from statuscodes.management.commands.seed_statuscodes import CURATED_FIELDS
from statuscodes.models import Annotation, StatusCode

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "statuscodes.json"
DOCUMENT = ROOT / "fixtures" / "source" / "000_a17bc1e90fb26b27.txt"


def seed(*args):
    out = StringIO()
    call_command("seed_statuscodes", *args, stdout=out)
    return out.getvalue()


def test_fixture_check_passes_on_the_committed_fixture():
    out = StringIO()
    call_command("build_statuscodes_fixture", "--check", stdout=out)

    assert "最新" in out.getvalue()


def test_fixture_check_fails_on_a_stale_fixture(tmp_path):
    stale = tmp_path / "statuscodes.json"
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    records[0]["fields"]["summary"] = "过期的摘要。"
    stale.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError, match="过期"):
        call_command("build_statuscodes_fixture", "--check", "--output", str(stale), stdout=StringIO())


def test_fixture_build_is_byte_identical_on_every_run(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"

    call_command("build_statuscodes_fixture", "--output", str(first), stdout=StringIO())
    call_command("build_statuscodes_fixture", "--output", str(second), stdout=StringIO())

    assert first.read_bytes() == second.read_bytes() == FIXTURE.read_bytes()


def test_fixture_build_with_a_broken_document_names_the_line_and_keeps_the_output(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT / "fixtures" / "source", source)
    lines = DOCUMENT.read_text(encoding="utf-8").split("\n")
    lines[4] = lines[4].removesuffix(" |")
    (source / DOCUMENT.name).write_text("\n".join(lines), encoding="utf-8")
    output = tmp_path / "statuscodes.json"
    output.write_text("untouched", encoding="utf-8")

    with pytest.raises(CommandError, match="第 5 行"):
        call_command("build_statuscodes_fixture", "--source-dir", str(source), "--output", str(output))

    assert output.read_text(encoding="utf-8") == "untouched"


def test_seed_creates_every_fixture_entry_and_is_idempotent():
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    codes = {record["pk"] for record in records if record["model"] == "statuscodes.statuscode"}
    annotations = sum(1 for record in records if record["model"] == "statuscodes.annotation")

    first = seed()
    history_rows = StatusCode.history.count()
    second = seed()

    assert set(StatusCode.objects.values_list("code", flat=True)) == codes
    assert Annotation.objects.count() == annotations
    assert f"新建 {len(codes)}" in first
    assert "新建 0，更新 0" in second
    assert StatusCode.history.count() == history_rows


def test_seed_keeps_every_document_text_verbatim():
    seed()
    document = DOCUMENT.read_text(encoding="utf-8")

    for entry in StatusCode.objects.exclude(source_text=""):
        assert entry.source_text in document, entry.code
    assert StatusCode.objects.exclude(source_text="").count() == 54


def test_seed_never_overwrites_an_edited_field():
    seed()
    entry = StatusCode.objects.get(code=510)
    entry.description = "编辑修正后的说明。"
    entry.name_zh = "编辑改过的名字"
    entry.save()

    out = seed()

    entry.refresh_from_db()
    assert entry.description == "编辑修正后的说明。"
    assert entry.name_zh == "编辑改过的名字"
    assert "510.description" in out
    assert "510.name_zh" in out


def test_seed_updates_fields_nobody_edited_and_refreshes_provenance(tmp_path):
    seed()
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for record in records:
        if record["model"] == "statuscodes.statuscode" and record["pk"] == 404:
            record["fields"]["summary"] = "新的摘要。"
            record["fields"]["source_text"] = "新的原文。"
    changed = tmp_path / "statuscodes.json"
    changed.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

    seed("--fixture", str(changed))

    entry = StatusCode.objects.get(code=404)
    assert (entry.summary, entry.source_text) == ("新的摘要。", "新的原文。")


def test_seed_dry_run_writes_nothing():
    out = seed("--dry-run")

    assert "演练" in out
    assert StatusCode.objects.count() == 0


def test_seed_does_not_bring_back_a_deleted_annotation():
    seed()
    annotation = Annotation.objects.exclude(seed_key="").first()
    key = (annotation.status_code_id, annotation.seed_key)
    annotation.delete()

    out = seed()

    assert not Annotation.objects.filter(status_code_id=key[0], seed_key=key[1]).exists()
    assert "编辑已删除" in out


def test_seed_tracks_every_editable_field():
    editable = {
        field.name
        for field in StatusCode._meta.get_fields()
        if getattr(field, "editable", False) and not field.primary_key and field.concrete
    }

    assert editable == set(CURATED_FIELDS)


@pytest.mark.parametrize("code", [99, 600, 0, 1000])
def test_statuscode_rejects_codes_outside_100_to_599(make_entry, code):
    entry = StatusCode(code=code, phrase="X", name_zh="某", summary="某。", description="某。", source="iana")

    with pytest.raises(ValidationError) as caught:
        entry.full_clean()

    assert "code" in caught.value.message_dict


def test_statuscode_class_is_derived_from_the_code(make_entry):
    entry = make_entry(code=418)

    assert (entry.status_class, str(entry.class_name)) == (4, "客户端错误")


@pytest.mark.parametrize("field", ["phrase", "name_zh", "summary"])
def test_one_line_fields_refuse_direction_overrides(make_entry, field):
    entry = make_entry()
    setattr(entry, field, "正常\u202e文字")

    with pytest.raises(ValidationError) as caught:
        entry.full_clean()

    assert field in caught.value.message_dict


def database_state():
    """Every row the seed could touch, history included."""
    return (
        list(StatusCode.objects.order_by("code").values()),
        list(Annotation.objects.order_by("pk").values()),
        list(StatusCode.history.order_by("history_id").values()),
        list(Annotation.history.order_by("history_id").values()),
    )


def test_seed_never_brings_back_a_deleted_entry():
    seed()
    entry = StatusCode.objects.get(code=510)
    entry._change_reason = "编辑删除"
    entry.delete()

    first, second = seed("--verbosity", "2"), seed()

    assert not StatusCode.objects.filter(code=510).exists()
    assert not Annotation.objects.filter(status_code_id=510).exists()
    assert "510：编辑已删除此条目" in first and "510：编辑已删除此条目" in second
    assert "新建 0，" in first and "新建 0，" in second


def test_seed_leaves_entries_that_existed_before_it_as_they_were(make_entry, make_annotation):
    """Entries made in the admin before the first seed: one the fixture also has, one it does not."""
    own = make_entry(code=404, phrase="Not Found", name_zh="编辑自建", summary="编辑写的摘要。")
    own_note = make_annotation(own, body="编辑写的注解。")
    other = make_entry(code=299, phrase="Editor Made", name_zh="编辑新增", summary="只在本站有的条目。")
    make_annotation(other, body="另一条注解。")
    own_before = {name: getattr(own, name) for name in CURATED_FIELDS}
    other_before = (
        StatusCode.objects.filter(code=299).values().get(),
        list(Annotation.objects.filter(status_code_id=299).values()),
        StatusCode.history.filter(code=299).count(),
    )

    out = seed("--verbosity", "2") + seed("--verbosity", "2")

    own.refresh_from_db()
    assert {name: getattr(own, name) for name in CURATED_FIELDS} == own_before
    assert Annotation.objects.filter(pk=own_note.pk).values_list("body", flat=True).get() == "编辑写的注解。"
    assert "404.summary：编辑已修改，保留编辑的版本" in out
    assert other_before == (
        StatusCode.objects.filter(code=299).values().get(),
        list(Annotation.objects.filter(status_code_id=299).values()),
        StatusCode.history.filter(code=299).count(),
    )
    assert "299" not in out


def test_seed_dry_run_on_an_edited_database_changes_nothing_and_reports_what_a_real_run_does(tmp_path):
    seed()
    edited = StatusCode.objects.get(code=404)
    edited.summary = "编辑改过的摘要。"
    edited.save()
    StatusCode.objects.get(code=510).delete()
    Annotation.objects.exclude(seed_key="").order_by("pk").first().delete()
    Annotation.objects.filter(status_code_id=301).exclude(seed_key="").order_by("pk").last().delete()
    # Upstream changes too: a field nobody edited, a field an editor did, and the document's text.
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for record in records:
        if record["model"] == "statuscodes.statuscode" and record["pk"] in (200, 404):
            record["fields"]["summary"] = f"上游改过的摘要 {record['pk']}。"
            record["fields"]["source_text"] = f"上游改过的原文 {record['pk']}。"
    changed = tmp_path / "statuscodes.json"
    changed.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    before = database_state()

    rehearsal = seed("--dry-run", "--verbosity", "2", "--fixture", str(changed))

    assert database_state() == before
    real = seed("--verbosity", "2", "--fixture", str(changed))
    assert database_state() != before
    assert rehearsal.count("（演练，未写入）") == 1
    assert rehearsal.replace("（演练，未写入）", "", 1) == real
    assert "更新 200：summary, source_text" in real and "404.summary：编辑已修改" in real
