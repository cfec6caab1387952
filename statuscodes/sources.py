"""Turn the source document and the reference tables into fixture records.

Everything here is pure: functions take the text of the files and return
records, with no ORM and no I/O, so the rules are easy to test on inline
snippets. ``build_statuscodes_fixture`` reads the files and writes the result.

The document is a Chinese list of items, each a ``CODE |`` line followed by a
``text |`` line. Its texts are kept verbatim as provenance; only the trailing
`` |`` separators are removed. Its known defects are resolved by general rules
rather than by special cases, and every resolution is recorded in the entry's
review note (seen only in the admin) so editors can see what the build did:

* a code that appears twice, where one copy is word for word another code's
  text, keeps the other copy; the copied text is preserved separately;
* an entry glued to the end of another item's text (``…)423 Locked当前…``) is
  split out into its own entry, so the two texts still join to the original;
* codes the document lacks come from the IANA registry and the unofficial
  table, with the curated Chinese text from ``curation/*.toml``.

The public text of every entry is curated (``description`` is required); the
document's words are kept only as provenance in ``source_text``. Cacheability
and whether a response may carry content are derived from ``rules``; a
curated entry may override them only where the rules cannot know the answer.
An unknown key in a curated entry or annotation is an error, so a typo never
silently drops an editor's text.

Any other irregularity is a ``SourceError`` that names the line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import rules
from .markdown import render_markdown

SEPARATOR = " |"
CODE_MIN, CODE_MAX = 100, 599

RETRY_VALUES = frozenset({"yes", "later", "modify", "no", "n/a"})
LIFECYCLES = frozenset({"standard", "temporary", "unused", "obsoleted", "deprecated", "unofficial"})
ANNOTATION_KINDS = frozenset({"note", "correction", "example", "pitfall", "history"})
CACHEABILITY_VALUES = frozenset({rules.HEURISTIC, rules.EXPLICIT, rules.NEVER})

# Every key a curated entry may have (fixtures/source/curation/README.md explains each).
ENTRY_KEYS = frozenset(
    {
        "phrase",
        "name_zh",
        "summary",
        "description",
        "correction",
        "lifecycle",
        "vendor",
        "reference",
        "reference_url",
        "aliases",
        "misnomers",
        "search_terms",
        "cacheability",
        "body_allowed",
        "headers",
        "retry",
        "browser_follows",
        "related",
        "example",
        "needs_review",
        "review_note",
        "annotations",
    }
)
ANNOTATION_KEYS = frozenset({"key", "kind", "body"})

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


def _structural_notes(code: int, entry: DocumentEntry | None, entries: dict[int, DocumentEntry]) -> list[str]:
    notes = []
    if entry is None:
        notes.append("源文档未收录此状态码，条目为新增。")
        return notes
    for duplicate in entry.duplicates:
        copied = entry.duplicate_of.get(duplicate.line)
        where = f"第 {duplicate.line} 行"
        if copied is not None:
            notes.append(
                f"源文档中 {code} 出现了两次：{where}的文字与 {copied}（第 {entries[copied].line} 行）"
                f"逐字相同，判定为误抄，未作为本条说明；该段原文保留在“文档中重复的条目”中。"
            )
    if entry.split_off is not None:
        notes.append(
            f"源文档第 {entry.line + 1} 行本条文字末尾还附带了 {entry.split_off} 的整条内容，"
            f"构建时已拆为独立条目；两段原文相连即为文档原样。"
        )
    if entry.split_from is not None:
        notes.append(
            f"本条原本附在源文档第 {entry.split_from.line + 1} 行 {entry.split_from.code} 的文字末尾，"
            f"构建时拆为独立条目。"
        )
    return notes


def merge_curation(files: dict[str, dict]) -> dict:
    """Join the parsed curation files (one per class) into one ``{"codes": …}``.

    A code may be curated in one file only; a second file naming it is an
    error that names both files.
    """
    codes, where = {}, {}
    for name in sorted(files):
        for code, data in files[name].get("codes", {}).items():
            if code in codes:
                raise SourceError(f"状态码 {code} 同时出现在 {where[code]} 和 {name} 中", source="curation")
            codes[code], where[code] = data, name
    return {"codes": codes}


def _require(curated: dict, key: str, code: int):
    if key not in curated or curated[key] in ("", None):
        raise SourceError(f"状态码 {code} 缺少“{key}”", source="curation.toml")
    return curated[key]


def _error(code: int, message: str) -> SourceError:
    return SourceError(f"状态码 {code} {message}", source="curation.toml")


def _check_keys(data: dict, allowed: frozenset, code: int, where: str = "") -> None:
    """Refuse keys the build does not know, so a typo cannot silently drop text."""
    if "cacheable" in data and not where:
        raise _error(
            code,
            "使用了已停用的键“cacheable”：可缓存性由构建按规则推导；"
            '非官方状态码确需覆盖时，写 cacheability = "heuristic"、"explicit" 或 "never"',
        )
    unknown = sorted(set(data) - allowed)
    if unknown:
        keys = "、".join(f"“{key}”" for key in unknown)
        raise _error(code, f"{where}中有未知的键 {keys}（拼写错误？）")


def _text_lines(curated: dict, key: str, code: int) -> str:
    """A list of one-line strings, stored one per line."""
    values = curated.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise _error(code, f"的“{key}”应为字符串列表")
    lines = [value.strip() for value in values]
    if any(not line or "\n" in line for line in lines):
        raise _error(code, f"的“{key}”中每一项都应是非空的单行文字")
    return "\n".join(lines)


def _flag(curated: dict, key: str, code: int, default):
    value = curated.get(key, default)
    if value is not default and not isinstance(value, bool):
        raise _error(code, f"的“{key}”应为 true 或 false")
    return value


def _cacheability(curated: dict, code: int, lifecycle: str) -> str:
    if "cacheability" not in curated:
        return rules.cacheability_for(code)
    value = curated["cacheability"]
    if lifecycle != "unofficial":
        raise _error(code, "不是非官方状态码，可缓存性按规范推导，不能用“cacheability”覆盖")
    if value not in CACHEABILITY_VALUES:
        allowed = "、".join(sorted(CACHEABILITY_VALUES))
        raise _error(code, f"的 cacheability “{value}”无效，应为 {allowed} 之一")
    return value


def build_records(document_text: str, iana_text: str, unofficial_text: str, curation: dict) -> list[dict]:
    """Combine the sources into Django fixture records, sorted and complete."""
    entries = resolve_document(parse_document(document_text))
    iana = parse_iana(iana_text)
    unofficial = parse_unofficial(unofficial_text)
    curated_codes = {int(code): data for code, data in curation.get("codes", {}).items()}

    missing = sorted((set(entries) | set(iana)) - set(curated_codes))
    if missing:
        raise SourceError(
            "以下状态码在文档或 IANA 表中，但没有编辑内容：" + "、".join(map(str, missing)),
            source="curation.toml",
        )

    records = []
    for code in sorted(curated_codes):
        curated = curated_codes[code]
        if not isinstance(curated, dict):
            raise _error(code, "的编辑内容应是一个表（[codes.CODE]）")
        _check_keys(curated, ENTRY_KEYS, code)
        entry, registered, vendor_row = entries.get(code), iana.get(code), unofficial.get(code)
        if not CODE_MIN <= code <= CODE_MAX:
            raise SourceError(f"状态码 {code} 不在 {CODE_MIN}–{CODE_MAX} 之间", source="curation.toml")
        if entry is None and registered is None and vendor_row is None:
            raise SourceError(f"状态码 {code} 不在任何来源中", source="curation.toml")

        lifecycle = curated.get("lifecycle") or (registered.lifecycle if registered else "unofficial")
        if lifecycle not in LIFECYCLES:
            raise SourceError(f"状态码 {code} 的 lifecycle “{lifecycle}”无效", source="curation.toml")
        if registered and "phrase" not in curated:
            phrase = registered.phrase
        else:
            phrase = curated.get("phrase") or (vendor_row.name if vendor_row else "")
        if not phrase:
            raise SourceError(f"状态码 {code} 缺少英文短语", source="curation.toml")
        vendor = curated.get("vendor", "")
        if lifecycle == "unofficial" and not vendor:
            raise SourceError(f"非官方状态码 {code} 缺少 vendor", source="curation.toml")
        retry = _require(curated, "retry", code)
        if retry not in RETRY_VALUES:
            raise SourceError(f"状态码 {code} 的 retry “{retry}”无效", source="curation.toml")
        related = [int(value) for value in curated.get("related", [])]
        unknown = [value for value in related if value not in curated_codes or value == code]
        if unknown:
            raise SourceError(f"状态码 {code} 的相关状态码 {unknown} 不在目录中", source="curation.toml")

        # The public text is always curated; the document's words stay in source_text.
        description = _require(curated, "description", code)
        # The structural notes say what the build did; the curated note explains
        # content. Both are for editors only. Generic notes are left out where
        # the curated one covers them.
        curated_note = curated.get("review_note", "").strip()
        notes = [
            note
            for note in _structural_notes(code, entry, entries)
            if not (note.startswith("源文档未收录") and "未收录" in curated_note)
        ]
        if curated_note:
            notes.append(curated_note)
        body_allowed = _flag(curated, "body_allowed", code, rules.content_allowed(code))
        needs_review = _flag(curated, "needs_review", code, False)
        browser_follows = curated.get("browser_follows")
        if browser_follows is not None and not isinstance(browser_follows, bool):
            raise _error(code, "的“browser_follows”应为 true 或 false")

        if entry is not None:
            source = "document"
        elif registered is not None:
            source = "iana"
        else:
            source = "vendor"
        records.append(
            {
                "model": "statuscodes.statuscode",
                "pk": code,
                "fields": {
                    "phrase": phrase,
                    "name_zh": _require(curated, "name_zh", code),
                    "summary": _require(curated, "summary", code),
                    "description": description.strip(),
                    "source_text": entry.text if entry else "",
                    "source_duplicate_text": "\n".join(item.text for item in entry.duplicates)
                    if entry
                    else "",
                    "source_line": entry.line if entry else None,
                    "source": source,
                    "lifecycle": lifecycle,
                    "vendor": vendor,
                    "reference": registered.reference if registered else curated.get("reference", ""),
                    "reference_url": registered.reference_url
                    if registered
                    else curated.get("reference_url", ""),
                    "aliases": _text_lines(curated, "aliases", code),
                    "misnomers": _text_lines(curated, "misnomers", code),
                    "search_terms": _text_lines(curated, "search_terms", code),
                    "cacheability": _cacheability(curated, code, lifecycle),
                    "body_allowed": body_allowed,
                    "typical_headers": ", ".join(curated.get("headers", [])),
                    "retry": retry,
                    "browser_follows": browser_follows,
                    "related_codes": " ".join(map(str, related)),
                    "example": curated.get("example", "").strip(),
                    "correction_note": str(curated.get("correction", "")).strip(),
                    "needs_review": needs_review,
                    "review_note": "\n".join(notes),
                    "is_published": True,
                },
            }
        )
        for order, annotation in enumerate(curated.get("annotations", []), start=1):
            if not isinstance(annotation, dict):
                raise _error(code, "的注解应写成 [[codes.CODE.annotations]] 表")
            _check_keys(annotation, ANNOTATION_KEYS, code, where=f"的第 {order} 条注解")
            kind = annotation.get("kind", "note")
            if kind not in ANNOTATION_KINDS:
                raise SourceError(f"状态码 {code} 的注解类型“{kind}”无效", source="curation.toml")
            key = _require(annotation, "key", code)
            body = _require(annotation, "body", code).strip()
            records.append(
                {
                    "model": "statuscodes.annotation",
                    "fields": {
                        "status_code": code,
                        "seed_key": key,
                        "kind": kind,
                        "body": body,
                        "body_html": render_markdown(body),
                        "is_published": True,
                        "order": order * 10,
                    },
                }
            )
    return records


def render_fixture(records: list[dict]) -> str:
    """Serialise records deterministically: sorted keys, two-space indent, final newline."""
    return json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
