"""The editorial admin in Debian's Chromium, as a new editor would use it, on the real catalogue.

Screenshots go to artifacts/admin-*.jpg for a person to look at.
"""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from statuscodes.models import StatusCode

from .browser import save_screenshot

# The module shares one seeded database and one live server (and runs on one xdist worker).
pytestmark = [pytest.mark.browser]

PASSWORD = "a-long-editor-password-2026"
# The document's typo, still shown beside the entry for comparison; the public text has it corrected.
DOCUMENT_TYPO = "并没有没满足"
# A sentence of 510's curated text, and the typo the test plants in it for the editor to fix.
FIXED = "新的服务器不应再使用它"
TYPO = "新的服务器不应在使用它"
ADMIN = f"/{settings.ADMIN_PATH}"


@pytest.fixture(scope="module")
def editors(seeded_site, django_db_blocker):
    """Two editor accounts, made once for the module the way operators make them."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setenv("EDITOR_PASSWORD", PASSWORD)
        for name in ("editor", "editor2"):
            call_command("create_editor", name, stdout=StringIO())


@pytest.fixture
def site(seeded_site, editors, site_db):
    """The module's live server with the real catalogue and two editor accounts."""
    return seeded_site.url


def set_description(code, description, reason):
    """Give an entry a known description, saved as an editor's edit would be."""
    entry = StatusCode.objects.get(pk=code)
    entry.description = description
    entry._change_reason = reason
    entry.save()
    return StatusCode.objects.get(pk=code)


@pytest.fixture
def entry_with_typo(site):
    """510 with a typo planted in its curated text, awaiting an editor: the seed's text has none to fix.

    Planted in the text the seed wrote, whatever an earlier test in the module left there.
    """
    entry = StatusCode.objects.get(pk=510)
    seeded = entry.seed_baseline["description"]
    assert seeded.count(FIXED) == 1 and TYPO not in seeded
    # The document's sentence beside it keeps the document's own typo, for comparison.
    assert DOCUMENT_TYPO in entry.source_text
    assert DOCUMENT_TYPO not in seeded
    return set_description(510, seeded.replace(FIXED, TYPO), "测试：埋下一个错别字")


def log_in(browser, site, username="editor"):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and errors.append(f"{page.url}: {message.text} {message.location}")
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site}{ADMIN}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}{ADMIN}/")
    return context, page, errors


def description_section(page):
    return page.locator("section[aria-labelledby=description]").inner_text()


def test_editor_edits_510_sees_it_public_then_reverts_it(browser, site, entry_with_typo):
    context, page, errors = log_in(browser, site)
    assert "编辑后台" in page.title()
    assert page.locator("#review-queue").get_by_text("个条目待审核").is_visible()
    save_screenshot(page, "admin-index", full_page=True)

    # 2. Find 510 through the admin search.
    page.get_by_role("link", name="状态码", exact=True).click()
    page.fill("#searchbar", "510")
    page.press("#searchbar", "Enter")
    page.wait_for_url(re.compile(r"\?q=510"))
    page.locator("#result_list").get_by_role("link", name="510", exact=True).click()
    textarea = page.locator("textarea[name=description]")
    assert textarea.input_value() == entry_with_typo.description
    assert DOCUMENT_TYPO in page.locator(".field-source_text .readonly").inner_text()
    save_screenshot(page, "admin-change-form", full_page=True)

    # 3. Fix the typo with an edit summary.
    textarea.fill(textarea.input_value().replace(TYPO, FIXED))
    page.fill("input[name=change_reason]", f"修正错别字：{TYPO} → {FIXED}")
    page.locator("input[name=_save]").last.click()
    page.wait_for_selector(".messagelist .success")

    # 4. The fix is on the public page at once.
    page.goto(f"{site}/510/")
    assert FIXED in description_section(page)
    assert TYPO not in description_section(page)

    # 5. Revert it from the history.
    page.goto(f"{site}{ADMIN}/statuscodes/statuscode/510/history/")
    rows = page.locator("#change-history tbody tr")
    assert "修正错别字" in rows.nth(0).inner_text()
    assert "editor" in rows.nth(0).inner_text()
    save_screenshot(page, "admin-history", full_page=True)
    rows.nth(1).get_by_role("link").first.click()
    assert page.input_value("input[name=change_reason]").startswith("恢复到 ")
    page.locator("input[name=_save]").last.click()
    page.wait_for_selector(".messagelist .success")

    # 6. The wording before the edit, typo included, is back on the next visit.
    page.goto(f"{site}/510/")
    assert TYPO in description_section(page)
    assert FIXED not in description_section(page)
    assert StatusCode.objects.get(pk=510).description == entry_with_typo.description
    reverted = StatusCode.objects.get(pk=510)
    assert reverted.version == entry_with_typo.version + 2
    assert reverted.history.first().history_change_reason.startswith("恢复到 ")
    assert errors == []
    context.close()


