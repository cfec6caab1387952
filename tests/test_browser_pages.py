"""The public pages in Debian's Chromium, as a reader uses them, on the real catalogue.

Screenshots of every page type (desktop and phone, light and dark) are written
to artifacts/ (JPEG) for a person to look at.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .browser import save_screenshot

# The module shares one seeded database and one live server (and runs on one xdist worker).
pytestmark = [pytest.mark.browser]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
LOOPBACK = {"127.0.0.1", "localhost"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCHEMES = ("light", "dark")

# One URL per page type.
PAGE_TYPES = {
    "index": "/",
    "class": "/3xx/",
    "detail": "/301/",
    "detail-provenance": "/422/",
    "unassigned": "/436/",
    "dataset": "/api/",
    "not-found": "/no-such-page/",
}
SEARCH_RESULTS = "/search/?q=重定向"


# Pages whose document is answered 404 (an unassigned code, an unknown path).
NOT_FOUND_PAGES = {"unassigned", "not-found"}
# What Chromium logs, and nothing else, when a document is answered 404.
DOCUMENT_404 = "Failed to load resource: the server responded with a status of 404 (Not Found)"


@pytest.fixture
def site(seeded_site):
    """The module's live server with the real catalogue."""
    return seeded_site.url


class Recorder:
    """Collects every request, console error (with the URL that logged it) and page error of one page."""

    def __init__(self, page):
        self.requests, self.errors = [], []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console",
            lambda message: (
                message.type == "error" and self.errors.append((message.text, message.location.get("url")))
            ),
        )
        page.on("pageerror", lambda error: self.errors.append((str(error), None)))

    def foreign_requests(self):
        return [url for url in self.requests if urlsplit(url).hostname not in LOOPBACK]


def expected_404_errors(site, paths):
    """Exactly one console error per 404 document visited: Chromium's own notice, for that URL."""
    return [(DOCUMENT_404, site + path) for path in paths]


def open_page(browser, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    return context, page, Recorder(page)


def has_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_reader_browses_to_a_code_and_follows_a_related_code(browser, site):
    context, page, recorder = open_page(browser, viewport=DESKTOP)
    page.goto(site + "/")
    assert page.locator("h1").inner_text() == "HTTP 状态码"

    page.locator(".class-group__title a", has_text="客户端错误").click()
    page.wait_for_url(site + "/4xx/")
    assert "客户端错误" in page.locator("h1").inner_text()

    page.locator(".code-row__link", has_text="Not Found").click()
    page.wait_for_url(site + "/404/")
    assert page.locator("h1").inner_text().startswith("404")

    related = page.locator(".related a").first
    target = related.get_attribute("href")
    related.click()
    page.wait_for_url(site + target)
    assert page.locator("h1").inner_text().startswith(target.strip("/"))

    assert recorder.errors == []
    assert recorder.foreign_requests() == []
    assert any(url.endswith(".css") for url in recorder.requests)
    context.close()


def test_copy_link_button_copies_the_canonical_url(browser, site):
    from playwright.sync_api import expect

    context, page, recorder = open_page(browser, viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page.goto(site + "/404/")
    button = page.get_by_role("button", name="复制链接")
    button.click()
    # The constants section has its own status line; this one sits beside the button.
    expect(page.locator(".page-tools .copy-status")).to_have_text("链接已复制")
    assert page.evaluate("navigator.clipboard.readText()") == site + "/404/"
    assert recorder.errors == []
    context.close()


def test_filters_keep_their_state_in_the_query_string(browser, site):
    context, page, _ = open_page(browser, viewport=DESKTOP)
    page.goto(site + "/")
    page.get_by_label("状态", exact=True).select_option("unofficial")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/\?(class=&)?lifecycle=unofficial$"))
    badges = page.locator(".code-row .badge").all_inner_texts()
    assert badges and all(text.startswith("非官方") for text in badges)
    page.locator(".class-group__title a").first.click()
    page.wait_for_url(re.compile(r"/[1-5]xx/\?lifecycle=unofficial$"))
    assert page.locator(".code-row .badge").all_inner_texts() == badges[: page.locator(".code-row").count()]
    context.close()


@pytest.mark.parametrize("width", [390, 320])
def test_no_page_scrolls_sideways_on_a_phone(browser, site, width):
    context, page, recorder = open_page(browser, viewport={"width": width, "height": 800})
    for path in [*PAGE_TYPES.values(), SEARCH_RESULTS]:
        page.goto(site + path)
        assert not has_horizontal_scroll(page), path
    not_found = [PAGE_TYPES[name] for name in NOT_FOUND_PAGES]
    assert sorted(recorder.errors) == sorted(expected_404_errors(site, not_found))
    assert recorder.foreign_requests() == []
    context.close()


def test_pages_make_no_console_errors_and_no_foreign_requests(browser, site):
    context, page, recorder = open_page(browser, viewport=DESKTOP)
    for name, path in PAGE_TYPES.items():
        response = page.goto(site + path)
        assert response.status == (404 if name in NOT_FOUND_PAGES else 200), path
    # Chromium logs every 404 document as a console error: those, and nothing more.
    not_found = [PAGE_TYPES[name] for name in NOT_FOUND_PAGES]
    assert sorted(recorder.errors) == sorted(expected_404_errors(site, not_found))
    assert recorder.foreign_requests() == []
    context.close()


def test_screenshots_of_every_page_type(browser, site):
    """Every page type on a desktop and a phone, light and dark: one load per page and device."""
    written = []
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context, page, _ = open_page(browser, viewport=viewport)
        for name, path in PAGE_TYPES.items():
            page.goto(site + path)
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
                written.append(save_screenshot(page, f"page-{name}-{device}-{scheme}", full_page=True))
        context.close()
    assert len(written) == len(set(written)) == 2 * len(SCHEMES) * len(PAGE_TYPES)
    assert all(path.read_bytes().startswith(b"\xff\xd8\xff") for path in written)  # JPEG files


def test_axe_finds_no_serious_or_critical_violations_in_either_scheme(browser, site):
    # The page's CSP rightly refuses injected scripts; bypass it for the checker only.
    context, page, _ = open_page(browser, viewport=DESKTOP, bypass_csp=True)
    problems = {}
    for path in [*PAGE_TYPES.values(), SEARCH_RESULTS]:
        page.goto(site + path)
        if path == SEARCH_RESULTS:
            assert page.locator("ol.search-results li").count() > 0  # a page of real results
        page.add_script_tag(path=str(AXE))
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            serious = [
                f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}×, "
                f"{violation['nodes'][0]['target']})"
                for violation in result["violations"]
                if violation["impact"] in ("serious", "critical")
            ]
            if serious:
                problems[f"{path} ({scheme})"] = serious
    context.close()
    assert problems == {}


def test_keyboard_user_reaches_the_skip_link_first_and_sees_focus(browser, site):
    context, page, _ = open_page(browser, viewport=DESKTOP)
    page.goto(site + "/404/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "跳到正文"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    context.close()


def test_print_stylesheet_hides_navigation(browser, site):
    context, page, _ = open_page(browser, viewport=DESKTOP)
    page.goto(site + "/404/")
    page.emulate_media(media="print")
    assert page.locator(".search-form").is_hidden()
    assert page.locator(".pager").is_hidden()
    assert page.locator("h1").is_visible()
    context.close()
