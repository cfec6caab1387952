"""How search time grows with the catalogue: the real seed (1×), then 100× the annotations.

Search runs in Python over a cached, folded copy of the published catalogue
(the statuscodes.search package). This script checks that choice against growth: it
seeds a throwaway SQLite database, times several queries, adds 10,000
generated annotations of realistic Chinese text (about 100× the seed's), and
times them again. Per query it reports the median of repeated runs for

* ``match``: parsing, matching and ranking over the warm index (what every
  uncached search pays),
* ``page``: the whole request through Django with a warm index (matching,
  snippets, template) on a URL the page cache has not seen,

and, once per size, the cold index build (two queries plus folding), which
happens once per process after each edit.

Run: ``.venv/bin/python bench/search_growth.py`` (``make bench`` runs it and
copies the output into docs/PERFORMANCE.md). Nothing outside a temporary
directory is touched.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GENERATED_ANNOTATIONS = 10_000
REPEATS = 15
QUERIES = [
    "锁",
    "超时",
    "缓存",
    "重定向",
    "请求 超时",
    "Payload Too Large",
    "nginx",
    "微软",
    "4xx",
    "没有这个词",
    "超" * 200,
]

# Words from the domain, so generated text matches common queries as real annotations would.
VOCABULARY = (
    "请求 响应 服务器 客户端 缓存 超时 重定向 代理 网关 上游 资源 连接 浏览器 状态码 头部 "
    "重试 认证 授权 锁定 负载 均衡 配置 日志 错误 成功 永久 临时 版本 协议 内容 长度 编码 "
    "nginx Cloudflare Retry-After Cache-Control ETag Location If-None-Match"
).split()
FILLER = "的了在是和就不也都而及与着或一个我们可以这那有没会要把被让从对向为以所"


def generated_text(rng, length=400):
    parts = []
    while sum(map(len, parts)) < length:
        parts.append(rng.choice(VOCABULARY) if rng.random() < 0.35 else "".join(rng.choices(FILLER, k=3)))
    return "".join(parts) + "。"


def median_ms(function, repeats=REPEATS):
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(label, client, search, pagecache):
    pagecache.catalogue_changed()
    build = median_ms(search.build_index, repeats=3)
    index = search.get_index()
    annotations = sum(len(entry.annotations) for entry in index.entries)
    size = sum(len(text) for entry in index.entries for text in entry.folded)
    print(
        f"{label}: {len(index.entries)} 个状态码，{annotations} 条注解，索引 {size / 1_000_000:.1f} M 字符；"
        f"冷启动建索引 {build:.1f} ms"
    )
    print(f"  {'查询':<22}{'命中':>6}{'匹配+排序 ms':>14}{'整页 ms':>10}")
    nonce = iter(range(10**9))
    rows = []
    for q in QUERIES:
        query = search.parse(q)
        hits = len(search.run(query, index))
        match = median_ms(lambda query=query: search.run(query, search.get_index()))

        def page(q=q):
            response = client.get("/search/", {"q": q, "n": next(nonce)})
            assert response.status_code == 200, response.status_code

        page_ms = median_ms(page)
        shown = q if len(q) <= 20 else f"{q[:6]}…（{len(q)} 字）"
        print(f"  {shown:<22}{hits:>6}{match:>14.2f}{page_ms:>10.2f}")
        rows.append((q, match, page_ms))
    return build, rows


def main():
    workdir = Path(tempfile.mkdtemp(prefix="search-growth-"))
    os.environ.update(
        {
            "SQLITE_PATH": str(workdir / "bench.sqlite3"),
            "CACHE_GENERATION_FILE": str(workdir / "cache-generation"),
            "DJANGO_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "site_config.settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)

    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.test import Client

    from statuscodes import pagecache, search
    from statuscodes.markdown import render_markdown
    from statuscodes.models import Annotation, StatusCode

    call_command("migrate", verbosity=0)
    call_command("seed_statuscodes", stdout=StringIO())
    client = Client(HTTP_HOST="127.0.0.1")

    build_1, rows_1 = measure("1×（种子数据）", client, search, pagecache)

    rng = random.Random(20261127)
    codes = list(StatusCode.objects.published().values_list("code", flat=True))
    Annotation.objects.bulk_create(
        [
            Annotation(
                status_code_id=rng.choice(codes),
                body=(body := generated_text(rng)),
                body_html=render_markdown(body),
            )
            for _ in range(GENERATED_ANNOTATIONS)
        ],
        batch_size=1000,
    )
    print()
    build_100, rows_100 = measure(
        f"约 100×（另加 {GENERATED_ANNOTATIONS:,} 条生成的注解）", client, search, pagecache
    )

    print()
    worst_match = max(match for _q, match, _page in rows_100)
    worst_page = max(page for _q, _match, page in rows_100)
    print(
        f"100× 时最慢的查询：匹配+排序 {worst_match:.1f} ms，整页 {worst_page:.1f} ms；"
        f"建索引 {build_1:.0f} → {build_100:.0f} ms（每次编辑后每个进程一次）。"
    )


if __name__ == "__main__":
    main()
