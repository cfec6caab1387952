"""The content check: every entry (and comparison table) against the rules.

``check_entry`` checks one entry against the specification's rules
(``rules``), its example (``http_examples``) and the language rules
(``language``), and returns a list of findings. It reads attributes only, so it
works on a StatusCode, or on a record of the fixture (``entries_from_fixture``).
``check_content`` and the admin's warnings use it. docs/CONTENT.md states the
same rules for editors; the tests keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from .http_examples import example_problems
from .language import editor_todos, forbidden_terms, half_width_punctuation
from .rules import (
    CACHEABILITY_LABELS,
    EXPECTED_HEADERS,
    HEURISTIC,
    REQUIRED_HEADERS,
    RETRY_LABELS,
    cacheability_for,
    cacheability_source,
    content_allowed,
    retry_rule,
)


@dataclass(frozen=True)
class Finding:
    """One thing an entry (or a comparison table) does not get right."""

    code: int | str
    field: str
    message: str

    def __str__(self):
        return f"{self.code} {self.field}: {self.message}"


# -- Public text -------------------------------------------------------------


def check_text(code, field: str, text: str, *, terms: bool = True, cloudflare: bool = False) -> list[Finding]:
    """The language rules for one public text."""
    findings = []
    if not text:
        return findings
    snippets = half_width_punctuation(text)
    if snippets:
        shown = "；".join(f"“{s}”" for s in snippets[:3])
        more = f"等 {len(snippets)} 处" if len(snippets) > 3 else ""
        findings.append(
            Finding(
                code,
                field,
                f"中文句子里用了半角标点：{shown}{more}；应改为全角（，：；？！（））；代码和配置写在 `代码样式` 里。",
            )
        )
    if terms:
        for term, preferred in forbidden_terms(text, cloudflare=cloudflare):
            findings.append(Finding(code, field, f"用了“{term}”，按术语表应写“{preferred}”。"))
    for marker in editor_todos(text):
        findings.append(Finding(code, field, f"公开文字里有编辑待办“{marker}”；待办写在审核说明里。"))
    return findings


# -- One entry ---------------------------------------------------------------


def _lines_of(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return [str(item).strip() for item in value if str(item).strip()]


def _annotations(entry) -> list[tuple[str, str]]:
    """(label, body) of the entry's published annotations."""
    annotations = getattr(entry, "annotations", None)
    if annotations is None:
        return []
    if hasattr(annotations, "all"):
        try:
            annotations = list(annotations.all())
        except ValueError:  # an unsaved entry has no annotations yet
            return []
    result = []
    for number, annotation in enumerate(annotations, start=1):
        get = (
            annotation.get
            if isinstance(annotation, dict)
            else lambda name, d=None, a=annotation: getattr(a, name, d)
        )
        if not get("is_published", True):
            continue
        key = get("seed_key", "") or get("key", "") or get("pk", None) or number
        result.append((f"annotations[{key}]", get("body", "") or ""))
    return result


def _cacheability_of(entry) -> str | None:
    value = getattr(entry, "cacheability", None)
    if value:
        return value
    cacheable = getattr(entry, "cacheable", None)  # the yes/no of the old schema
    if cacheable is None:
        return None
    return HEURISTIC if cacheable else "not-heuristic"


