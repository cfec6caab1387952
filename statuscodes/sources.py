"""Parse the source document and the reference tables.

Everything here is pure: functions take the text of the files and return
records, with no ORM and no I/O, so the rules are easy to test on inline
snippets. ``statuscodes.curation`` joins the result with the editors' text
into fixture records; ``build_statuscodes_fixture`` reads the files and writes
the fixture.

The document is a Chinese list of items, each a ``CODE |`` line followed by a
``text |`` line. Its texts are kept verbatim as provenance; only the trailing
`` |`` separators are removed. Its known defects are resolved by general rules
rather than by special cases, and the build records every resolution:

* a code that appears twice, where one copy is word for word another code's
  text, keeps the other copy; the copied text is preserved separately;
* an entry glued to the end of another item's text (``…)423 Locked当前…``) is
  split out into its own entry, so the two texts still join to the original.

Any other irregularity is a ``SourceError`` that names the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SEPARATOR = " |"
CODE_MIN, CODE_MAX = 100, 599

# An entry glued onto the end of another text: a closing parenthesis, then a
# code, an English reason phrase, and Chinese text straight after it.
_EMBEDDED_ENTRY = re.compile(
    r"(?<=[)）])(?P<code>[1-5]\d\d) (?P<phrase>[A-Z][A-Za-z' -]*[A-Za-z])(?=[\u3400-\u9fff])"
)
_REFERENCE = re.compile(r"^RFC (?P<rfc>\d+)(?: \(?§(?P<section>[\d.]+)\)?)?")


class SourceError(ValueError):
    """A problem in a source file, naming the line where it was found."""

    def __init__(self, message: str, line: int | None = None, source: str = "源文档"):
        self.line = line
        self.source = source
        where = f"{source}第 {line} 行：" if line else f"{source}："
        super().__init__(where + message)


@dataclass(frozen=True)
class DocumentItem:
    """One ``CODE |`` / ``text |`` pair, exactly as the document has it."""

    line: int
    code: int
    text: str


@dataclass
class DocumentEntry:
    """The document's text for one code, after duplicates and splits."""

    code: int
    line: int
    text: str
    duplicates: list[DocumentItem] = field(default_factory=list)
    duplicate_of: dict[int, int] = field(default_factory=dict)  # duplicate line -> code it copies
    split_from: DocumentItem | None = None  # the item this entry was cut out of
    split_off: int | None = None  # the code cut out of this entry's text


@dataclass(frozen=True)
class IanaRow:
    code: int
    phrase: str
    lifecycle: str
    reference: str
    reference_url: str


@dataclass(frozen=True)
class UnofficialRow:
    code: int
    name: str
    used_by: str


