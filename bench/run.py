"""`make bench`: load-test the production server against its own static-file limit.

One run on one machine: start gunicorn (gunicorn.conf.py, DEBUG off) on a free
loopback port with a fresh seeded SQLite database, warm it, drive wrk against
a code page, the browse page, a class page, a repeated search, a search never
seen before, a 304 revalidation and the site's static stylesheet, and report
each page's req/s as a ratio of the stylesheet's, at BENCH_CONNECTIONS. Then
the p99 and errors at BENCH_PEAK_CONNECTIONS, the workers' memory (RSS), and
what a low ``max_requests`` costs. Then the same against PostgreSQL + Redis
when they answer. The tables are printed and written into docs/PERFORMANCE.md
between the bench markers; the analysis around them is written by hand.

Environment (defaults in brackets): BENCH_DURATION (seconds per target per
round, 5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (16), BENCH_PEAK_CONNECTIONS
(64), BENCH_THREADS (2), BENCH_DATABASE_URL and BENCH_REDIS_URL (the PostgreSQL
database and Redis to use: a `statuscodes_bench` database on 127.0.0.1:5432
and Redis database 0 on 127.0.0.1:6379, under a per-run key prefix),
BENCH_SKIP_POSTGRES=1, BENCH_LOW_MAX_REQUESTS (1000; 0 skips that part).
"""

import datetime
import gzip
import http.client
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server as production  # noqa: E402
from bench import wrk  # noqa: E402

ROOT = production.ROOT
DOC = ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

