"""A search the page cache has not seen, answered the short way, is the page the long way gives.

Three things make a never-seen search cheap (docs/PERFORMANCE.md): the search view answers
it without the rest of the middleware (``CachedPageMiddleware.search_directly``), the
results content is filled into pieces kept per shape instead of rendered by the template
engine (statuscodes/search/body.py), and one reading of the catalogue generation serves the
whole request. Each answer here is compared with the one the whole stack and the templates
give for the same request: status, every header in order, and every byte of the body.
"""

import gzip
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from statuscodes import pagecache
from statuscodes.middleware import CachedPageMiddleware
from statuscodes.search import body

pytestmark = pytest.mark.django_db

SEARCH = reverse("statuscodes:search")

# Every shape of the results content: hits on one page and on several (first, middle,
# last, out of range), patterns with and without a class page, numbers out of range,
# nothing found with and without similar codes, the empty query, filters sent empty,
# chosen and invalid, other parameters kept in the links, and text that must be escaped.
QUERIES = [
    {"q": "重定向"},
    {"q": "超时"},
    {"q": "timeout"},
    {"q": "Not Found"},
    {"q": "请求"},
    {"q": "请求", "page": "2"},
    {"q": "请求", "page": "4"},
    {"q": "请求", "page": "99"},
    {"q": "请求", "page": "abc"},
    {"q": "4xx"},
    {"q": "5"},
    {"q": "40x"},
    {"q": "9xx"},
    {"q": "999"},
    {"q": "nginx"},
    {"q": "签名错误"},
    {"q": "zzzzqqq"},
    {"q": "teapott"},
    {"q": ""},
    {},
    {"q": "超时", "class": ""},
    {"q": "超时", "class": "5"},
    {"q": "超时", "lifecycle": "bogus"},
    {"class": "4"},
    {"q": "缓存", "utm_source": "a&b<c>", "x": ["1", "2"]},
    {"q": "<b>\"'&amp;"},
    {"q": "token过期"},
]


def page_of(response):
    return response.status_code, list(response.items()), response.content


@pytest.fixture
def long_way(monkeypatch):
    """Answer through the whole stack and the templates, as before the shortcuts."""

    def use(enabled):
        if enabled:
            monkeypatch.setattr(CachedPageMiddleware, "search_directly", lambda self, request, key: None)
            monkeypatch.setattr(body, "content", lambda context: None)
        else:
            monkeypatch.undo()

    return use


@pytest.fixture
def taken(monkeypatch):
    """Counts of the shortcuts actually taken."""
    counts = {"direct": 0, "pieces": 0}
    search_directly, content = CachedPageMiddleware.search_directly, body.content

    def counting_search(self, request, key):
        response = search_directly(self, request, key)
        counts["direct"] += response is not None
        return response

    def counting_content(context):
        filled = content(context)
        counts["pieces"] += filled is not None
        return filled

    monkeypatch.setattr(CachedPageMiddleware, "search_directly", counting_search)
    monkeypatch.setattr(body, "content", counting_content)
    return counts


def test_a_never_seen_search_is_the_page_the_whole_stack_renders(seeded_once, long_way, taken):
    client = Client()
    client.get(SEARCH, {"q": "first"})  # the whole stack renders one search page first
    taken.update(direct=0, pieces=0)
    short, long = [], []
    for params in QUERIES:
        pagecache.pages.clear()
        short.append(page_of(client.get(SEARCH, params)))
    long_way(True)
    for params in QUERIES:
        pagecache.pages.clear()
        long.append(page_of(client.get(SEARCH, params)))

    for params, (status, headers, content), expected in zip(QUERIES, short, long, strict=True):
        assert status == HTTPStatus.OK, params
        assert (status, headers) == expected[:2], params
        assert content == expected[2], params
    filtered = sum(1 for params in QUERIES if params.get("class") or "lifecycle" in params)
    assert taken["direct"] == len(QUERIES)
    assert taken["pieces"] == len(QUERIES) - filtered


