import itertools
import os
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client

from statuscodes import pagecache, search_log
from statuscodes.models import Annotation, StatusCode

from . import plugins

# Codes no real entry uses, reused round-robin so long runs stay within 100–599.
_codes = itertools.cycle(range(230, 300))

# With Redis, every pytest-xdist worker keeps its keys under a prefix of its own, so one
# worker's cache clear or edit never touches another's pages.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_cache_config = settings.CACHES["default"]
if "RedisCache" in _cache_config["BACKEND"]:
    _cache_config["KEY_PREFIX"] = f"{_cache_config.get('KEY_PREFIX', 'statuscodes')}-test-{WORKER}"


# whitenoise serves STATIC_ROOT: in tests that is never the staticfiles/ an earlier
# `make run` may have left behind, but a directory that does not exist. A test that
# needs collected files makes its own (tests/test_http.py, tests/test_properties.py).
settings.STATIC_ROOT = settings.BASE_DIR / "tests" / "no-static-root"

# The database's real name, before pytest-django swaps in the test database's.
_REAL_DATABASE_NAME = settings.DATABASES["default"]["NAME"]


def pytest_configure(config):
    config.pluginmanager.register(plugins.FuzzReport(config), "statuscodes-fuzz-report")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(plugins.XdistFuzzCollector(), "statuscodes-fuzz-xdist")
    plugins.install_streaming_guard()


# Marks of the tests that take seconds each: a module holding any of them is sent to a
# worker first, so the short modules fill the gaps instead of waiting behind it at the end.
SLOW_MARKS = ("server", "browser", "fuzz", "standalone")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    slow_modules = {item.path for item in items if any(item.get_closest_marker(m) for m in SLOW_MARKS)}
    items.sort(key=lambda item: item.path not in slow_modules)


def clear_cache():
    """Empty this run's caches: the pages in this process's memory, and the whole local-memory
    cache or this worker's Redis keys (the catalogue generation's token among them)."""
    pagecache.pages.clear()
    # Forget the shared token this process last read, so the next request reads it again.
    pagecache.generation.shared = None
    if not pagecache.generation.uses_redis():
        cache.clear()
        return
    client = pagecache.generation.redis()
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rendered pages are cached, and searches that found nothing wait in this process's buffer
    (tests never write it by themselves): each test starts from an empty cache and buffer."""
    clear_cache()
    search_log.buffer.take()
    yield
    clear_cache()
    search_log.buffer.take()


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
    call_command("seed_statuscodes", stdout=StringIO())
    return StatusCode.objects.all()


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker):
    """The real catalogue, seeded once for a module whose every test reads it.

    The seed runs in a transaction that stays open while the module's tests run (each test's
    own changes roll back to a savepoint, as in Django's TestCase) and is rolled back when the
    module is done, so no other module ever sees it. It suits modules whose tests use ``db``;
    ``transactional_db`` and live servers need committed data (``seeded_site``).
    """
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        call_command("seed_statuscodes", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)


@pytest.fixture
def seeded_once(seeded_module, db):
    """``seeded`` for a module that shares one seeding among its tests (``seeded_module``)."""
    return StatusCode.objects.all()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory, worker_id):
    """Where the production servers of this run find their static files: one directory for all
    xdist workers (the parent of each worker's temporary directory), collected once per run."""
    base = tmp_path_factory.getbasetemp()
    return (base if worker_id == "master" else base.parent) / "collected-static"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium for one test module; tests that need it skip where it is missing (fail on CI)."""
    from .browser import CHROMIUM, CHROMIUM_ARGS, chromium_available

    if not chromium_available():
        plugins.missing_tool(f"Debian Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and
    # Django refuses ORM calls (seeding, flushing) beside a running loop.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, also when only the browser modules run.

    pytest-django creates it for tests marked ``django_db``; the browser modules use one
    committed database per module instead (``seeded_site``) and carry no such mark. Never
    the real database: when no marked test asked for the test database, it is made here.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.settings_dict["NAME"] != _REAL_DATABASE_NAME:
        yield
        return
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="module")
def seeded_site(browser, django_db_setup, django_db_blocker):
    """The real catalogue, seeded once for the module and served by a live server of its own.

    The browser tests read far more than they write, so they share one seeded database
    (committed, outside any test transaction) instead of re-seeding for every test; a test
    that edits an entry sets up the state it needs itself. The module's data is flushed
    when its last test is done, so no other module ever sees it.
    """
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        call_command("seed_statuscodes", stdout=StringIO())
        server = LiveServer("127.0.0.1:0")
        # Stopping the server then waits for every request thread (socketserver joins the
        # threads it started unless they are daemons), so none is still closing the shared
        # database connection after the server has stopped sharing it.
        server.thread.httpd.daemon_threads = False
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            # Chromium holds its connections open until their context closes: close them all
            # first, or the request threads serving them would never end.
            for context in browser.contexts:
                context.close()
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            # Django keeps a connection per asyncio context, and Playwright's running loop gives
            # this fixture one of its own: close it, or PostgreSQL's test database cannot be dropped.
            connections.close_all()


@pytest.fixture
def site_db(seeded_site, django_db_blocker):
    """ORM access, for a test, to the module's seeded database (no transaction to roll back)."""
    with django_db_blocker.unblock():
        yield
