"""The zero-result log: what it keeps, when it writes, and that it stays small and anonymous."""

import datetime
import logging
from http import HTTPStatus

import pytest
from django.db import DatabaseError
from django.urls import reverse

from statuscodes import search_log
from statuscodes.models import ZeroResultSearch

pytestmark = pytest.mark.django_db

SEARCH = reverse("statuscodes:search")
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def catalogue(make_entry):
    make_entry(code=404, phrase="Not Found", name_zh="未找到", description="服务器找不到请求的资源。")
    make_entry(code=429, phrase="Too Many Requests", name_zh="请求过多", description="请求太频繁。")


def rows():
    return {row.query: row.count for row in ZeroResultSearch.objects.all()}


def test_a_search_that_finds_nothing_is_kept_normalised_with_count_and_dates(client, catalogue):
    assert client.get(SEARCH, {"q": "ＦＯＯ   Bar"}).status_code == HTTPStatus.OK
    client.get(SEARCH, {"q": "foo bar"})
    search_log.flush(today=TODAY)
    row = ZeroResultSearch.objects.get()
    assert (row.query, row.count, row.first_seen, row.last_seen, row.dismissed) == (
        "foo bar",
        2,
        TODAY,
        TODAY,
        False,
    )
    client.get(SEARCH, {"q": "foo bar"})
    search_log.flush(today=TODAY + datetime.timedelta(days=3))
    row.refresh_from_db()
    assert (row.count, row.first_seen, row.last_seen) == (3, TODAY, TODAY + datetime.timedelta(days=3))


def test_searches_that_find_something_are_not_kept(client, catalogue):
    client.get(SEARCH, {"q": "未找到"})
    client.get(SEARCH, {"q": "请求"})
    search_log.flush(today=TODAY)
    assert rows() == {}


def test_page_cache_hits_are_counted_too(client, catalogue, django_assert_num_queries):
    client.get(SEARCH, {"q": "没有这个词"})
    with django_assert_num_queries(0):  # answered from the page cache: the search did not run again
        for _ in range(3):
            assert client.get(SEARCH, {"q": "没有这个词"}).status_code == HTTPStatus.OK
    search_log.flush(today=TODAY)
    assert rows() == {"没有这个词": 4}


@pytest.mark.parametrize(
    "q",
    [
        "x" * 201,  # refused with 400
        "",
        "   ",
        "!!!",  # no letter or digit
        "<>",
        "999",  # no status code can be this: the page explains the range
        "404",  # jumps to its page
        "4xx",
    ],
)
def test_refused_or_answered_queries_are_never_kept(client, catalogue, q):
    client.get(SEARCH, {"q": q})
    search_log.flush(today=TODAY)
    assert rows() == {}


def test_suggestions_are_never_kept(client, catalogue):
    client.get(reverse("statuscodes:suggest"), {"q": "没有这个词"})
    search_log.flush(today=TODAY)
    assert rows() == {}


def test_nothing_personal_is_kept(client, catalogue):
    assert {field.name for field in ZeroResultSearch._meta.get_fields()} == {
        "id",
        "query",
        "count",
        "first_seen",
        "last_seen",
        "dismissed",
    }
    client.cookies["tracking"] = "cookie-value-123"
    client.get(
        SEARCH,
        {"q": "没有这个词"},
        HTTP_USER_AGENT="Agent/9.9",
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    search_log.flush(today=TODAY)
    stored = repr(list(ZeroResultSearch.objects.values()))
    for personal in ("cookie-value-123", "Agent/9.9", "203.0.113.7", "198.51.100.1"):
        assert personal not in stored


def test_writes_in_batches_after_n_searches(client, catalogue, settings, django_assert_num_queries):
    settings.SEARCH_LOG_BATCH_SIZE = 3
    client.get(SEARCH, {"q": "甲词"})
    client.get(SEARCH, {"q": "乙词"})
    assert rows() == {}
    client.get(SEARCH, {"q": "甲词"})  # the third: written once the response is finished
    assert rows() == {"甲词": 2, "乙词": 1}
    assert search_log.buffer.pending == 0


def test_writes_after_t_seconds(client, catalogue, settings, monkeypatch):
    settings.SEARCH_LOG_FLUSH_SECONDS = 60
    now = [1000.0]
    monkeypatch.setattr(search_log, "clock", lambda: now[0])
    client.get(SEARCH, {"q": "甲词"})
    now[0] += 59
    client.get(SEARCH, {"q": "未找到"})
    assert rows() == {}
    now[0] += 1
    client.get(SEARCH, {"q": "未找到"})  # any request finishing after the interval writes the batch
    assert rows() == {"甲词": 1}


def test_a_flood_of_unique_junk_stays_bounded_and_keeps_frequent_queries(client, catalogue, settings):
    settings.SEARCH_LOG_MAX_ROWS = 20
    settings.SEARCH_LOG_BATCH_SIZE = 25
    for _ in range(5):
        client.get(SEARCH, {"q": "常见的说法"})
    search_log.flush(today=TODAY)
    for number in range(300):
        search_log.record(f"junk{number:04d}zz")
        if search_log.buffer.due():
            search_log.flush(today=TODAY)
    search_log.flush(today=TODAY)
    assert ZeroResultSearch.objects.count() == 20
    assert rows()["常见的说法"] == 5


def test_rows_older_than_the_retention_are_deleted(catalogue, settings):
    settings.SEARCH_LOG_RETENTION_DAYS = 30
    old = TODAY - datetime.timedelta(days=31)
    ZeroResultSearch.objects.create(query="旧词", count=9, first_seen=old, last_seen=old)
    kept = TODAY - datetime.timedelta(days=30)
    ZeroResultSearch.objects.create(query="近词", count=1, first_seen=kept, last_seen=kept)
    search_log.record("新词")
    search_log.flush(today=TODAY)
    assert rows() == {"近词": 1, "新词": 1}


def test_retention_zero_switches_the_log_off(client, catalogue, settings):
    settings.SEARCH_LOG_RETENTION_DAYS = 0
    client.get(SEARCH, {"q": "没有这个词"})
    search_log.flush(today=TODAY)
    assert rows() == {}


def test_a_failing_write_never_breaks_a_search(client, catalogue, settings, monkeypatch, caplog):
    settings.SEARCH_LOG_BATCH_SIZE = 1

    def broken(counts, today):
        raise DatabaseError("disk full")

    monkeypatch.setattr(search_log, "write", broken)
    with caplog.at_level(logging.WARNING, logger="statuscodes.search_log"):
        response = client.get(SEARCH, {"q": "没有这个词"})
    assert response.status_code == HTTPStatus.OK
    assert "没有找到匹配的状态码" in response.content.decode()
    assert "无法写入无结果的搜索" in caplog.text
    assert search_log.buffer.pending == 0  # the batch is dropped, not retried forever
