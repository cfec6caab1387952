"""`manage.py check_iana_registry`: reports how the catalogue differs from IANA's registry, read-only."""

import urllib.error
from io import BytesIO, StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, base, call_command, execute_from_command_line

from statuscodes.management.commands import check_iana_registry
from statuscodes.models import StatusCode

DATA = settings.BASE_DIR / "tests" / "data" / "iana"
REGISTRY = str(DATA / "http-status-codes-1.csv")


def snapshot():
    return (
        list(StatusCode.objects.order_by("code").values()),
        StatusCode.history.count(),
    )


def run(*args):
    out = StringIO()
    try:
        call_command("check_iana_registry", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


def test_a_catalogue_that_agrees_exits_zero(seeded_once):
    code, out, _error = run(REGISTRY, "--today", "2026-11-01")
    assert code == 0
    assert "一致" in out and "64 个" in out


def test_an_expired_temporary_registration_is_reported(seeded_once):
    code, out, error = run(REGISTRY, "--today", "2026-11-14")
    assert code == 1
    assert "已过期的临时注册" in out
    assert "104  临时注册已于 2026-11-13 到期" in out
    assert "1 处差异" in error


def test_the_expiry_day_itself_is_not_yet_expired(seeded_once):
    assert run(REGISTRY, "--today", "2026-11-13")[0] == 0


def test_new_codes_changed_phrases_references_and_removals_are_reported(seeded_once):
    before = snapshot()
    code, out, error = run(str(DATA / "http-status-codes-drift.csv"), "--today", "2026-11-01")
    assert code == 1
    assert (
        "注册表新增的状态码：\n  105  注册表新增：Example Pending Registration（draft-example-httpbis-pending-00）"
        in out
    )
    assert "原因短语变化：\n  413  原因短语不同：注册表“Payload Too Large”，目录“Content Too Large”" in out
    assert "出处变化：\n  429  出处不同：注册表“RFC 6585 §7”，目录“RFC 6585 §4”" in out
    assert "注册表中已没有的状态码：\n  308  目录标为已注册" in out
    assert "4 处差异" in error
    assert snapshot() == before  # read-only


def test_an_unofficial_code_that_gets_registered_is_reported(seeded_once):
    StatusCode.objects.filter(code=413).update(lifecycle=StatusCode.Lifecycle.UNOFFICIAL)
    code, out, _error = run(REGISTRY, "--today", "2026-11-01")
    assert code == 1
    assert "413  已正式进入注册表：Content Too Large，目录仍标为非官方" in out


def test_a_registration_state_change_is_reported(seeded_once):
    StatusCode.objects.filter(code=104).update(lifecycle=StatusCode.Lifecycle.STANDARD)
    code, out, _error = run(REGISTRY, "--today", "2026-11-01")
    assert code == 1
    assert "104  注册状态不同：注册表为临时注册，目录为标准" in out


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed-header.csv", "第 1 行：表头应为 Value,Description,Reference"),
        ("malformed-columns.csv", "第 6 行：应有 3 列"),
        ("malformed-value.csv", "第 8 行：“2OO”不是状态码或状态码范围"),
        ("malformed-html.csv", "第 1 行：表头应为 Value,Description,Reference"),
    ],
)
def test_a_malformed_file_gets_a_clear_error(seeded_once, name, message):
    before = snapshot()
    code, _out, error = run(str(DATA / name))
    assert code == 2
    assert "不是 IANA 状态码注册表的 CSV 格式" in error and message in error
    assert snapshot() == before


def test_a_missing_file_gets_a_clear_error(seeded_once, tmp_path):
    code, _out, error = run(str(tmp_path / "nowhere.csv"))
    assert code == 2
    assert "无法读取" in error and "nowhere.csv" in error


def test_a_url_is_fetched_with_the_timeout(seeded_once, monkeypatch):
    seen = {}

    class Response(BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_urlopen(request, timeout):
        seen.update(url=request.full_url, timeout=timeout)
        return Response((DATA / "http-status-codes-1.csv").read_bytes())

    monkeypatch.setattr(check_iana_registry.urllib.request, "urlopen", fake_urlopen)
    code, out, _error = run("--timeout", "7", "--today", "2026-11-01")
    assert code == 0 and "一致" in out
    assert seen == {"url": check_iana_registry.IANA_CSV_URL, "timeout": 7.0}


def test_an_unreachable_url_gets_a_clear_error(seeded_once, monkeypatch):
    def fake_urlopen(request, timeout):
        raise urllib.error.URLError(TimeoutError("timed out"))

    monkeypatch.setattr(check_iana_registry.urllib.request, "urlopen", fake_urlopen)
    code, _out, error = run("https://registry.invalid/http-status-codes-1.csv", "--timeout", "5")
    assert code == 2
    assert (
        "无法从 https://registry.invalid/http-status-codes-1.csv 读取注册表（超时 5 秒）：timed out" in error
    )


def exit_status(capsys, monkeypatch, *args):
    """Run the command the way cron does (`manage.py …`): the process's exit status and its output.

    manage.py closes every database connection as it exits; here that would be the test's own.
    """
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    try:
        execute_from_command_line(["manage.py", "check_iana_registry", *args])
    except SystemExit as exc:
        status = exc.code
    else:
        status = 0
    return status, capsys.readouterr()


def test_manage_py_exit_status_tells_a_scheduled_job(seeded_once, capsys, monkeypatch):
    agrees, _ = exit_status(capsys, monkeypatch, REGISTRY, "--today", "2026-11-01")
    expired, expired_output = exit_status(capsys, monkeypatch, REGISTRY, "--today", "2027-01-01")
    malformed, malformed_output = exit_status(capsys, monkeypatch, str(DATA / "malformed-value.csv"))

    assert (agrees, expired, malformed) == (0, 1, 2)
    assert "104" in expired_output.out
    assert "第 8 行" in malformed_output.err
