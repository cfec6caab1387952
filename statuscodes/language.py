"""The Chinese-language checks on public text.

The glossary's forbidden terms and the Taiwan usages of docs/CONTENT.md,
editors' to-dos that must not reach readers, and half-width punctuation in
Chinese sentences. Each check takes a text and returns what it found;
``content_check`` turns that into findings.
"""

from __future__ import annotations

import re

# The glossary's "不用" column and the Taiwan usages of docs/CONTENT.md, as
# forbidden term -> (the word to use, longer words in which the term is fine).
# tests/test_language.py checks that the doc and these tables say the same.
GLOSSARY_FORBIDDEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "实体": ("内容", ("实体标签",)),  # RFC 9110 still says "entity tag" (§8.8.3)
    "实体主体": ("内容", ()),
    # "负载" as payload; load (负载均衡, 服务器的负载) is another word.
    "负载": ("内容", ("负载均衡", "高负载", "负载高", "的负载", "系统负载", "服务器负载")),
    "表述": ("表示", ()),
    "表现形式": ("表示", ()),
    "标头": ("头字段", ()),
    "报头": ("头字段", ()),
    "首部字段": ("头字段", ()),
    "首部": ("头部", ()),
    "原始服务器": ("源服务器", ()),
    "源站": ("源服务器", ()),  # allowed where Cloudflare is the subject (see forbidden_terms)
    "入站": ("上游", ()),
    "出站": ("下游", ()),
    "使用者代理": ("用户代理", ()),
    "用户端": ("客户端", ()),
    "伺服器": ("服务器", ()),
    "请求动词": ("请求方法", ()),
    "状态代码": ("状态码", ()),
    "快取": ("缓存", ()),
    "凭据": ("凭证", ()),
    "认证信息": ("凭证", ()),
    "认证": ("身份验证", ()),
    "转址": ("重定向", ()),
    "联机": ("连接", ()),
    "讯息": ("消息", ()),
}
TAIWAN_USAGE: dict[str, tuple[str, tuple[str, ...]]] = {
    "程序码": ("代码", ()),
    "伺服器": ("服务器", ()),
    "讯息": ("消息", ()),
    "网路": ("网络", ()),
    # "资料" meaning data; written material (参考资料) is ordinary mainland usage.
    "资料库": ("数据库", ()),
    "资料包": ("数据包", ()),
    "资料传输": ("数据传输", ()),
    "预设": ("默认", ()),
    "档案": ("文件", ()),
    "物件": ("对象", ()),
    "使用者": ("用户", ()),
    "标头": ("头字段", ()),
    "快取": ("缓存", ()),
    "回应": ("响应", ()),
}
FORBIDDEN_TERMS = {**GLOSSARY_FORBIDDEN, **TAIWAN_USAGE}

# Editors' working notes that must never reach readers.
EDITOR_TODOS = (
    "请审核",
    "请核实",
    "请编辑",
    "请确认",
    "待确认",
    "待核实",
    "待补充",
    "待审核",
    "TODO",
    "FIXME",
    "TBD",
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u201c\u201d"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
# What is not Chinese prose: fenced code, code spans, link targets, URLs, and
# lines that are a header field or a start line.
_NOT_PROSE = [
    re.compile(r"```.*?```", re.S),
    re.compile(r"(`+)(?:(?!\1).)+?\1", re.S),
    re.compile(r"<https?://[^>\s]*>"),
    re.compile(r"\]\([^)\s]*\)"),
    re.compile(r"\b(?:https?|ftp|mailto):[\x21-\x7e]+"),
    re.compile(r"^[ \t]*(?:[A-Za-z][A-Za-z0-9-]*: \S.*|HTTP/\S+ \d{3}.*|[A-Z]+ /\S* HTTP/\S+)$", re.M),
]
# A quoted English name (“(Unused)”) is not a Chinese sentence.
_QUOTED_ASCII = re.compile(r"(?<=“)[\x20-\x7e]+(?=”)")
_QUOTED = re.compile(r"“[^“”\n]*”|「[^「」\n]*」")
_PAREN_PAIR = re.compile(r"\(([^()\n]*)\)")


def _prose(text: str) -> str:
    """The text with everything that is not Chinese prose blanked out (same length)."""
    text = _QUOTED_ASCII.sub(lambda m: "_" * len(m.group(0)), text)
    for pattern in _NOT_PROSE:
        text = pattern.sub(
            lambda m: "_" * len(m.group(0)) if m.group(0)[:1] != "]" else "]" + "_" * (len(m.group(0)) - 1),
            text,
        )
    return text


def _neighbour(text: str, index: int, step: int) -> str:
    index += step
    while 0 <= index < len(text) and text[index] in " \t":
        index += step
    return text[index] if 0 <= index < len(text) and text[index] != "\n" else ""


def _snippet(text: str, start: int, end: int) -> str:
    return text[max(0, start - 6) : end + 6].replace("\n", " ").strip()


def half_width_punctuation(text: str) -> list[str]:
    """Snippets where Chinese prose uses , : ; ? ! ( ) instead of the full-width marks."""
    prose = _prose(text)
    hits: list[tuple[int, int]] = []
    paired = set()
    for match in _PAREN_PAIR.finditer(prose):
        paired.update((match.start(), match.end() - 1))
        before, after = _neighbour(prose, match.start(), -1), _neighbour(prose, match.end() - 1, 1)
        if (
            _CJK_CHAR.search(match.group(1))
            or _CJK_CHAR.fullmatch(before or "x")
            or _CJK_CHAR.fullmatch(after or "x")
        ):
            hits.append((match.start(), match.end()))
    for index, char in enumerate(prose):
        if char not in _FULL_WIDTH or index in paired:
            continue
        before, after = _neighbour(prose, index, -1), _neighbour(prose, index, 1)
        if _CJK_CHAR.fullmatch(before or "x") or _CJK_CHAR.fullmatch(after or "x"):
            hits.append((index, index + 1))
    hits.sort()
    return [_snippet(text, start, end) for start, end in hits]


def forbidden_terms(text: str, *, cloudflare: bool = False) -> list[tuple[str, str]]:
    """(term, the word to use) for each forbidden term used in the text.

    Quoted words (“实体”) are mentioned, not used, and are fine; so are code
    and URLs. "源站" is fine where Cloudflare is the subject (docs/CONTENT.md).
    """
    prose = _QUOTED.sub(lambda m: "_" * len(m.group(0)), _prose(text))
    found: list[tuple[str, str]] = []
    covered: set[int] = set()
    for term in sorted(FORBIDDEN_TERMS, key=len, reverse=True):
        preferred, exceptions = FORBIDDEN_TERMS[term]
        if term == "源站" and cloudflare:
            continue
        allowed = set()
        for exception in exceptions:
            for match in re.finditer(re.escape(exception), prose):
                allowed.update(range(match.start(), match.end()))
        for match in re.finditer(re.escape(term), prose):
            span = set(range(match.start(), match.end()))
            if span & covered or span <= allowed:
                continue
            covered |= span
            if (term, preferred) not in found:
                found.append((term, preferred))
    return found


def editor_todos(text: str) -> list[str]:
    found = []
    for marker in EDITOR_TODOS:
        pattern = rf"\b{marker}\b" if marker.isascii() else re.escape(marker)
        if re.search(pattern, text):
            found.append(marker)
    return found
