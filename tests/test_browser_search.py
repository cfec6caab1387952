"""The search box in Debian's Chromium, as a reader uses it, on the real catalogue.

Screenshots of the results page go to artifacts/ for a person to look at.
"""

import re
from urllib.parse import urlsplit

import pytest

from .browser import save_screenshot

# The module shares one seeded database and one live server (and runs on one xdist worker).
pytestmark = [pytest.mark.browser]

HEADER_BOX = 'header form[role="search"] input[name="q"]'
LISTBOX = '[role="listbox"]'
OPTION = '[role="option"]'


@pytest.fixture
def site(seeded_site):
    return seeded_site.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.foreign = []
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).hostname not in {"127.0.0.1", "localhost"}
            and page.foreign.append(request.url)
        ),
    )
    yield page
    context.close()


def test_browser_suggestions_appear_and_arrow_enter_navigates(site, page):
    page.goto(f"{site}/")
    box = page.locator(HEADER_BOX)
    box.click()
    box.press_sequentially("超时", delay=30)
    listbox = page.locator(LISTBOX)
    listbox.wait_for(state="visible")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    first = page.locator(OPTION).first
    assert first.inner_text().startswith("408")
    save_screenshot(page, "search-suggestions")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/408/"
    assert page.errors == [] and page.foreign == []


def test_browser_escape_closes_suggestions_and_enter_searches(site, page):
    page.goto(f"{site}/")
    box = page.locator(HEADER_BOX)
    box.click()
    box.press_sequentially("nginx", delay=30)
    page.locator(LISTBOX).wait_for(state="visible")
    page.keyboard.press("Escape")
    assert page.locator(LISTBOX).is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/search/"
    assert page.locator("ol.search-results li").first.inner_text().startswith("444")


def test_browser_slash_focuses_the_search_box(site, page):
    page.goto(f"{site}/301/")
    page.locator("body").click(position={"x": 5, "y": 600})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    assert page.locator(HEADER_BOX).input_value() == ""
    # Typing "/" inside the box is just a character.
    page.keyboard.type("a/b")
    assert page.locator(HEADER_BOX).input_value() == "a/b"


@pytest.mark.parametrize(("q", "path"), [("404", "/404/"), ("ＨＴＴＰ ４１８", "/418/"), ("436", "/436/")])
def test_browser_exact_code_jumps(site, page, q, path):
    page.goto(f"{site}/")
    box = page.locator(HEADER_BOX)
    box.fill(q)
    with page.expect_navigation():
        box.press("Enter")
    assert urlsplit(page.url).path == path


def test_browser_results_page_and_hostile_input(site, page):
    page.goto(f"{site}/search/?q=%E8%B6%85%E6%97%B6")
    assert "找到" in page.locator(".search-count").inner_text()
    marks = page.locator("ol.search-results mark")
    assert marks.count() > 0 and marks.first.inner_text() == "超时"
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    save_screenshot(page, "search-results", full_page=True)

    page.goto(f"{site}/search/?q=Too+Many+Connections")
    save_screenshot(page, "search-old-name", full_page=True)
    assert "注解 · 更正" in page.locator("ol.search-results").inner_text()

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    box = page.locator(HEADER_BOX)
    box.fill('<img src=x onerror=alert(1)>%_\\"')
    with page.expect_navigation():
        box.press("Enter")
    assert page.locator("h1").inner_text() == '搜索“<img src=x onerror=alert(1)>%_\\"”'
    assert dialogs == []
    assert page.errors == [] and page.foreign == []


def test_browser_search_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/")
    box = page.locator(HEADER_BOX)
    box.fill("Payload Too Large")
    with page.expect_navigation():
        box.press("Enter")
    assert re.search(r"^413", page.locator("ol.search-results li").first.inner_text())
    page.locator("select[name=class]").select_option("5")
    with page.expect_navigation():
        page.locator(".search-filters button[type=submit]").click()
    assert "class=5" in page.url and "q=Payload+Too+Large" in page.url
    context.close()