def check_entry(entry) -> list[Finding]:
    """Every finding for one entry: derived facts, example, language and provenance."""
    code = int(entry.code)
    findings: list[Finding] = []
    official = getattr(entry, "lifecycle", "") != "unofficial"
    headers = [
        h.strip().lower() for h in (getattr(entry, "typical_headers", "") or "").split(",") if h.strip()
    ]

    # Cacheability (RFC 9110 §15.1, RFC 9111 §3, RFC 6585) and content (RFC 9110 §6.4.1, §15.3.6).
    expected = cacheability_for(code)
    actual = _cacheability_of(entry)
    if official and actual is not None:
        agrees = actual == expected or (actual == "not-heuristic" and expected != HEURISTIC)
        if not agrees:
            shown = CACHEABILITY_LABELS.get(
                actual, "不是启发式可缓存" if actual == "not-heuristic" else actual
            )
            findings.append(
                Finding(
                    code,
                    "cacheability",
                    f"可缓存性应为“{CACHEABILITY_LABELS[expected]}”（{cacheability_source(code)}），现为“{shown}”。",
                )
            )
    body_allowed = getattr(entry, "body_allowed", None)
    if body_allowed is not None and bool(body_allowed) != content_allowed(code):
        if content_allowed(code):
            message = f"{code} 响应可以有内容，事实表却写“不允许”。"
        else:
            message = f"{code} 响应没有内容（RFC 9110 §6.4.1、§15.3.6），事实表却写“允许”。"
        findings.append(Finding(code, "body_allowed", message))

    # Header fields.
    required = REQUIRED_HEADERS.get(code)
    if required and required[0].lower() not in headers:
        findings.append(
            Finding(
                code,
                "typical_headers",
                f"{code} 响应要带 {required[0]} 头字段（{required[1]}），事实表没有列出。",
            )
        )
    expected_header = EXPECTED_HEADERS.get(code)
    if expected_header and expected_header[0].lower() not in headers:
        findings.append(
            Finding(
                code,
                "typical_headers",
                f"{code} 响应可以带 {expected_header[0]} 头字段（{expected_header[1]}），事实表应当列出。",
            )
        )

    # Retry advice.
    rule = retry_rule(code) if official else None
    retry = getattr(entry, "retry", None)
    if rule is not None and retry is not None and retry not in rule[0]:
        allowed = "或".join(f"“{RETRY_LABELS[v]}”" for v in sorted(rule[0]))
        findings.append(
            Finding(
                code, "retry", f"重试建议应为{allowed}（{rule[1]}），现为“{RETRY_LABELS.get(retry, retry)}”。"
            )
        )

    # The example.
    example = getattr(entry, "example", "") or ""
    header_rule = required[0] if required else None
    for problem in example_problems(code, example, header_rule):
        findings.append(Finding(code, "example", problem))

    # Language of every public text.
    cloudflare = "cloudflare" in (getattr(entry, "vendor", "") or "").lower()
    for field in ("name_zh", "summary", "description", "correction_note"):
        text = getattr(entry, field, "") or ""
        findings += check_text(code, field, text, cloudflare=cloudflare or "Cloudflare" in text)
    # Names and what readers say record other people's words: no term rule.
    for field in ("aliases", "misnomers", "search_terms"):
        for line in _lines_of(getattr(entry, field, None)):
            findings += check_text(code, field, line, terms=False)
    for label, body in _annotations(entry):
        findings += check_text(code, label, body, cloudflare=cloudflare or "Cloudflare" in body)

    # Provenance.
    description = (getattr(entry, "description", "") or "").strip()
    source_text = (getattr(entry, "source_text", "") or "").strip()
    if source_text and description == source_text:
        findings.append(
            Finding(
                code, "description", "公开说明与文档原文逐字相同；说明要由编辑按现行规范撰写，原文只作出处。"
            )
        )
    elif source_text and not (getattr(entry, "correction_note", "") or "").strip():
        findings.append(
            Finding(
                code,
                "correction_note",
                "公开说明与文档原文不同，需要一段更正说明，告诉读者改了什么、依据是什么。",
            )
        )
    if getattr(entry, "needs_review", False) and not (getattr(entry, "review_note", "") or "").strip():
        findings.append(
            Finding(code, "review_note", "标记了待审核，但审核说明是空的：写清要查什么、去哪里查。")
        )
    return findings


# -- The fixture ---------------------------------------------------------------


def entries_from_fixture(records: list[dict]) -> list[SimpleNamespace]:
    """The fixture's entries, each a namespace with the model's attributes and its annotations."""
    annotations: dict[int, list[dict]] = {}
    for record in records:
        if record.get("model") == "statuscodes.annotation":
            fields = record["fields"]
            annotations.setdefault(fields["status_code"], []).append(fields)
    return [
        entry_from_fields(record["pk"], record["fields"], annotations.get(record["pk"], []))
        for record in records
        if record.get("model") == "statuscodes.statuscode"
    ]


def entry_from_fields(code: int, fields: dict, annotations=()) -> SimpleNamespace:
    """A stand-in for a StatusCode, built from a fixture record's fields."""
    return SimpleNamespace(code=code, **fields, annotations=list(annotations))


# -- Comparison tables ---------------------------------------------------------


def check_tables(tables, label: str = "对比表") -> list[Finding]:
    """The language rules on every text cell of the comparison tables.

    ``tables`` may be any nesting of dicts, lists, tuples and dataclass-like
    objects; each string found is checked, and the finding names its path.
    """
    findings: list[Finding] = []

    def walk(value, path):
        if isinstance(value, str):
            findings.extend(check_text(label, path or "cell", value, cloudflare="Cloudflare" in value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}[{key}]" if path else str(key))
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        elif hasattr(value, "__dict__"):
            for key, item in vars(value).items():
                if not key.startswith("_"):
                    walk(item, f"{path}.{key}" if path else key)

    walk(tables, "")
    return findings


def check_comparisons() -> list[Finding]:
    """Findings for the comparison tables in statuscodes/comparisons.py, table by table."""
    try:
        from . import comparisons
    except ImportError:
        return []
    findings: list[Finding] = []
    for table in getattr(comparisons, "COMPARISONS", ()):
        key = getattr(table, "key", "")
        texts = {
            name: value
            for name, value in vars(table).items()
            if name not in ("key", "codes", "codes_as_rows")
        }
        findings += check_tables(texts, label=f"对比表 {key}".strip())
    return findings