DURATION = int(os.environ.get("BENCH_DURATION", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PEAK_CONNECTIONS = int(os.environ.get("BENCH_PEAK_CONNECTIONS", "64"))
LOW_MAX_REQUESTS = int(os.environ.get("BENCH_LOW_MAX_REQUESTS", "1000"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/statuscodes_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")

CODE_PATH = "/404/"
BROWSE_PATH = "/"
CLASS_PATH = "/4xx/"
SEARCH_PATH = "/search/?" + urllib.parse.urlencode({"q": "重定向"})

# Minimum ratio of the stylesheet's req/s, per configuration.
TARGETS = {
    "SQLite + local-memory cache": {"code": 1.0, "browse": 1.0, "search": 0.3, "search-uncached": 0.3},
    "PostgreSQL + Redis cache": {"code": 0.9, "browse": 0.9, "search": 0.3, "search-uncached": 0.3},
}
P99_LIMIT = 3.0
PAGE_WEIGHT_LIMIT = 30 * 1024


def fetch(base_url, path, headers=None):
    """One request with http.client, which neither decompresses nor follows redirects."""
    parsed = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        head = f"HTTP/1.1 {response.status} {response.reason}\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in response.getheaders()
        )
        return response.status, dict(response.getheaders()), body, len(head.encode()) + 2
    finally:
        connection.close()


def page_weight(base_url, path):
    """Bytes on the wire for a page and the CSS/JS it links, gzipped as served."""
    gzip_headers = {"Accept-Encoding": "gzip"}
    status, headers, body, head_size = fetch(base_url, path, gzip_headers)
    html = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
    items = [(path, len(body) + head_size, headers.get("Content-Encoding", "identity"))]
    assets = re.findall(
        rb'<(?:link[^>]+rel="?stylesheet"?[^>]+href|script[^>]+src)="(/[^"]+\.(?:css|js))"', html
    )
    for asset in dict.fromkeys(a.decode() for a in assets):
        _, asset_headers, asset_body, asset_head = fetch(base_url, asset, gzip_headers)
        items.append((asset, len(asset_body) + asset_head, asset_headers.get("Content-Encoding", "identity")))
    return items, len(html)


def warm(base_url, paths, rounds=20):
    for _ in range(rounds):
        for path in paths:
            fetch(base_url, path)


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django
    import gunicorn

    def version(command):
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=10)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "n/a"

    import sqlite3

    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical cores",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "SQLite": sqlite3.sqlite_version,
        "wrk": version(["wrk", "--version"]).split(" [")[0].removeprefix("wrk "),
    }


def postgres_and_redis():
    """(database_url, redis_url) when both answer, else None with the reason printed."""
    if os.environ.get("BENCH_SKIP_POSTGRES"):
        return None
    try:
        import psycopg
        import redis
    except ImportError:
        return None
    parsed = urllib.parse.urlsplit(DATABASE_URL)
    name = parsed.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parsed._replace(path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
            server_version = connection.execute("SHOW server_version").fetchone()[0]
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
        redis_version = client.info("server")["redis_version"]
    except Exception as exc:  # noqa: BLE001 - any failure just skips this part
        print(f"PostgreSQL + Redis 不可用，跳过：{exc}")
        return None
    return DATABASE_URL, REDIS_URL, server_version, redis_version


def clear_redis_prefix(redis_url, prefix):
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def combine(name, runs):
    """One row from several rounds: median req/s and latencies, all errors counted."""
    return wrk.WrkResult(
        name=name,
        requests=sum(run.requests for run in runs),
        rps=statistics.median(run.rps for run in runs),
        p50_ms=statistics.median(run.p50_ms for run in runs),
        p99_ms=statistics.median(run.p99_ms for run in runs),
        socket_errors=sum(run.socket_errors for run in runs),
        bad_status=sum(run.bad_status for run in runs),
        raw="\n".join(run.raw for run in runs),
    )


def run_suite(label, env, workdir):
    """Start the server, measure every target, stop it. Returns rows and page weight."""
    production.prepare(env)
    with production.ProductionServer(env, log_path=workdir / "gunicorn.log") as server:
        base = server.base_url
        status, headers, body, _ = fetch(base, CODE_PATH)
        if status != 200:
            raise SystemExit(f"{CODE_PATH} answered {status}; is the catalogue seeded?")
        etag = headers["ETag"]
        # The site's own stylesheet, served by whitenoise from the same server, is its physical limit.
        static_path = re.search(rb'<link rel="stylesheet" href="(/static/[^"]+\.css)"', body)[1].decode()
        rss_start = server.worker_rss_kib()
        search_status = fetch(base, SEARCH_PATH)[0]
        warm(base, [CODE_PATH, BROWSE_PATH, CLASS_PATH, SEARCH_PATH, static_path])

        plan = [
            ("static", static_path, {}),
            ("code", CODE_PATH, {}),
            ("browse", BROWSE_PATH, {}),
            ("class", CLASS_PATH, {}),
            ("search", SEARCH_PATH, {}),
            ("304", CODE_PATH, {"headers": [f"If-None-Match: {etag}"]}),
            ("search-uncached", SEARCH_PATH, {"script": "unique_search.lua"}),
        ]
        # Several short rounds, every target once per round, so a change in the
        # machine's load hits the static file and the pages alike; the ratios are
        # taken round by round and the median reported.
        rounds = {name: [] for name, _, _ in plan}
        for number in range(1, ROUNDS + 1):
            for name, path, options in plan:
                env_for_wrk = dict(os.environ, SEARCH_PATH=SEARCH_PATH)
                result = wrk.run(
                    name,
                    server.url(path),
                    connections=CONNECTIONS,
                    threads=THREADS,
                    duration=DURATION,
                    env=env_for_wrk,
                    **options,
                )
                rounds[name].append(result)
                print(
                    f"  {label} · round {number} · {name:<16} {result.rps:>7.0f} req/s  "
                    f"p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms  errors {result.errors}"
                )
                time.sleep(0.5)
        results = {name: combine(name, runs) for name, runs in rounds.items()}
        ratios = {
            name: statistics.median(
                run.rps / static.rps for run, static in zip(runs, rounds["static"], strict=True)
            )
            for name, runs in rounds.items()
        }
        p99_ratio = statistics.median(
            run.p99_ms / static.p99_ms for run, static in zip(rounds["code"], rounds["static"], strict=True)
        )
        peak = {}
        for name, path, options in plan:
            if name in ("static", "code", "search-uncached"):
                peak[name] = wrk.run(
                    name,
                    server.url(path),
                    connections=PEAK_CONNECTIONS,
                    threads=THREADS,
                    duration=DURATION,
                    env=dict(os.environ, SEARCH_PATH=SEARCH_PATH),
                    **options,
                )
                print(
                    f"  {label} · {PEAK_CONNECTIONS} connections · {name:<16} p99 {peak[name].p99_ms:7.2f} ms"
                )
        rss_end = server.worker_rss_kib()
        weight, html_size = page_weight(base, CODE_PATH)
        warnings = [line for line in server.log().splitlines() if "WARNING" in line or "body bytes" in line]
    recycling = max_requests_effect(env, workdir, static_path) if LOW_MAX_REQUESTS else None
    return {
        "label": label,
        "results": results,
        "ratios": ratios,
        "p99_ratio": p99_ratio,
        "weight": weight,
        "html_size": html_size,
        "search_status": search_status,
        "warnings": warnings,
        "peak": peak,
        "rss": (rss_start, rss_end),
        "recycling": recycling,
    }


def max_requests_effect(env, workdir, static_path):
    """The code page with workers recycled every LOW_MAX_REQUESTS requests, as a ratio of the stylesheet."""
    low = dict(env, GUNICORN_MAX_REQUESTS=str(LOW_MAX_REQUESTS), GUNICORN_MAX_REQUESTS_JITTER="100")
    with production.ProductionServer(low, log_path=workdir / "gunicorn-recycling.log") as server:
        warm(server.base_url, [CODE_PATH, static_path])
        runs = {
            name: wrk.run(name, server.url(path), connections=CONNECTIONS, threads=THREADS, duration=DURATION)
            for name, path in (("static", static_path), ("code", CODE_PATH))
        }
    return runs["code"].rps / runs["static"].rps if runs["static"].rps else 0.0


DESCRIPTIONS = {
    "static": "the site's stylesheet (whitenoise)",
    "code": f"code page `{CODE_PATH}`",
    "browse": f"browse page `{BROWSE_PATH}`",
    "class": f"class page `{CLASS_PATH}`",
    "search": "search `/search/?q=重定向`, repeated (a page-cache hit)",
    "304": f"304 revalidation (`If-None-Match`, `{CODE_PATH}`)",
    "search-uncached": "search, a new query string every request (never cached)",
}


def suite_table(suite):
    lines = [
        f"### {suite['label']}",
        "",
        "| Target | req/s | p50 (ms) | p99 (ms) | Errors | Ratio to static |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, result in suite["results"].items():
        lines.append(
            f"| {DESCRIPTIONS[name]} | {result.rps:,.0f} | {result.p50_ms:.2f} | {result.p99_ms:.2f} | "
            f"{result.errors} | {suite['ratios'][name]:.2f}× |"
        )
    peak = suite["peak"]
    lines += ["", f"At {PEAK_CONNECTIONS} connections (one run each):", ""]
    lines += [
        f"- {DESCRIPTIONS[name]}: {result.rps:,.0f} req/s, p99 {result.p99_ms:.2f} ms, {result.errors} errors"
        for name, result in peak.items()
    ]
    start, end = suite["rss"]
    if end:
        sizes = sorted(end.values())
        lines.append(
            f"- worker memory (RSS): {statistics.median(start.values()) / 1024:.1f} MiB per worker after start,"
            f" {sizes[0] / 1024:.1f}–{sizes[-1] / 1024:.1f} MiB after the run ({len(sizes)} workers)"
        )
    if suite["recycling"] is not None:
        lines.append(
            f"- code page with `max_requests` {LOW_MAX_REQUESTS} (workers recycled, page cache emptied):"
            f" {suite['recycling']:.2f}× the stylesheet, against {suite['ratios']['code']:.2f}× with the default"
        )
    lines += ["", "Targets:", ""]
    for check, passed in target_checks(suite):
        lines.append(f"- {'met' if passed else '**MISSED**'}: {check}")
    lines.append("")
    return lines


def target_checks(suite):
    ratios = suite["ratios"]
    checks = []
    labels = {
        "code": "code page",
        "browse": "browse page",
        "search": "search, repeated query",
        "search-uncached": "search never seen before",
    }
    for name, minimum in TARGETS[suite["label"]].items():
        checks.append(
            (
                f"{labels[name]} ≥ {minimum}× the stylesheet's req/s (measured {ratios[name]:.2f}×)",
                ratios[name] >= minimum,
            )
        )
    errors = sum(result.errors for result in [*suite["results"].values(), *suite["peak"].values()])
    checks.append(
        (f"0 errors at {CONNECTIONS} and {PEAK_CONNECTIONS} connections (measured {errors})", errors == 0)
    )
    peak_p99 = suite["peak"]["code"].p99_ms / suite["peak"]["static"].p99_ms
    checks.append(
        (
            f"code page p99 at {PEAK_CONNECTIONS} connections ≤ {P99_LIMIT}× the stylesheet's (measured {peak_p99:.2f}×)",
            peak_p99 <= P99_LIMIT,
        )
    )
    total = sum(size for _, size, _ in suite["weight"])
    checks.append((f"code page weight < 30 KB (measured {total / 1024:.1f} KB)", total < PAGE_WEIGHT_LIMIT))
    checks.append(("no warnings in gunicorn's log", not suite["warnings"]))
    return checks


def weight_table(suite):
    lines = [
        f"Weight of the code page `{CODE_PATH}` as served with `Accept-Encoding: gzip`: bytes on the wire,"
        f" headers included ({suite['html_size']:,} bytes of HTML uncompressed).",
        "",
        "| Resource | Bytes transferred | Encoding |",
        "|---|---:|---|",
    ]
    for path, size, encoding in suite["weight"]:
        lines.append(f"| `{path}` | {size:,} | {encoding} |")
    total = sum(size for _, size, _ in suite["weight"])
    lines += [f"| **Total** | **{total:,}** ({total / 1024:.1f} KB) | |", ""]
    return lines


def search_growth():
    script = ROOT / "bench" / "search_growth.py"
    if not script.exists():
        return []
    completed = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "DJANGO_DEBUG": "1"},
    )
    output = (completed.stdout or completed.stderr).strip()
    return ["### Search time as the catalogue grows (`bench/search_growth.py`)", "", "```", output, "```", ""]


def write_doc(suites, info):
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        START,
        f"<!-- Written by `make bench` at {stamp}; the text between the markers is replaced on every run. -->",
        "",
        "### Machine",
        "",
    ]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += [
        f"- Load generator: wrk, {THREADS} threads, {CONNECTIONS} connections, {ROUNDS} rounds of {DURATION} s"
        " per target, every target once per round; medians reported, ratios taken within each round; then one"
        f" run each at {PEAK_CONNECTIONS} connections. wrk runs on the same machine over loopback and competes"
        " with the server for the same cores",
        f"- Load average (1, 5, 15 min): {suites[0]['load']}",
        f"- Server: gunicorn sync, {suites[0]['workers']} workers, DEBUG off, page cache warmed",
        "",
    ]
    for suite in suites:
        lines += suite_table(suite)
    lines += weight_table(suites[0])
    lines += search_growth()
    lines.append(END)
    production.write_section(DOC, START, END, "\n".join(lines), empty="# Performance\n")


