import itertools
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from statuscodes.models import Annotation, StatusCode

# Codes no real entry uses, reused round-robin so long runs stay within 100–599.
_codes = itertools.cycle(range(230, 300))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rendered pages are cached; each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


EDITOR_PASSWORD = "a-long-editor-password-2026"


@pytest.fixture
def editor(db, monkeypatch):
    """A user made the way operators make editors: `manage.py create_editor`."""
    monkeypatch.setenv("EDITOR_PASSWORD", EDITOR_PASSWORD)
    call_command("create_editor", "editor", stdout=StringIO())
    return get_user_model().objects.get(username="editor")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def make_entry(db):
    """Create a StatusCode with sensible defaults; pass fields to override."""

    def make(**fields):
        values = {
            "code": fields.pop("code", None) or next(_codes),
            "phrase": "Test Phrase",
            "name_zh": "测试",
            "summary": "一个测试用的状态码。",
            "description": "测试说明。",
            "source": StatusCode.Source.IANA,
            "lifecycle": StatusCode.Lifecycle.STANDARD,
            "retry": StatusCode.Retry.NOT_APPLICABLE,
        }
        values.update(fields)
        return StatusCode.objects.create(**values)

    return make


@pytest.fixture
def make_annotation(db):
    def make(entry, **fields):
        values = {"kind": Annotation.Kind.NOTE, "body": "一条**注解**。", "is_published": True}
        values.update(fields)
        return Annotation.objects.create(status_code=entry, **values)

    return make


@pytest.fixture
def seeded(db):
    """The real catalogue, seeded from the committed fixture as `make run` does."""
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_statuscodes", stdout=StringIO())
    return StatusCode.objects.all()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium for one test module; tests that need it skip where it is missing."""
    from .browser import CHROMIUM, CHROMIUM_ARGS, chromium_available

    if not chromium_available():
        pytest.skip(f"Debian Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and
    # Django refuses ORM calls (seeding, flushing) beside a running loop.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