def test_head_and_gzip_answers_are_the_same_both_ways(seeded_once, long_way):
    client, gzip_client = Client(), Client(headers={"accept-encoding": "gzip"})
    client.get(SEARCH, {"q": "first"})
    gzip_client.get(SEARCH, {"q": "first"})
    answers = []
    for enabled in (False, True):
        long_way(enabled)
        pagecache.pages.clear()
        head = client.head(SEARCH, {"q": "超时"})
        pagecache.pages.clear()
        compressed = gzip_client.get(SEARCH, {"q": "超时"})
        answers.append((page_of(head), page_of(compressed)))

    assert answers[0] == answers[1]
    head, compressed = answers[0]
    assert head[2] == b""
    assert dict(compressed[1])["Content-Encoding"] == "gzip"
    assert dict(head[1])["Content-Length"] == str(len(gzip.decompress(compressed[2])))


def test_searches_the_shortcut_leaves_to_the_whole_stack(seeded_once, taken):
    client = Client()
    client.get(SEARCH, {"q": "first"})

    jump = client.get(SEARCH, {"q": "404"})
    constant = client.get(SEARCH, {"q": "HTTP_NOT_FOUND"})
    too_long = client.get(SEARCH, {"q": "长" * 201})
    conditional = client.get(SEARCH, {"q": "超时"}, headers={"if-none-match": '"x"'})
    client.cookies["sessionid"] = "not-a-session"
    with_cookie = client.get(SEARCH, {"q": "缓存"})

    assert jump.status_code == constant.status_code == HTTPStatus.SEE_OTHER
    assert jump["X-Frame-Options"] == "DENY"  # the outer middleware ran
    assert too_long.status_code == HTTPStatus.BAD_REQUEST
    assert conditional.status_code == with_cookie.status_code == HTTPStatus.OK
    assert taken["direct"] == 0


def test_the_first_search_page_goes_through_the_whole_stack(seeded_once, taken):
    response = Client().get(SEARCH, {"q": "超时"})

    assert response.status_code == HTTPStatus.OK
    assert response["X-Frame-Options"] == "DENY"
    assert taken["direct"] == 0


def test_one_reading_of_the_generation_serves_a_whole_search(seeded_once, monkeypatch):
    client = Client()
    client.get(SEARCH, {"q": "first"})
    reads = []
    shared_token = pagecache.Generation.shared_token

    def counting(self, fresh):
        reads.append(fresh)
        return shared_token(self, fresh)

    monkeypatch.setattr(pagecache.Generation, "shared_token", counting)
    response = client.get(SEARCH, {"q": "超时"})

    assert response.status_code == HTTPStatus.OK
    assert reads == [False]
    assert not pagecache.generation.held.on
    pagecache.current_generation()
    assert reads == [False, False]  # outside a request every call reads it again


def test_search_pages_stay_in_the_workers_memory(seeded_once, monkeypatch):
    """Only other pages go to the shared cache (Redis): one search page per query string would flood it."""
    calls = []
    get, put = pagecache.PageStore.get, pagecache.PageStore.put

    def recording_get(self, key, shared=True):
        calls.append(("get", shared))
        return get(self, key, shared)

    def recording_put(self, key, page, shared=True):
        calls.append(("put", shared))
        return put(self, key, page, shared)

    monkeypatch.setattr(pagecache.PageStore, "get", recording_get)
    monkeypatch.setattr(pagecache.PageStore, "put", recording_put)
    client = Client()
    client.get(SEARCH, {"q": "first"})
    client.get(SEARCH, {"q": "超时"})
    searches, calls[:] = list(calls), []
    client.get(reverse("statuscodes:detail", kwargs={"code": 404}))

    assert searches == [("get", False), ("put", False)] * 2
    assert calls == [("get", True), ("put", True)]
