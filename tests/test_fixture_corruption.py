"""The fixture builder fed a corrupted document: a clear error naming the line,
and the output file left exactly as it was.

Each test copies fixtures/source/ into a temporary directory, damages the
document there, and runs ``build_statuscodes_fixture`` against the copy with
``--output`` pointing at a copy of the committed fixture. The committed files
are only read.
"""

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

SOURCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "source"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "statuscodes.json"
DOCUMENT_NAME = "000_a17bc1e90fb26b27.txt"


@pytest.fixture
def sources(tmp_path):
    """A private copy of the sources and of the committed fixture."""
    source_dir = tmp_path / "source"
    shutil.copytree(SOURCE_DIR, source_dir)
    output = tmp_path / "statuscodes.json"
    shutil.copy2(FIXTURE, output)
    # An mtime in the past, so a rewrite with the same bytes would still show.
    os.utime(output, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return source_dir, output


def document_lines(source_dir):
    return (source_dir / DOCUMENT_NAME).read_text(encoding="utf-8").split("\n")


def write_document(source_dir, lines=None, data=None):
    path = source_dir / DOCUMENT_NAME
    if data is not None:
        path.write_bytes(data)
    else:
        path.write_text("\n".join(lines), encoding="utf-8")


def build(source_dir, output):
    call_command("build_statuscodes_fixture", source_dir=source_dir, output=output, stdout=StringIO())


def assert_untouched(output):
    assert output.read_bytes() == FIXTURE.read_bytes()
    assert output.stat().st_mtime_ns == 1_000_000_000_000_000_000
    assert not output.with_suffix(".json.tmp").exists()


def line_of(lines, text):
    return lines.index(text) + 1


def test_fixture_corruption_intact_copy_builds_the_committed_fixture(sources):
    source_dir, output = sources

    call_command(
        "build_statuscodes_fixture", source_dir=source_dir, output=output, check=True, stdout=StringIO()
    )

    assert_untouched(output)


def test_fixture_corruption_missing_separator_names_the_line(sources):
    source_dir, output = sources
    lines = document_lines(source_dir)
    target = line_of(lines, "404 |")
    lines[target - 1] = "404"
    write_document(source_dir, lines)

    with pytest.raises(CommandError, match=f"第 {target} 行") as error:
        build(source_dir, output)

    assert "分隔符" in str(error.value)
    assert_untouched(output)


def test_fixture_corruption_missing_text_separator_names_the_line(sources):
    source_dir, output = sources
    lines = document_lines(source_dir)
    target = line_of(lines, "200 |") + 1
    lines[target - 1] = lines[target - 1].removesuffix(" |")
    write_document(source_dir, lines)

    with pytest.raises(CommandError, match=f"第 {target} 行.*分隔符"):
        build(source_dir, output)

    assert_untouched(output)


@pytest.mark.parametrize("bad_code", ["4O4", "abc", "40", "4044", "-44", "４０４", "٤٠٤", " 404"])
def test_fixture_corruption_non_numeric_code_names_the_line(sources, bad_code):
    source_dir, output = sources
    lines = document_lines(source_dir)
    target = line_of(lines, "404 |")
    lines[target - 1] = f"{bad_code} |"
    write_document(source_dir, lines)

    with pytest.raises(CommandError, match=f"第 {target} 行.*不是三位数字的状态码"):
        build(source_dir, output)

    assert_untouched(output)


def test_fixture_corruption_out_of_range_code_names_the_line(sources):
    source_dir, output = sources
    lines = document_lines(source_dir)
    target = line_of(lines, "404 |")
    lines[target - 1] = "699 |"
    write_document(source_dir, lines)

    with pytest.raises(CommandError, match=f"第 {target} 行.*699"):
        build(source_dir, output)

    assert_untouched(output)


def test_fixture_corruption_duplicated_code_names_both_lines(sources):
    source_dir, output = sources
    lines = document_lines(source_dir)
    first = line_of(lines, "404 |")
    # A second 404 with new words of its own: neither copy can be told apart as a mistake.
    lines += ["404 |", "另一段关于 404 的说明，与任何条目都不相同。 |"]
    write_document(source_dir, lines)
    second = len(lines) - 1

    with pytest.raises(CommandError) as error:
        build(source_dir, output)

    message = str(error.value)
    assert "404" in message and "重复" in message
    assert str(first) in message and str(second) in message
    assert_untouched(output)


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_fixture_corruption_empty_text_names_the_line(sources, text):
    source_dir, output = sources
    lines = document_lines(source_dir)
    target = line_of(lines, "404 |") + 1
    lines[target - 1] = f"{text} |"
    write_document(source_dir, lines)

    with pytest.raises(CommandError, match=f"第 {target} 行.*说明是空的"):
        build(source_dir, output)

    assert_untouched(output)


def test_fixture_corruption_code_without_text_at_the_end_names_the_line(sources):
    source_dir, output = sources
    lines = document_lines(source_dir)
    while lines and lines[-1] == "":
        lines.pop()
    lines.append("599 |")
    write_document(source_dir, lines)

    with pytest.raises(CommandError, match=f"第 {len(lines)} 行"):
        build(source_dir, output)

    assert_untouched(output)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "big5"])
def test_fixture_corruption_wrong_encoding_names_the_line(sources, encoding):
    source_dir, output = sources
    text = (source_dir / DOCUMENT_NAME).read_text(encoding="utf-8")
    data = text.encode(encoding, errors="replace")
    write_document(source_dir, data=data)

    with pytest.raises(CommandError, match=r"第 \d+ 行.*(UTF-8|编码)") as error:
        build(source_dir, output)

    # The line named is the one holding the first byte that is not UTF-8.
    first_bad = next(index for index in range(len(data)) if not _utf8_prefix_ok(data, index))
    assert f"第 {data[:first_bad].count(b'\n') + 1} 行" in str(error.value)
    assert_untouched(output)


def _utf8_prefix_ok(data, index):
    try:
        data[: index + 1].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data"
    return True


def test_fixture_corruption_half_written_document_names_the_line(sources):
    source_dir, output = sources
    data = (source_dir / DOCUMENT_NAME).read_bytes()
    # Cut in the middle of a multi-byte character, as a failed copy would.
    cut = data.index("请求".encode()) + 1
    write_document(source_dir, data=data[:cut])

    with pytest.raises(CommandError, match="第 .* 行"):
        build(source_dir, output)

    assert_untouched(output)


def test_fixture_corruption_empty_document(sources):
    source_dir, output = sources
    write_document(source_dir, data=b"")

    with pytest.raises(CommandError, match="空"):
        build(source_dir, output)

    assert_untouched(output)


def test_fixture_corruption_default_output_leaves_committed_fixture_untouched(sources):
    """Without --output the build targets the committed fixture itself; a bad document must not reach it."""
    source_dir, _ = sources
    lines = document_lines(source_dir)
    lines[line_of(lines, "404 |") - 1] = "404"
    write_document(source_dir, lines)
    before_bytes, before_mtime = FIXTURE.read_bytes(), FIXTURE.stat().st_mtime_ns

    try:
        with pytest.raises(CommandError, match="分隔符"):
            call_command("build_statuscodes_fixture", source_dir=source_dir, stdout=StringIO())
        assert FIXTURE.read_bytes() == before_bytes
        assert FIXTURE.stat().st_mtime_ns == before_mtime
    finally:
        # Should this test ever fail, leave the working tree as it was.
        if FIXTURE.read_bytes() != before_bytes:
            FIXTURE.write_bytes(before_bytes)