def decode_document(data: bytes) -> str:
    """Decode the document as UTF-8, naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError("不是有效的 UTF-8 文本（文件编码错误？）", line) from exc


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def parse_document(text: str) -> list[DocumentItem]:
    """Parse every item of the document, in order, with texts verbatim."""
    lines = _lines(text)
    if not lines:
        raise SourceError("文档是空的")
    items = []
    for index in range(0, len(lines), 2):
        code_lineno = index + 1
        code_line = lines[index]
        if not code_line.endswith(SEPARATOR):
            raise SourceError(f"状态码行缺少分隔符“{SEPARATOR.strip()}”：{code_line[:40]!r}", code_lineno)
        raw_code = code_line.removesuffix(SEPARATOR)
        if not (len(raw_code) == 3 and raw_code.isascii() and raw_code.isdigit()):
            raise SourceError(f"“{raw_code[:20]}”不是三位数字的状态码", code_lineno)
        code = int(raw_code)
        if not CODE_MIN <= code <= CODE_MAX:
            raise SourceError(f"状态码 {code} 不在 {CODE_MIN}–{CODE_MAX} 之间", code_lineno)
        if index + 1 >= len(lines):
            raise SourceError(f"状态码 {code} 之后缺少说明行", code_lineno)
        text_line = lines[index + 1]
        if not text_line.endswith(SEPARATOR):
            raise SourceError(f"说明行缺少结尾的分隔符“{SEPARATOR.strip()}”", code_lineno + 1)
        body = text_line.removesuffix(SEPARATOR)
        if not body.strip():
            raise SourceError(f"状态码 {code} 的说明是空的", code_lineno + 1)
        if "\x00" in body:
            # PostgreSQL cannot store NUL in text; refuse it here, naming the line.
            raise SourceError(f"状态码 {code} 的说明中含有 NUL 字符", code_lineno + 1)
        items.append(DocumentItem(line=code_lineno, code=code, text=body))
    return items


def resolve_document(items: list[DocumentItem]) -> dict[int, DocumentEntry]:
    """Resolve duplicated codes and glued entries into one entry per code."""
    by_code: dict[int, list[DocumentItem]] = {}
    for item in items:
        by_code.setdefault(item.code, []).append(item)

    entries: dict[int, DocumentEntry] = {}
    for code, copies in by_code.items():
        if len(copies) == 1:
            entries[code] = DocumentEntry(code=code, line=copies[0].line, text=copies[0].text)
            continue
        copied_from = {}
        for item in copies:
            for other in items:
                if other.code != code and other.text == item.text:
                    copied_from[item.line] = other.code
                    break
        originals = [item for item in copies if item.line not in copied_from]
        if len(originals) != 1:
            lines = "、".join(str(item.line) for item in copies)
            raise SourceError(f"状态码 {code} 在第 {lines} 行重复出现，无法判断哪一条有效", copies[1].line)
        kept = originals[0]
        entries[code] = DocumentEntry(
            code=code,
            line=kept.line,
            text=kept.text,
            duplicates=[item for item in copies if item is not kept],
            duplicate_of=copied_from,
        )

    for entry in list(entries.values()):
        match = _EMBEDDED_ENTRY.search(entry.text)
        if not match:
            continue
        glued = int(match["code"])
        if glued in entries:
            raise SourceError(
                f"状态码 {entry.code} 的说明末尾附带了 {glued} 的条目，但 {glued} 在文档中另有条目",
                entry.line + 1,
            )
        original = DocumentItem(line=entry.line, code=entry.code, text=entry.text)
        entries[glued] = DocumentEntry(
            code=glued, line=entry.line + 1, text=entry.text[match.start() :], split_from=original
        )
        entry.text = entry.text[: match.start()]
        entry.split_off = glued
    return dict(sorted(entries.items()))


def _reference_url(reference: str) -> str:
    match = _REFERENCE.match(reference)
    if match:
        url = f"https://www.rfc-editor.org/rfc/rfc{match['rfc']}"
        if match["section"]:
            url += f"#section-{match['section']}"
        return url
    if reference.startswith("draft-"):
        return f"https://datatracker.ietf.org/doc/{reference.split(';')[0].strip()}"
    return ""


def _rows(text: str, source: str, columns: int) -> list[tuple[int, list[str]]]:
    lines = _lines(text)
    rows = []
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != columns:
            raise SourceError(f"应有 {columns} 列，实有 {len(cells)} 列", lineno, source)
        rows.append((lineno, cells))
    return rows


def parse_iana(text: str) -> dict[int, IanaRow]:
    """Parse the IANA registry table: code, phrase, reference."""
    registry = {}
    for lineno, (raw_code, raw_phrase, raw_reference) in _rows(text, "IANA 表", 3):
        if not raw_code.isdigit():
            raise SourceError(f"“{raw_code}”不是状态码", lineno, "IANA 表")
        phrase, lifecycle = raw_phrase.strip(), "standard"
        if "(TEMPORARY" in phrase:
            phrase, lifecycle = phrase.split("(TEMPORARY")[0].strip(), "temporary"
        elif phrase.endswith("(OBSOLETED)"):
            phrase, lifecycle = phrase.removesuffix("(OBSOLETED)").strip(), "obsoleted"
        elif phrase == "(Unused)":
            lifecycle = "unused"
        reference = raw_reference.strip()
        match = _REFERENCE.match(reference)
        if match and match["section"]:
            reference = f"RFC {match['rfc']} §{match['section']}"
        registry[int(raw_code)] = IanaRow(
            code=int(raw_code),
            phrase=phrase,
            lifecycle=lifecycle,
            reference=reference,
            reference_url=_reference_url(reference),
        )
    return registry


def parse_unofficial(text: str) -> dict[int, UnofficialRow]:
    """Parse the unofficial table: code, name, who uses it."""
    table = {}
    for lineno, (raw_code, name, used_by) in _rows(text, "非官方状态码表", 3):
        if not raw_code.isdigit():
            raise SourceError(f"“{raw_code}”不是状态码", lineno, "非官方状态码表")
        table[int(raw_code)] = UnofficialRow(code=int(raw_code), name=name.strip(), used_by=used_by.strip())
    return table
