"""Join the parsed sources with the editors' curation into fixture records.

Pure like ``statuscodes.sources``: dictionaries in, fixture records out.
Codes the document lacks come from the IANA registry and the unofficial
table, with the curated Chinese text from ``curation/*.toml``.

The public text of every entry is curated (``description`` is required); the
document's words are kept only as provenance in ``source_text``, together with
the facts of a split (``source_split_off``, ``source_split_from`` and the
whole line in ``source_item_text``), so pages never work them out again.
Every resolution of a document defect is also written in the entry's review
note (seen only in the admin) so editors can see what the build did.
Cacheability and whether a response may carry content are derived from
``rules``; a curated entry may override them only where the rules cannot know
the answer. An unknown key in a curated entry or annotation is an error, so a
typo never silently drops an editor's text.
"""

from __future__ import annotations

import json

from . import rules
from .markdown import render_markdown
from .sources import (
    CODE_MAX,
    CODE_MIN,
    DocumentEntry,
    SourceError,
    parse_document,
    parse_iana,
    parse_unofficial,
    resolve_document,
)

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


def _split_facts(entry: DocumentEntry | None, entries: dict[int, DocumentEntry]) -> dict:
    """Where the document glued this entry and another into one text line, and that whole line."""
    split_off = entry.split_off if entry else None
    return {
        "source_split_off": split_off,
        "source_split_from": entry.split_from.code if entry and entry.split_from else None,
        "source_item_text": entries[split_off].split_from.text if split_off is not None else "",
    }


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
                    **_split_facts(entry, entries),
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