def test_two_editors_save_the_same_entry_and_the_second_keeps_their_text(browser, site):
    set_description(510, "两位编辑开始前的说明。", "测试：准备")
    first, page_a, errors_a = log_in(browser, site, "editor")
    second, page_b, errors_b = log_in(browser, site, "editor2")
    change_url = f"{site}{ADMIN}/statuscodes/statuscode/510/change/"
    page_a.goto(change_url)
    page_b.goto(change_url)

    page_a.fill("textarea[name=description]", "编辑甲写的说明。")
    page_a.fill("input[name=change_reason]", "甲的修改")
    page_a.locator("input[name=_save]").last.click()
    page_a.wait_for_selector(".messagelist .success")

    page_b.fill("textarea[name=description]", "编辑乙写的说明，不能丢。")
    page_b.fill("input[name=change_reason]", "乙的修改")
    page_b.locator("input[name=_save]").last.click()

    error = page_b.locator(".errornote, .errorlist.nonfield").first
    error.wait_for()
    conflict = page_b.locator(".errorlist.nonfield").inner_text()
    assert "保存冲突" in conflict and "editor" in conflict and "甲的修改" in conflict
    assert page_b.input_value("textarea[name=description]") == "编辑乙写的说明，不能丢。"
    assert page_b.input_value("input[name=change_reason]") == "乙的修改"
    save_screenshot(page_b, "admin-conflict")
    save_screenshot(page_b.locator("fieldset.source-compare"), "admin-source-compare")
    assert StatusCode.objects.get(pk=510).description == "编辑甲写的说明。"

    # The link shows what changed; saving again after reading it is deliberate.
    history_link = page_b.locator(".errorlist.nonfield a")
    assert history_link.get_attribute("href").endswith("/statuscodes/statuscode/510/history/")
    page_b.locator("input[name=_save]").last.click()
    page_b.wait_for_selector(".messagelist .success")
    assert StatusCode.objects.get(pk=510).description == "编辑乙写的说明，不能丢。"
    assert errors_a == [] and errors_b == []
    first.close()
    second.close()


def test_annotation_preview_renders_sanitized_markdown(browser, site):
    context, page, errors = log_in(browser, site)
    page.goto(f"{site}{ADMIN}/statuscodes/statuscode/404/change/")
    page.locator(".add-row a").click()
    body = page.locator("textarea[name$='-body']:not([name*='__prefix__'])").last
    body.fill("**重点** <script>window.hacked = 1</script> [坏链接](javascript:alert(1))")
    page.locator(".markdown-preview-button").last.click()

    preview = page.locator(".markdown-preview").last
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "重点"
    assert preview.locator("script").count() == 0
    assert page.evaluate("window.hacked") is None
    assert preview.locator("a[href^='javascript']").count() == 0
    save_screenshot(page, "admin-preview", full_page=True)
    assert errors == []
    context.close()
