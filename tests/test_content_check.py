"""The content check (statuscodes/content_check.py): findings, provenance, tables, the command and the gate.

Entries are tiny stand-ins (tests/content_entries.py), so these tests do not
depend on the catalogue's text; only the last test runs the checker over the
committed fixture.
"""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from statuscodes import content_check, rules

from .content_entries import CLEAN_404, entry, findings
from .subprocesses import BASE_DIR, fresh_environment

FIXTURE = BASE_DIR / "fixtures" / "statuscodes.json"


# -- The stand-in itself --------------------------------------------------------


def test_the_clean_entry_has_no_findings():
    assert findings(entry()) == []


def test_finding_prints_as_code_field_message():
    found = findings(entry(name_zh="未找到,页面"))
    assert [str(f) for f in found] == [f"404 name_zh: {found[0].message}"]
    assert "半角" in found[0].message


# -- Provenance -----------------------------------------------------------------


def test_description_must_not_repeat_the_document():
    source = "客户端应当继续发送请求。"
    [finding] = findings(entry(description=source, source_text=source), "description")
    assert "文档原文" in finding.message


def test_a_rewritten_description_needs_a_correction_note():
    rewritten = entry(source_text="请求已成功,请求所希望的响应头将随此响应返回。")
    assert len(findings(rewritten, "correction_note")) == 1
    rewritten.correction_note = "原文按 RFC 2616 描述；RFC 9110 §15.5.5 的说法已更新，标点改为全角。"
    assert findings(rewritten) == []


def test_needs_review_requires_a_review_note():
    assert len(findings(entry(needs_review=True), "review_note")) == 1
    assert findings(entry(needs_review=True, review_note="核对临时注册是否已过期（IANA 注册表）。")) == []


# -- Comparison tables ----------------------------------------------------------


def test_every_comparison_cell_is_checked():
    tables = {
        "401-403": {
            "rows": [["含义", "未认证", "没有权限"], ["重试", "可以换凭证重试", "换用不同的凭证,可以重试"]]
        },
    }
    found = content_check.check_tables(tables)
    assert {f.field for f in found} == {"401-403[rows][0][1]", "401-403[rows][1][2]"}
    assert content_check.check_tables({"t": [["头字段", "`Retry-After: 120`"]]}) == []


def test_comparison_tables_are_checked_table_by_table(monkeypatch):
    """check_comparisons reads statuscodes.comparisons.COMPARISONS: tables with a key, rows of cells."""
    import types
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Row:
        label: str
        cells: tuple

    @dataclass(frozen=True)
    class Table:
        key: str
        title: str
        codes: tuple
        rows: tuple

    tables = (
        Table(
            "429-503",
            "容易混淆：429 与 503",
            (429, 503),
            (Row("重试", ("按 Retry-After 稍后再试", "稍后再试,可带 Retry-After")),),
        ),
    )
    import statuscodes

    fake = types.SimpleNamespace(COMPARISONS=tables)
    monkeypatch.setitem(sys.modules, "statuscodes.comparisons", fake)
    monkeypatch.setattr(statuscodes, "comparisons", fake, raising=False)
    [finding] = content_check.check_comparisons()
    assert (finding.code, finding.field) == ("对比表 429-503", "rows[0].cells[1]")


# -- Fixture records and the command --------------------------------------------


def fixture_records(*entries):
    records = []
    for item in entries:
        fields = {k: v for k, v in vars(item).items() if k not in ("code", "annotations")}
        records.append({"model": "statuscodes.statuscode", "pk": item.code, "fields": fields})
        for annotation in item.annotations:
            records.append(
                {"model": "statuscodes.annotation", "fields": {"status_code": item.code, **annotation}}
            )
    return records


def test_fixture_records_become_entries_with_their_annotations():
    records = fixture_records(
        entry(annotations=[{"body": "先复现,再排查。", "seed_key": "a", "is_published": True}])
    )
    [item] = content_check.entries_from_fixture(records)
    assert item.code == 404
    assert [f.field for f in content_check.check_entry(item)] == ["annotations[a]"]


def write_fixture(tmp_path, *entries):
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(fixture_records(*entries), ensure_ascii=False), encoding="utf-8")
    return path


def test_command_reports_nothing_on_a_clean_fixture(tmp_path):
    out = StringIO()
    call_command("check_content", str(write_fixture(tmp_path, entry())), stdout=out)
    assert "没有发现问题" in out.getvalue()


def test_command_prints_every_finding_and_fails(tmp_path):
    bad = entry(410, retry="later", example=CLEAN_404, summary="资源已永久删除,请审核。")
    path = write_fixture(tmp_path, entry(), bad)
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("check_content", str(path), stdout=out)
    expected = [
        str(f) for f in content_check.check_entry(content_check.entries_from_fixture(fixture_records(bad))[0])
    ]
    assert out.getvalue().splitlines() == expected
    assert {line.split(":")[0] for line in expected} >= {"410 retry", "410 example", "410 summary"}
    assert f"共 {len(expected)} 条" in str(excinfo.value)
    assert excinfo.value.returncode == 1


def test_command_exit_status_in_a_real_process(tmp_path):
    clean, bad = write_fixture(tmp_path, entry()), tmp_path / "bad.json"
    bad.write_text(json.dumps(fixture_records(entry(summary="TODO"))), encoding="utf-8")
    run = [sys.executable, "manage.py", "check_content"]
    env = fresh_environment(DJANGO_DEBUG="1")
    passed = subprocess.run(
        [*run, str(clean)], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    failed = subprocess.run(
        [*run, str(bad)], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert passed.returncode == 0, passed.stderr
    assert failed.returncode == 1
    assert failed.stdout.startswith("404 summary: ")


def test_command_refuses_a_file_that_is_not_a_fixture(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="不是合法的 JSON"):
        call_command("check_content", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="无法读取"):
        call_command("check_content", str(Path(tmp_path, "missing.json")), stdout=StringIO())


@pytest.mark.django_db
def test_command_checks_the_database_with_annotations(make_entry, make_annotation):
    good = make_entry(
        code=404,
        cacheability=rules.HEURISTIC,
        retry="no",
        typical_headers="Content-Type",
        example=CLEAN_404,
        name_zh="未找到",
        summary="服务器找不到目标资源。",
        description="服务器没有找到目标资源的当前表示。",
    )
    make_annotation(good, body="先复现,再排查。", seed_key="checklist")
    make_annotation(good, body="请审核", is_published=False)
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("check_content", "--database", stdout=out)
    assert out.getvalue().splitlines() == [
        line for line in out.getvalue().splitlines() if line.startswith("404 ")
    ]
    assert "404 annotations[checklist]: " in out.getvalue()
    assert "请审核" not in out.getvalue()
    assert "数据库" in str(excinfo.value)


# -- The catalogue itself ---------------------------------------------------------


def test_committed_fixture_has_no_findings():
    """THE CONTENT GATE: every entry of fixtures/statuscodes.json passes every rule.

    This fails until the catalogue's rewrite is finished; it is the test that
    says the content is done. Run ``manage.py check_content`` for the list.
    """
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    found = [
        str(f) for e in content_check.entries_from_fixture(records) for f in content_check.check_entry(e)
    ]
    found += [str(f) for f in content_check.check_comparisons()]
    assert found == [], f"{len(found)} findings; the first: {found[:5]}"
