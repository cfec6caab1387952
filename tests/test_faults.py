"""Faults: the database or the cache goes away, and a save fails half-way.

Two kinds of test live here:

* in-process ones make every SQL statement fail through
  ``connection.execute_wrapper`` (exactly what a dropped connection looks
  like to Django), and check the 503 and the recovery request by request;
* ``server`` ones start the production configuration (gunicorn, DEBUG off,
  tests/servers.py) on a real SQLite file or a real PostgreSQL reached through
  a TCP relay, take the database away underneath it, and bring it back.
"""

import contextlib
import logging
import socket
import threading
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.http import Http404
from django.template import engines
from django.template.response import SimpleTemplateResponse
from django.test import Client, override_settings
from django.urls import path

from statuscodes.models import StatusCode

from .scratch import scratch_database, scratch_url, server_port
from .servers import ProductionServer, collect_static, manage, production_env

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    "/",
    "/4xx/",
    "/404/",
    "/api/",
    "/api/codes/",
    "/api/codes/404/",
    "/search/?q=not+found",
    "/search/?q=%E6%9C%AA%E6%89%BE%E5%88%B0",
    "/search/suggest/?q=40",
    "/sitemap.xml",
]


def refuse(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


@contextlib.contextmanager
def database_down():
    """Every query on this thread's connection fails, as if the server had gone."""
    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def catalogue(make_entry):
    make_entry(code=404, phrase="Not Found", name_zh="未找到", summary="服务器找不到请求的资源。")
    make_entry(code=200, phrase="OK", name_zh="成功", summary="请求成功。")


def assert_static_503(response):
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"].isdigit()
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "503" in page and "服务暂时不可用" in page
    assert "Traceback" not in page and "OperationalError" not in page


@pytest.mark.parametrize("url", PUBLIC_PATHS)
def test_faults_public_page_database_down_is_503_then_recovers(client, catalogue, url):
    with database_down():
        assert_static_503(client.get(url))

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK


def test_faults_database_down_head_is_503_without_body(client, catalogue):
    with database_down():
        response = client.head("/404/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.content == b""


def test_faults_database_down_admin_is_503(client, catalogue):
    # The session and the user are loaded lazily inside the admin view.
    client.cookies["sessionid"] = "x" * 32
    with database_down():
        assert_static_503(client.get("/admin/"))


def test_faults_database_down_is_logged_without_traceback_in_page(client, catalogue, caplog):
    with database_down(), caplog.at_level(logging.ERROR, logger="statuscodes.middleware"):
        client.get("/404/")

    assert any("数据库不可用" in record.getMessage() for record in caplog.records)


def test_faults_out_of_range_code_still_404_when_database_down(client, catalogue):
    # No query is needed to know /999/ does not exist; the 404 page copes without its entry.
    with database_down():
        response = Client(raise_request_exception=False).get("/999/")

    assert response.status_code == HTTPStatus.NOT_FOUND


# A small URLconf for failures the real views may or may not trigger: a lazy
# queryset that only runs while the template renders, and a 404 handler that
# itself needs the database.
def lazy_listing(request):
    template = engines["django"].from_string("{% for entry in entries %}{{ entry.code }} {% endfor %}")
    return SimpleTemplateResponse(template, {"entries": StatusCode.objects.all()})


def missing(request):
    raise Http404


def not_found_from_database(request, exception=None):
    entry = StatusCode.objects.get(code=404)
    return SimpleTemplateResponse(
        engines["django"].from_string("{{ entry.name_zh }}"), {"entry": entry}, status=404
    )


urlpatterns = [path("lazy/", lazy_listing), path("missing/", missing)]
handler404 = not_found_from_database


@pytest.mark.urls(__name__)
def test_faults_lazy_queryset_failing_during_render_is_503(client, catalogue):
    assert client.get("/lazy/").content.decode().split() == ["200", "404"]

    with database_down():
        assert_static_503(client.get("/lazy/"))


@pytest.mark.urls(__name__)
@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_faults_404_handler_failing_is_503_not_500(catalogue):
    # Django turns this into a 500 before any middleware sees the exception;
    # raise_request_exception=False lets the test see what a browser would.
    client = Client(raise_request_exception=False)
    assert client.get("/missing/").status_code == HTTPStatus.NOT_FOUND

    with database_down():
        assert_static_503(client.get("/missing/"))

    assert client.get("/missing/").status_code == HTTPStatus.NOT_FOUND


# --- Redis -------------------------------------------------------------------


@contextlib.contextmanager
def closed_port():
    """A loopback port that refuses connections: bound, never listening, and held so no one else takes it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def redis_down(settings, monkeypatch):
    # After a failure the site skips the cache for a few seconds; start each test fresh.
    monkeypatch.setattr("statuscodes.pagecache.generation.unavailable_until", 0.0)
    with closed_port() as port:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        yield


@pytest.mark.parametrize("url", PUBLIC_PATHS)
def test_faults_redis_down_site_still_serves(client, catalogue, redis_down, url):
    response = client.get(url)

    assert response.status_code == HTTPStatus.OK


def test_faults_redis_down_is_logged(client, catalogue, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="statuscodes"):
        assert client.get("/404/").status_code == HTTPStatus.OK

    assert any("缓存服务不可用" in record.getMessage() for record in caplog.records)


def test_faults_redis_down_editor_save_still_works(catalogue, redis_down):
    entry = StatusCode.objects.get(code=404)
    entry.summary = "Redis 停了也能保存。"
    entry.save()

    assert StatusCode.objects.get(code=404).summary == "Redis 停了也能保存。"


# --- The production server on a real database ---------------------------------


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def assert_server_503(url, allow_ok=False):
    status, headers, body = fetch(url)
    if allow_ok and status == HTTPStatus.OK:
        return
    assert status == HTTPStatus.SERVICE_UNAVAILABLE, body[:500]
    assert headers["Retry-After"].isdigit()
    assert "服务暂时不可用" in body
    assert "Traceback" not in body and "sqlite3" not in body and "psycopg" not in body


SERVER_PATHS = ["/", "/404/", "/api/codes/", "/search/?q=not+found"]
# Search answers from an in-memory index built from the catalogue, so it may
# keep serving while the database is away; every other page needs the database.
MAY_SERVE_WITHOUT_DATABASE = ("/search/",)


def assert_server_degraded(url, path_):
    assert_server_503(url, allow_ok=path_.startswith(MAY_SERVE_WITHOUT_DATABASE))


def prepare_server(env):
    """Migrate and add one entry, in one process, and collect the static files (once per run)."""
    manage(
        env,
        "shell",
        "-c",
        "from django.core.management import call_command\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        "from statuscodes.models import StatusCode as S; S.objects.get_or_create(code=404, defaults=dict("
        "phrase='Not Found', name_zh='未找到', summary='找不到。', description='说明。', source='iana'))",
    )
    collect_static(env)


@pytest.mark.server
@pytest.mark.standalone
def test_faults_server_sqlite_file_unreadable_then_back(tmp_path, static_root):
    # Connections are opened per request here, so the fault is seen on the next
    # request; with persistent connections an open SQLite file keeps working.
    env = production_env(tmp_path, static_root=static_root, extra={"DJANGO_CONN_MAX_AGE": "0"})
    prepare_server(env)
    database = Path(env["SQLITE_PATH"])
    with ProductionServer(env, workers=2) as server:
        for url in SERVER_PATHS:
            assert fetch(server.url(url))[0] == HTTPStatus.OK

        # The tests may run as root, where chmod 000 stops nothing; a directory
        # where the database file should be cannot be opened by anyone.
        database.rename(tmp_path / "away.sqlite3")
        database.mkdir()
        try:
            for url in SERVER_PATHS:
                assert_server_degraded(server.url(url) + ("&" if "?" in url else "?") + "down=1", url)
        finally:
            database.rmdir()
            (tmp_path / "away.sqlite3").rename(database)

        for url in SERVER_PATHS:
            assert fetch(server.url(url) + ("&" if "?" in url else "?") + "back=1")[0] == HTTPStatus.OK


class Relay:
    """A TCP relay standing in for the network path to PostgreSQL; cut() breaks it, mend() restores it.

    It listens on one port for its whole life (one the kernel picks), so the server's
    DATABASE_URL stays valid throughout: while cut, open connections are shut and every
    new one is closed as soon as it arrives.
    """

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.sockets = []
        self.lock = threading.Lock()
        self.is_cut = False
        self.closed = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.closed:
            try:
                downstream, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.is_cut:
                downstream.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.sockets += [downstream, upstream]
            for source, sink in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.is_cut = True
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def mend(self):
        self.is_cut = False

    def close(self):
        self.cut()
        self.closed = True
        self.thread.join()
        self.listener.close()


@pytest.fixture
def fault_database():
    """A throwaway PostgreSQL database, named after the run's and this test process."""
    with scratch_database("faults") as name:
        yield name


@pytest.mark.server
@pytest.mark.standalone
def test_faults_server_postgresql_unreachable_then_back(tmp_path, fault_database, static_root):
    relay = Relay(server_port())
    url = scratch_url(fault_database, port=relay.port)
    # Persistent connections with health checks, as in production.
    env = production_env(tmp_path, static_root=static_root, database_url=url)
    try:
        prepare_server(env)
        with ProductionServer(env, workers=2) as server:
            for path_ in SERVER_PATHS:
                assert fetch(server.url(path_))[0] == HTTPStatus.OK

            relay.cut()
            for attempt in range(3):
                for path_ in SERVER_PATHS:
                    separator = "&" if "?" in path_ else "?"
                    assert_server_degraded(server.url(path_) + f"{separator}down={attempt}", path_)

            relay.mend()
            for attempt in range(3):
                for path_ in SERVER_PATHS:
                    separator = "&" if "?" in path_ else "?"
                    status = fetch(server.url(path_) + f"{separator}back={attempt}")[0]
                    assert status == HTTPStatus.OK
    finally:
        relay.close()


def test_faults_database_down_during_login_is_plain_503(client, catalogue):
    with database_down():
        response = client.post("/admin/login/", {"username": "zhang", "password": "x"})

    assert_static_503(response)
    assert "保存失败" not in response.content.decode()
