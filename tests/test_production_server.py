"""The production configuration under the real server: gunicorn, DEBUG off, 3 workers.

The test client hides what a real server sees: it strips HEAD bodies and does
not enforce CSRF. This module starts gunicorn with gunicorn.conf.py on a
loopback port, with collected static files and a cache generation file in a
temporary directory (migrated and seeded as `make serve` does), and talks to it
over HTTP.

The server uses what the test run uses: its own SQLite file and per-worker
memory caches on a plain run, or, when the run has DATABASE_URL and REDIS_URL
(CI's PostgreSQL step), a scratch PostgreSQL database of its own and Redis.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

import pytest

from . import servers as production
from .plugins import missing_tool
from .scratch import scratch_database, scratch_url

# One server for the whole module (which runs on one xdist worker: --dist loadfile).
pytestmark = [pytest.mark.server]

SEARCH = "/search/?q=%E9%87%8D%E5%AE%9A%E5%90%91"
PAGES = ["/", "/4xx/", "/404/", SEARCH, "/api/codes/404/"]
WORKERS = 3
# gunicorn's access log, one line per request: the worker's pid and the X-Probe header we send.
ACCESS_LOG_FORMAT = "probe=%({x-probe}i)s pid=%(p)s status=%(s)s"
ACCESS_LOG = {"GUNICORN_ACCESS_LOG": "1", "GUNICORN_CMD_ARGS": f"--access-logformat='{ACCESS_LOG_FORMAT}'"}
REDIS_MODE = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))


@pytest.fixture(scope="module")
def server_database():
    """A scratch PostgreSQL database beside the run's own when the run uses PostgreSQL; else None."""
    if not REDIS_MODE:
        yield None
        return
    with scratch_database("server") as name:
        yield scratch_url(name)


