"""Editor Markdown to safe HTML, done once when an annotation is saved.

markdown-it-py's "js-default" preset already refuses raw HTML and unsafe link
schemes; nh3 then enforces a fixed allowlist anyway, so a parser bug or a
preset change can never let editor text run in a reader's browser.
"""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("js-default").enable("table")

ALLOWED_TAGS = {
    "p",
    "a",
    "strong",
    "em",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "br",
    "hr",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)


def render_markdown(text: str) -> str:
    """Render editor Markdown to sanitized HTML."""
    return _cleaner.clean(_markdown.render(text or ""))
