"""The zero-result loop in Debian's Chromium: a reader's failed search reaches the admin, an editor
adds the phrase to an entry in one step, and the same search finds that entry at once.

Screenshots go to artifacts/search-log-*.jpg for a person to look at.
"""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from statuscodes import search_log
from statuscodes.models import StatusCode, ZeroResultSearch

from .browser import save_screenshot

pytestmark = pytest.mark.browser

PASSWORD = "a-long-editor-password-2026"
ADMIN = f"/{settings.ADMIN_PATH}"
# What a reader types when another login pushed them out: no entry says it this way.
PHRASE = "账号被挤掉"


@pytest.fixture
def site(seeded_site, site_db, monkeypatch, settings):
    """The module's live server with the real catalogue, one editor, and the log written after every search."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SEARCH_LOG_BATCH_SIZE = 1
    monkeypatch.setenv("EDITOR_PASSWORD", PASSWORD)
    call_command("create_editor", "editor", stdout=StringIO())
    search_log.buffer.take()
    yield seeded_site.url
    search_log.buffer.take()


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return context, page


def search(page, site, q):
    page.goto(f"{site}/")
    box = page.locator('header form[role="search"] input[name="q"]')
    box.fill(q)
    with page.expect_navigation():
        box.press("Enter")
    return [int(code) for code in page.locator(".search-results .code-num").all_inner_texts()]


def test_a_failed_search_is_added_to_an_entry_by_an_editor_and_then_found(browser, site):
    reader_context, reader = new_page(browser)
    assert search(reader, site, PHRASE) == []
    assert "没有找到匹配的状态码" in reader.locator("main").inner_text()

    editor_context, editor = new_page(browser)
    editor.goto(f"{site}{ADMIN}/")
    editor.fill("#id_username", "editor")
    editor.fill("#id_password", PASSWORD)
    editor.click("input[type=submit]")
    editor.wait_for_url(f"{site}{ADMIN}/")
    editor.get_by_role("link", name="无结果的搜索").first.click()
    row = editor.locator(f'tr[data-query="{PHRASE}"]')
    row.wait_for()
    assert row.locator("td").nth(1).inner_text() == "1"
    save_screenshot(editor, "search-log-list", full_page=True)

    row.locator('input[name="code"]').fill("401")
    assert row.locator('input[name="phrase"]').input_value() == PHRASE
    with editor.expect_navigation():
        row.get_by_role("button", name="加入").click()
    success = editor.locator(".messagelist .success")
    assert re.search(f"已把“{PHRASE}”加入 401 .* 的常见说法", success.inner_text())
    assert editor.locator(f'tr[data-query="{PHRASE}"]').count() == 0
    save_screenshot(editor, "search-log-added", full_page=True)

    assert PHRASE in StatusCode.objects.get(pk=401).search_term_list
    assert not ZeroResultSearch.objects.filter(query=PHRASE).exists()
    assert search(reader, site, PHRASE)[:1] == [401]
    save_screenshot(reader, "search-log-found", full_page=True)
    assert reader.errors == [] and editor.errors == []
    reader_context.close()
    editor_context.close()
