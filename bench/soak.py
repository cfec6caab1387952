"""`make soak`: 64 connections for 30 seconds of mixed traffic against the production server.

The mix (bench/soak.lua) cycles through code pages, the browse and class
pages, a search, a 304 revalidation and the JSON API. The run passes when wrk
reports no socket errors and no non-2xx/3xx responses; the gunicorn workers'
resident memory is read from /proc at the start and the end, so a leak shows.
The result goes into docs/RELIABILITY.md between the soak markers; the rest of
that file belongs to the reliability notes.

Environment: SOAK_DURATION (30), SOAK_CONNECTIONS (64).
"""

import datetime
import os
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server as production  # noqa: E402
from bench import wrk  # noqa: E402
from bench.run import fetch, machine, warm  # noqa: E402

DOC = production.ROOT / "docs" / "RELIABILITY.md"
START, END = "<!-- soak:start -->", "<!-- soak:end -->"
DURATION = int(os.environ.get("SOAK_DURATION", "30"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "64"))
SEARCH_PATH = "/search/?" + urllib.parse.urlencode({"q": "重定向"})
MIX = ["/404/", "/", "/200/", "/4xx/", SEARCH_PATH, "/api/codes/404/", "/301/", "/api/codes/", "/5xx/"]


def total_mib(sizes):
    return sum(sizes.values()) / 1024


def write_doc(result, start_rss, end_rss, workers, info):
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    passed = result.errors == 0
    lines = [
        START,
        f"<!-- Written by `make soak` at {stamp}; the text between the markers is replaced on every run. -->",
        "",
        f"`make soak` drives the production configuration (gunicorn sync, {workers} workers, DEBUG off, "
        f"SQLite, local-memory page cache) with wrk at {CONNECTIONS} connections for {DURATION} s, cycling "
        "through code pages, the browse and class pages, a search, a 304 revalidation (`If-None-Match`) and "
        "the JSON API (`bench/soak.lua`). It fails on any socket error or non-2xx/3xx response.",
        "",
        "| Measure | Result |",
        "|---|---|",
        f"| Verdict | {'passed: 0 errors' if passed else '**FAILED**'} |",
        f"| Requests | {result.requests:,} |",
        f"| Throughput | {result.rps:,.0f} req/s |",
        f"| Latency p50 / p99 | {result.p50_ms:.2f} ms / {result.p99_ms:.2f} ms |",
        f"| Socket errors | {result.socket_errors} |",
        f"| Non-2xx/3xx responses | {result.bad_status} |",
        f"| Worker RSS at start | {total_mib(start_rss):.1f} MiB in all "
        f"({'; '.join(f'{kib / 1024:.1f}' for kib in start_rss.values())} MiB) |",
        f"| Worker RSS at end | {total_mib(end_rss):.1f} MiB in all "
        f"({'; '.join(f'{kib / 1024:.1f}' for kib in end_rss.values())} MiB) |",
        "",
        "Machine: " + "; ".join(f"{key} {value}" for key, value in info.items()) + ".",
        "",
        "Workers are recycled after `max_requests` (gunicorn.conf.py), so a worker at the end may be a new "
        "process; compare the totals for growth.",
        END,
    ]
    production.write_section(DOC, START, END, "\n".join(lines), empty="# Reliability\n\n## Load\n")


def main():
    if not wrk.wrk_available():
        raise SystemExit("需要 wrk：sudo apt-get install wrk")
    info = machine()
    with tempfile.TemporaryDirectory(prefix="statuscodes-soak-") as tmp:
        env = production.production_env(Path(tmp))
        production.prepare(env)
        with production.ProductionServer(env) as server:
            etag = fetch(server.base_url, "/404/")[1]["ETag"]
            warm(server.base_url, MIX, rounds=10)
            start_rss = server.worker_rss_kib()
            workers = len(start_rss)
            print(f"{workers} 个 worker，开始时常驻内存 {total_mib(start_rss):.1f} MiB；负载 {DURATION} 秒…")
            wrk_env = dict(os.environ, SOAK_ETAG=etag, SOAK_ETAG_PATH="/404/", SOAK_SEARCH=SEARCH_PATH)
            result = wrk.run(
                "soak",
                server.url("/"),
                connections=CONNECTIONS,
                threads=2,
                duration=DURATION,
                script="soak.lua",
                env=wrk_env,
            )
            end_rss = server.worker_rss_kib()
            log = server.log()
    print(result.raw)
    print(f"结束时常驻内存 {total_mib(end_rss):.1f} MiB")
    warnings = [line for line in log.splitlines() if "[WARNING]" in line or "[ERROR]" in line]
    for line in warnings:
        print(line)
    write_doc(result, start_rss, end_rss, workers, info)
    print(f"结果已写入 {DOC.relative_to(production.ROOT)}")
    if result.errors:
        raise SystemExit(
            f"soak 失败：{result.socket_errors} 个套接字错误，{result.bad_status} 个非 2xx/3xx 响应"
        )


if __name__ == "__main__":
    main()