def main():
    if not wrk.wrk_available():
        raise SystemExit("需要 wrk：sudo apt-get install wrk")
    info = machine()
    print("机器：" + "；".join(f"{k} {v}" for k, v in info.items()))
    suites = []
    with tempfile.TemporaryDirectory(prefix="statuscodes-bench-") as tmp:
        workdir = Path(tmp) / "sqlite"
        workdir.mkdir()
        env = production.production_env(workdir)
        workers = os.environ.get("WEB_CONCURRENCY") or str(2 * (os.cpu_count() or 1) + 1)
        print(f"SQLite，本机内存缓存，{workers} 个 worker：")
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
        suite = run_suite("SQLite + local-memory cache", env, workdir)
        suite["load"] = f"{load} (before), " + "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()) + " (after)"
        suite["workers"] = workers
        suites.append(suite)

        services = postgres_and_redis()
        if services:
            database_url, redis_url, pg_version, redis_version = services
            info["PostgreSQL"] = pg_version
            info["Redis"] = redis_version
            workdir = Path(tmp) / "postgres"
            workdir.mkdir()
            env = production.production_env(workdir, database_url=database_url, redis_url=redis_url)
            print("PostgreSQL + Redis：")
            try:
                suites.append(run_suite("PostgreSQL + Redis cache", env, workdir))
            finally:
                clear_redis_prefix(redis_url, env["CACHE_KEY_PREFIX"])

    write_doc(suites, info)
    print(f"\n结果已写入 {DOC.relative_to(ROOT)}")
    failed = [check for suite in suites for check, passed in target_checks(suite) if not passed]
    for check in failed:
        print(f"未达成：{check}")


if __name__ == "__main__":
    main()
