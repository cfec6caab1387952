"""Everyday queries through the real search, on the real catalogue.

tests/data/everyday_queries.toml holds what developers actually type, with the
codes a knowledgeable reader wants. Each query goes through the search page
with Django's test client, following the jump to a code's page as a reader
would; a query is found when a wanted code is among the first three results.
"""

import re
import tomllib
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

QUERIES = tomllib.loads((Path(__file__).parent / "data" / "everyday_queries.toml").read_text("utf-8"))[
    "query"
]
SEARCH = reverse("statuscodes:search")
TOP = 3
REQUIRED_RATE = 0.90
CODE_PAGE = re.compile(r"^/(\d{3})/$")


def results(client, q):
    """The codes a reader sees for ``q``, in order: one code when the search jumps to its page."""
    response = client.get(SEARCH, {"q": q})
    if response.status_code == HTTPStatus.SEE_OTHER:
        match = CODE_PAGE.match(response["Location"])
        assert match, f"{q!r} jumped to {response['Location']}"
        return [int(match[1])]
    assert response.status_code == HTTPStatus.OK, q
    html = response.content.decode()
    listed = html.split('class="code-list search-results"', 1)
    if len(listed) == 1:
        return []
    return [int(code) for code in re.findall(r'<span class="code-num c\d">(\d+)</span>', listed[1])]


@pytest.mark.django_db
def test_everyday_queries_find_a_wanted_code_in_the_top_three(seeded_once, capsys):
    client = Client()
    misses = []
    for item in QUERIES:
        found = results(client, item["q"])
        if not set(found[:TOP]) & set(item["expect"]):
            misses.append((item["q"], item["expect"], found[:5]))
    rate = 1 - len(misses) / len(QUERIES)
    with capsys.disabled():
        print(f"\n日常搜索词：{len(QUERIES) - len(misses)}/{len(QUERIES)} 在前三个结果中（{rate:.1%}）")
        for q, expect, found in misses:
            print(f"  未命中 {q!r}：期望 {expect}，得到 {found}")
    assert len(QUERIES) >= 60
    assert rate >= REQUIRED_RATE, misses


# Every example readers reported, each its own test so that a regression names the phrase:
# a wanted code is among the first three results, as for the list.
EXAMPLES = {
    "登录过期": {401},
    "需要登录": {401},
    "token 过期": {401},
    "没有权限": {403},
    "参数错误": {400, 422},
    "协商缓存": {304},
    "异步处理": {202},
    "Content-Type 不对": {415},
    "接口限流": {429},
    "请求体太大": {413},
    "大文件上传前确认": {100},
    "批量操作部分成功": {207},
    "login": {401},
    "permission": {403},
    "rate limit": {429},
    "timeout": {408, 504},
    "cache": {304},
    "upload": {413, 100},
}


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "wanted"), EXAMPLES.items(), ids=list(EXAMPLES))
def test_example_finds_its_code(seeded_once, q, wanted):
    found = results(Client(), q)
    assert set(found[:TOP]) & wanted, found[:5]


@pytest.mark.django_db
def test_redirect_finds_all_five_redirect_codes_first(seeded_once):
    found = results(Client(), "redirect")
    assert set(found[:5]) == {301, 302, 303, 307, 308}, found


@pytest.mark.django_db
def test_no_permission_ranks_403_above_200(seeded_once):
    found = results(Client(), "没有权限")
    assert found[0] == 403
    assert 200 not in found or found.index(403) < found.index(200)


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "wanted"), [("接口限流", 429), ("请求体太大", 413), ("批量操作部分成功", 207)])
def test_multi_word_phrase_finds_its_code_first(seeded_once, q, wanted):
    assert results(Client(), q)[:1] == [wanted]
