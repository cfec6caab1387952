"""Entries and examples for the content-check tests: tiny stand-ins that pass every rule.

Each test overrides one field of ``entry()`` and looks at the findings for it,
so the tests do not depend on the catalogue's text.
"""

from statuscodes import content_check, rules


def utf8_length(text):
    return len(text.encode("utf-8"))


def exchange(request_head, response_head, body="", *, request_body=""):
    """An example in the documented format, with Content-Length computed from the text as written."""
    request = request_head
    if request_body:
        request += f"\nContent-Length: {utf8_length(request_body)}\n\n{request_body}"
    response = response_head
    if body:
        response += f"\nContent-Length: {utf8_length(body)}\n\n{body}"
    return f"{request}\n\n{response}"


CLEAN_404 = exchange(
    "GET /missing HTTP/1.1\nHost: example.com",
    "HTTP/1.1 404 Not Found\nContent-Type: text/plain; charset=utf-8",
    "没有找到这个页面。",
)


def entry(code=404, **fields):
    """An entry that passes every rule unless a field is overridden."""
    values = {
        "lifecycle": "standard",
        "vendor": "",
        "cacheability": rules.cacheability_for(code),
        "body_allowed": rules.content_allowed(code),
        "typical_headers": "Content-Type",
        "retry": "no",
        "example": CLEAN_404,
        "name_zh": "未找到",
        "summary": "服务器找不到目标资源的当前表示。",
        "description": "服务器没有找到目标资源的当前表示，或者不愿透露它是否存在。",
        "correction_note": "",
        "source_text": "",
        "aliases": "",
        "misnomers": "",
        "search_terms": "",
        "needs_review": False,
        "review_note": "",
    }
    values.update(fields)
    return content_check.entry_from_fields(code, values, values.pop("annotations", []))


def findings(item, field=None):
    found = content_check.check_entry(item)
    return [f for f in found if field is None or f.field == field]


def example_findings(code, text, **fields):
    return findings(entry(code, example=text, **fields), "example")
