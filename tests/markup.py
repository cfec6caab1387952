"""Finding markup that could run script or load content, for the sanitiser's tests."""

from html.parser import HTMLParser


class UnsafeMarkupFinder(HTMLParser):
    """Collects every element or attribute in HTML that could run script or load content."""

    UNSAFE_TAGS = {
        "script",
        "iframe",
        "svg",
        "math",
        "img",
        "style",
        "object",
        "embed",
        "form",
        "link",
        "meta",
    }

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in self.UNSAFE_TAGS:
            self.found.append(tag)
        for name, value in attrs:
            url = (value or "").strip().lower()
            if (
                name.startswith("on")
                or name == "style"
                or url.startswith(("javascript:", "data:", "vbscript:"))
            ):
                self.found.append(f"{tag}[{name}={value}]")


def unsafe_markup(html):
    finder = UnsafeMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.found