@pytest.fixture(scope="module")
def server(tmp_path_factory, server_database, static_root):
    workdir = tmp_path_factory.mktemp("production")
    env = production.production_env(
        workdir,
        static_root=static_root,
        database_url=server_database,
        redis_url=os.environ["REDIS_URL"] if REDIS_MODE else None,
        extra={
            "DJANGO_HSTS_SECONDS": "31536000",
            "DJANGO_BEHIND_TLS_PROXY": "1",
            "CACHE_KEY_PREFIX": f"server-test-{uuid.uuid4().hex}",
            **ACCESS_LOG,
        },
    )
    production.prepare(env)
    with production.ProductionServer(env, workers=WORKERS) as running:
        yield running
    if REDIS_MODE:  # leave no keys behind in the run's Redis database
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        keys = list(client.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*", count=1000))
        if keys:
            client.delete(*keys)


def request(server, method, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, body
    finally:
        connection.close()


def raw_head(server, path):
    """Everything gunicorn puts on the wire for a HEAD, headers and any body bytes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nConnection: close\r\n\r\n".encode()
        )
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


def without_date(headers):
    return {name: value for name, value in headers.items() if name != "date"}


@pytest.mark.parametrize("path", PAGES)
def test_head_sends_the_get_headers_and_no_body(server, path):
    status, get_headers, body = request(server, "GET", path)
    head_status, head_headers, _ = request(server, "HEAD", path)
    raw_headers, raw_body = raw_head(server, path)

    assert status == head_status == HTTPStatus.OK
    assert without_date(head_headers) == without_date(get_headers)
    assert head_headers["content-length"] == str(len(body))
    assert raw_body == b""
    assert f"\r\nContent-Length: {len(body)}\r\n" in raw_headers, (len(body), raw_headers)


@pytest.mark.parametrize("path", PAGES)
def test_if_none_match_gets_304_with_the_200s_headers(server, path):
    _, full, _ = request(server, "GET", path, {"Accept-Encoding": "gzip"})

    status, headers, body = request(
        server, "GET", path, {"Accept-Encoding": "gzip", "If-None-Match": full["etag"]}
    )

    assert status == HTTPStatus.NOT_MODIFIED
    assert body == b""
    for name in ("etag", "last-modified", "cache-control", "vary"):
        assert headers.get(name) == full.get(name), name
    assert "content-length" not in headers


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", PAGES)
def test_unsafe_method_without_csrf_token_gets_405_not_403(server, path, method):
    status, headers, body = request(
        server, method, path, {"Content-Type": "application/x-www-form-urlencoded"}
    )

    assert status == HTTPStatus.METHOD_NOT_ALLOWED
    assert headers["allow"] == "GET, HEAD"
    assert "方法不允许" in body.decode()


def test_options_is_answered(server):
    status, headers, body = request(server, "OPTIONS", "/404/")

    assert status == HTTPStatus.NO_CONTENT
    assert headers["allow"] == "GET, HEAD, OPTIONS"
    assert body == b""


def test_unknown_path_gets_the_404_page(server):
    status, headers, body = request(server, "GET", "/no/such/page/")

    assert status == HTTPStatus.NOT_FOUND
    assert headers["content-type"].startswith("text/html")
    page = body.decode()
    assert "404" in page
    assert "/no/such/page/" in page
    assert 'href="/404/"' in page


def test_security_headers(server):
    _, plain, _ = request(server, "GET", "/404/")
    _, behind_tls, _ = request(server, "GET", "/404/", {"X-Forwarded-Proto": "https"})

    csp = plain["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert plain["x-content-type-options"] == "nosniff"
    assert plain["referrer-policy"] == "same-origin"
    assert plain["cross-origin-opener-policy"] == "same-origin"
    assert plain["x-frame-options"] == "DENY"
    # HSTS is only meaningful, and only sent, over HTTPS (here: a TLS proxy in front).
    assert "strict-transport-security" not in plain
    assert behind_tls["strict-transport-security"] == "max-age=31536000"


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_set_no_cookies(server, path):
    _, headers, _ = request(server, "GET", path)

    assert "set-cookie" not in headers
    assert "cookie" not in headers.get("vary", "").lower()


def on_every_worker(server, path, workers=WORKERS):
    """GET ``path`` once on each worker, for certain, and prove it from gunicorn's access log.

    A sync worker handles one connection at a time. Opening one connection per
    worker and sending only part of the request makes each worker take one and
    wait for the rest, so the requests cannot all land on the same worker; the
    rest is sent once every connection has been accepted. Each
    request carries a probe header of its own; the access log then names the
    worker pid that answered each probe, and those pids must all differ.
    Returns {pid: response text}.
    """
    probes = [uuid.uuid4().hex for _ in range(workers)]
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
    sockets = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(workers)]
    try:
        for sock in sockets:
            sock.sendall(head.encode())
        server.wait_until_accepted(sockets)  # every worker holds one connection and waits on it
        for sock, probe in zip(sockets, probes, strict=True):
            sock.sendall(f"X-Probe: {probe}\r\nConnection: close\r\n\r\n".encode())
        bodies = []
        for sock in sockets:
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
            bodies.append(b"".join(chunks).decode("utf-8", "replace"))
    finally:
        for sock in sockets:
            sock.close()
    answered = {}
    deadline = time.monotonic() + 10
    while len(answered) < workers and time.monotonic() < deadline:
        logged = dict(re.findall(r"probe=([0-9a-f]{32}) pid=<?(\d+)", server.log()))
        answered = {probe: int(logged[probe]) for probe in probes if probe in logged}
        time.sleep(0.05)
    pids = [answered.get(probe) for probe in probes]
    assert None not in pids, f"{path}: the access log does not name a worker for every request"
    assert len(set(pids)) == workers, (
        f"{path}: answered by workers {Counter(pids)}, not {workers} different ones"
    )
    assert set(pids) == set(server.worker_pids())
    return dict(zip(pids, bodies, strict=True))


def status_line(response):
    return response.split("\r\n", 1)[0]


def test_an_edit_shows_on_every_worker_at_once(server):
    """Each worker caches pages (in its memory, or in Redis with a local copy); an edit reaches all at once."""
    new_name = f"改名测试-{uuid.uuid4().hex[:8]}"
    search = f"/search/?q={quote(new_name)}"
    paths = ["/404/", "/api/codes/404/", "/", search]
    assert len(server.worker_pids()) == WORKERS
    for path in paths:
        for _ in range(2):  # the second round is a cache hit on every worker
            responses = on_every_worker(server, path)
            assert all(" 200 OK" in status_line(response) for response in responses.values())
    # Before the edit the search for the new name finds nothing on any worker.
    assert all('class="search-empty"' in response for response in on_every_worker(server, search).values())

    edit = (
        "from statuscodes.models import StatusCode\n"
        "entry = StatusCode.objects.get(code=404)\n"
        f"entry.name_zh = {new_name!r}\n"
        "entry.save()\n"
    )
    production.manage(server.env, "shell", "--command", edit)

    for path in paths:
        responses = on_every_worker(server, path)
        stale = [pid for pid, response in responses.items() if new_name not in response]
        assert not stale, f"{path}: workers {stale} of {WORKERS} still serve the old entry"
    found = on_every_worker(server, search)
    assert all(
        'href="/404/"' in response.split('class="code-list search-results"', 1)[-1]
        for response in found.values()
    )


def test_the_server_uses_the_runs_database_and_cache(server):
    """On CI's PostgreSQL step the real server really runs on PostgreSQL and Redis."""
    checked = production.manage(
        server.env,
        "shell",
        "--command",
        "from django.conf import settings; from django.db import connection; "
        "print('USING', connection.vendor, settings.CACHES['default']['BACKEND'].rsplit('.', 1)[1])",
    )
    (line,) = [line for line in checked.stdout.splitlines() if line.startswith("USING ")]
    vendor, cache_backend = line.split()[1:]

    if REDIS_MODE:
        assert (vendor, cache_backend) == ("postgresql", "RedisCache")
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        request(server, "GET", "/404/")
        assert client.get(f"{server.env['CACHE_KEY_PREFIX']}:catalogue-generation") is not None
    else:
        assert (vendor, cache_backend) == ("sqlite", "LocMemCache")


@pytest.fixture(scope="module")
def static_asset(server):
    manifest = json.loads((Path(server.env["DJANGO_STATIC_ROOT"]) / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def test_hashed_static_file_is_immutable_and_compressed(server, static_asset):
    status, headers, _ = request(server, "GET", static_asset, {"Accept-Encoding": "gzip"})

    assert status == HTTPStatus.OK
    assert headers["cache-control"] == "max-age=31536000, public, immutable"
    assert headers["content-encoding"] == "gzip"
    assert headers["etag"].startswith('W/"')


@pytest.mark.parametrize("path", ["/", "/404/", SEARCH, "static"])
def test_redbot_finds_nothing_bad(server, static_asset, path):
    url = server.url(static_asset if path == "static" else path)
    checked = subprocess.run(
        [sys.executable, str(production.TESTS / "redbot_check.py"), url],
        capture_output=True,
        text=True,
        timeout=120,
    )

    bad = [line for line in checked.stdout.splitlines() if line.startswith("BAD")]
    assert checked.returncode == 0, bad or checked.stderr
    assert "GOOD" in checked.stdout


def test_gunicorn_logged_no_warnings(server, static_asset):
    for path in [*PAGES, static_asset, "/no/such/page/"]:
        raw_head(server, path)
    time.sleep(0.5)

    log = server.log()
    assert "body bytes" not in log
    assert "[WARNING]" not in log
    assert "[ERROR]" not in log
    assert "Traceback" not in log


# --- Two hosts sharing PostgreSQL and Redis ---------------------------------------------------------

# The run's Redis when it has one, else the local server's first database (under a prefix of its own).
TWO_HOSTS_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
# The bound docs/PERFORMANCE.md states for an edit to reach every worker of every host.
EDIT_REACHES_EVERY_HOST_WITHIN = 1.0


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory, static_root):
    """Two gunicorn servers, each with its own generation file, sharing one scratch database and one Redis."""
    import redis

    client = redis.Redis.from_url(TWO_HOSTS_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        missing_tool(f"Redis is needed for two hosts: {exc}")
    prefix = f"two-hosts-{uuid.uuid4().hex}"
    servers = []
    with scratch_database("two_hosts") as name:
        try:
            for host in ("host-a", "host-b"):
                workdir = tmp_path_factory.mktemp(host)
                env = production.production_env(
                    workdir,
                    static_root=static_root,
                    database_url=scratch_url(name),
                    redis_url=TWO_HOSTS_REDIS_URL,
                    extra={"CACHE_KEY_PREFIX": prefix, **ACCESS_LOG},
                )
                if not servers:  # the hosts share the database: migrate and seed it once
                    production.prepare(env)
                running = production.ProductionServer(env, workers=WORKERS, log_path=workdir / "gunicorn.log")
                servers.append(running.start())
            yield servers
        finally:
            for running in servers:  # both shut down at the same time
                running.terminate()
            for running in servers:
                running.stop()
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)


@pytest.mark.standalone
def test_an_edit_reaches_the_editor_at_once_and_every_host_within_a_second(two_hosts):
    host_a, host_b = two_hosts
    path = "/404/"
    for host in (host_a, host_b):
        for _ in range(2):  # the second round is a hit from each worker's memory
            responses = on_every_worker(host, path)
            assert all(" 200 OK" in status_line(response) for response in responses.values())

    new_name = f"跨主机改名-{uuid.uuid4().hex[:8]}"
    edit = (
        "from statuscodes.models import StatusCode\n"
        "entry = StatusCode.objects.get(code=404)\n"
        f"entry.name_zh = {new_name!r}\n"
        "entry.save()\n"
    )
    production.manage(host_a.env, "shell", "--command", edit)

    # The host that saved: every worker at once, through the generation file.
    assert all(new_name in response for response in on_every_worker(host_a, path).values())
    # The editor's own next request, whichever host it reaches: at once.
    _, _, body = request(host_b, "GET", path, headers={"Cookie": "sessionid=editor-session"})
    assert new_name in body.decode()
    # Every worker of every host: within the stated bound.
    time.sleep(EDIT_REACHES_EVERY_HOST_WITHIN)
    for host in (host_a, host_b):
        stale = [pid for pid, response in on_every_worker(host, path).items() if new_name not in response]
        assert not stale, f"workers {stale} of {WORKERS} still serve the old entry"
