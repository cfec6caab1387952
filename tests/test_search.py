import json
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from statuscodes import search
from statuscodes.models import StatusCode

pytestmark = pytest.mark.django_db

SEARCH = reverse("statuscodes:search")
SUGGEST = reverse("statuscodes:suggest")


def hit_codes(response):
    """The codes of the hits, in the order the reader sees them.

    Only a results page answers: an error, a redirect, or a page with neither the
    results list nor the "no results" block fails here instead of reading as "no hits".
    """
    assert response.status_code == HTTPStatus.OK, response.status_code
    html = response.content.decode()
    before, found, results = html.partition('class="code-list search-results"')
    if not found:
        assert 'class="search-empty"' in html, "neither results nor the no-results block"
        return []
    assert 'class="search-empty"' not in before
    codes = [int(code) for code in re.findall(r'<span class="code-num c\d">(\d+)</span>', results)]
    assert codes, "a results list without a single hit"
    return codes


@pytest.fixture
def catalogue(make_entry, make_annotation):
    """A small catalogue shaped like the real one."""
    entries = {
        200: make_entry(code=200, phrase="OK", name_zh="成功", description="请求已成功。"),
        304: make_entry(
            code=304, phrase="Not Modified", name_zh="未修改", description="可以使用缓存的副本。"
        ),
        404: make_entry(
            code=404, phrase="Not Found", name_zh="未找到", description="服务器找不到请求的资源。"
        ),
        408: make_entry(
            code=408, phrase="Request Timeout", name_zh="请求超时", description="服务器等待请求时超时。"
        ),
        413: make_entry(
            code=413,
            phrase="Content Too Large",
            name_zh="内容过大",
            aliases="Payload Too Large\nRequest Entity Too Large",
            description="请求体超过了服务器愿意处理的大小。",
        ),
        418: make_entry(
            code=418,
            phrase="I'm a teapot",
            name_zh="我是茶壶",
            lifecycle=StatusCode.Lifecycle.UNUSED,
            description="愚人节玩笑。",
        ),
        423: make_entry(code=423, phrase="Locked", name_zh="已锁定", description="资源被锁定。"),
        429: make_entry(code=429, phrase="Too Many Requests", name_zh="请求过多", description="请求太频繁。"),
        440: make_entry(
            code=440,
            phrase="Login Time-out",
            name_zh="登录超时",
            lifecycle=StatusCode.Lifecycle.UNOFFICIAL,
            source=StatusCode.Source.VENDOR,
            vendor="Microsoft IIS",
            description="IIS 的会话过期。",
        ),
        444: make_entry(
            code=444,
            phrase="No Response",
            name_zh="无响应",
            lifecycle=StatusCode.Lifecycle.UNOFFICIAL,
            source=StatusCode.Source.VENDOR,
            vendor="nginx",
            description="nginx 直接关闭连接。",
        ),
        500: make_entry(
            code=500, phrase="Internal Server Error", name_zh="服务器内部错误", description="意外错误。"
        ),
        502: make_entry(code=502, phrase="Bad Gateway", name_zh="错误网关", description="上游返回无效响应。"),
        504: make_entry(
            code=504, phrase="Gateway Timeout", name_zh="网关超时", description="上游没有及时响应。"
        ),
        522: make_entry(
            code=522,
            phrase="Connection Timed Out",
            name_zh="连接超时",
            lifecycle=StatusCode.Lifecycle.UNOFFICIAL,
            source=StatusCode.Source.VENDOR,
            vendor="Cloudflare",
            description="Cloudflare 连接源站超时。",
        ),
    }
    make_annotation(entries[304], body="浏览器用 `If-None-Match` 重新验证**缓存**。")
    make_annotation(entries[200], body="这条注解没有发布，缓存二字不应被搜到。", is_published=False)
    return entries


# --- Exact codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["404", " 404 ", "４０４", "HTTP 404", "http404", "HTTP/1.1 404", "状态码 404"])
def test_search_exact_code_redirects_with_303_without_queries(client, django_assert_num_queries, q):
    with django_assert_num_queries(0):
        response = client.get(SEARCH, {"q": q})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == "/404/"
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    "q", ["404 Not Found", "404 not found", "404 未找到", "HTTP/1.1 404 Not Found", "404 错误"]
)
def test_search_code_with_its_own_name_redirects(client, catalogue, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == "/404/"


def test_search_code_with_an_old_name_redirects(client, catalogue):
    response = client.get(SEARCH, {"q": "413 Payload Too Large"})
    assert response["Location"] == "/413/"


def test_search_valid_unassigned_code_goes_to_its_page(client, catalogue):
    response = client.get(SEARCH, {"q": "436"})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == "/436/"
    assert client.get(response["Location"]).status_code == HTTPStatus.NOT_FOUND


def test_search_code_with_other_words_searches_with_the_code_first(client, catalogue):
    response = client.get(SEARCH, {"q": "404 资源"})
    assert response.status_code == HTTPStatus.OK
    # The named code first, whatever its text; other entries must contain every word.
    assert hit_codes(response) == [404]
    assert hit_codes(client.get(SEARCH, {"q": "502 nginx"})) == [502]


@pytest.mark.parametrize("q", ["600", "099", "000"])
def test_search_number_outside_the_range_explains_the_range(client, catalogue, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == HTTPStatus.OK
    assert hit_codes(response) == []
    assert "100 到 599" in response.content.decode()


# --- Patterns -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "codes"),
    [
        ("4xx", [404, 408, 413, 418, 423, 429, 440, 444]),
        ("4XX", [404, 408, 413, 418, 423, 429, 440, 444]),
        ("４ｘｘ", [404, 408, 413, 418, 423, 429, 440, 444]),
        ("40x", [404, 408]),
        ("5**", [500, 502, 504, 522]),
        ("52x", [522]),
        ("4", [404, 408, 413, 418, 423, 429, 440, 444]),
        ("50", [500, 502, 504]),
        ("x04", [304, 404, 504]),
        ("6xx", []),
    ],
)
def test_search_pattern_lists_matching_codes_in_order(client, catalogue, q, codes):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == HTTPStatus.OK
    assert hit_codes(response) == codes


def test_search_class_pattern_links_to_the_class_page(client, catalogue):
    html = client.get(SEARCH, {"q": "4xx"}).content.decode()
    assert 'href="/4xx/"' in html
    assert "模式 4xx 匹配 8 个状态码" in html


# --- Chinese --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "codes"),
    [
        ("锁", [423]),
        ("超时", [408, 440, 504, 522]),
        ("网关", [502, 504]),
        ("缓存", [304]),
        ("超时 网关", [504]),
        ("网关，超时", [504]),
        ("緩存", [304]),  # Traditional form of 缓存
        ("快取", [304]),  # Taiwanese word for 缓存
        ("請求超時", [408]),
    ],
)
def test_search_chinese_substrings(client, catalogue, q, codes):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == HTTPStatus.OK
    assert hit_codes(response) == codes


def test_search_finds_published_annotations_only(client, catalogue):
    response = client.get(SEARCH, {"q": "重新验证"})
    assert hit_codes(response) == [304]
    assert hit_codes(client.get(SEARCH, {"q": "这条注解"})) == []


def test_search_skips_unpublished_entries(client, catalogue):
    catalogue[423].is_published = False
    catalogue[423].save()
    assert hit_codes(client.get(SEARCH, {"q": "锁"})) == []


def test_search_sees_an_edit_at_once(client, catalogue):
    assert hit_codes(client.get(SEARCH, {"q": "茶壶"})) == [418]
    entry = StatusCode.objects.get(code=418)
    entry.name_zh = "茶具"
    entry.save()
    assert hit_codes(client.get(SEARCH, {"q": "茶壶"})) == []
    assert hit_codes(client.get(SEARCH, {"q": "茶具"})) == [418]


def test_search_has_no_pinyin(client, catalogue):
    # Wrong readings (重定向 as "zhong…") are worse than none, so pinyin is not offered.
    assert hit_codes(client.get(SEARCH, {"q": "chaoshi"})) == []


# --- English, old names, vendors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("not found", 404),
        ("NOT FOUND", 404),
        ("ＮＯＴ ＦＯＵＮＤ", 404),
        ("TOO MANY", 429),
        ("teapot", 418),
        ("Payload Too Large", 413),
        ("request entity", 413),
        ("nginx", 444),
        ("cloudflare", 522),
        ("微软", 440),
        ("MICROSOFT", 440),
    ],
)
def test_search_english_and_vendors(client, catalogue, q, first):
    codes = hit_codes(client.get(SEARCH, {"q": q}))
    assert codes[:1] == [first]


def test_search_casefolds_beyond_ascii(client, make_entry):
    make_entry(code=299, phrase="Straße Closed", name_zh="测试", description="Ärger")
    assert hit_codes(client.get(SEARCH, {"q": "STRASSE"})) == [299]
    assert hit_codes(client.get(SEARCH, {"q": "ärger"})) == [299]


# --- Ranking --------------------------------------------------------------------------------------


def test_search_ranks_code_then_name_then_alias_then_description_then_annotation(
    client, make_entry, make_annotation
):
    in_annotation = make_entry(code=101, phrase="Alpha", name_zh="甲", description="无关。")
    make_annotation(in_annotation, body="提到了 widget。")
    make_entry(code=202, phrase="Beta", name_zh="乙", description="这里有 widget。")
    make_entry(code=303, phrase="Gamma", name_zh="丙", aliases="Old Widget")
    make_entry(code=404, phrase="Widget Missing", name_zh="丁")
    make_entry(code=405, phrase="Widget Gone", name_zh="戊")
    make_entry(code=500, phrase="Epsilon", name_zh="己", description="这里也有 widget。")
    assert hit_codes(client.get(SEARCH, {"q": "widget"})) == [404, 405, 303, 202, 500, 101]
    # A code named in the query comes before everything else.
    assert hit_codes(client.get(SEARCH, {"q": "500 widget"}))[0] == 500


def test_search_several_words_must_all_match(client, catalogue):
    assert hit_codes(client.get(SEARCH, {"q": "request timeout"})) == [408]
    assert hit_codes(client.get(SEARCH, {"q": "请求 不存在的词"})) == []


# --- The page -------------------------------------------------------------------------------------


def test_search_results_show_count_names_badge_and_marked_snippet(client, catalogue):
    response = client.get(SEARCH, {"q": "Payload"})
    html = response.content.decode()
    assert "找到 1 个结果" in html
    assert 'href="/413/"' in html
    assert "内容过大" in html and "Content Too Large" in html
    assert 'class="badge badge--standard"' in html
    assert "别名：</span><mark>Payload</mark> Too Large" in html


def test_search_marks_matches_in_names(client, catalogue):
    html = client.get(SEARCH, {"q": "超时"}).content.decode()
    assert "请求<mark>超时</mark>" in html
    assert "Request Timeout" in html


def test_search_snippet_is_escaped_and_marked_on_raw_text(client, make_entry):
    make_entry(code=299, phrase="Test", name_zh="测试", description='R&D <b>bold</b> "quoted" amp')
    html = client.get(SEARCH, {"q": "amp"}).content.decode()
    # "amp" is marked where the reader wrote it, never inside the &amp; entity.
    assert "R&amp;D &lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot; <mark>amp</mark>" in html
    html = client.get(SEARCH, {"q": "<b>"}).content.decode()
    assert "R&amp;D <mark>&lt;b&gt;</mark>bold" in html
    assert "<b>bold" not in html


def test_search_snippet_windows_long_text(client, make_entry):
    make_entry(code=299, phrase="Test", name_zh="测试", description="前" * 300 + "目标词" + "后" * 300)
    make_entry(code=298, phrase="Test", name_zh="测试", description="前" * 300 + "尾词")
    html = client.get(SEARCH, {"q": "目标词"}).content.decode()
    assert "…" + "前" * search.SNIPPET_BEFORE + "<mark>目标词</mark>" in html
    # Near the end of the text the window fills up backwards instead of showing a short tail.
    html = client.get(SEARCH, {"q": "尾词"}).content.decode()
    assert "…" + "前" * (search.SNIPPET_LENGTH - 2) + "<mark>尾词</mark></p>" in html


def test_search_results_are_noindex(client, catalogue):
    for params in ({"q": "超时"}, {}, {"q": "x" * 201}):
        response = client.get(SEARCH, params)
        assert response["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_search_empty_query_explains_what_can_be_searched(client, catalogue, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(SEARCH)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "可以这样搜索" in html
    assert "4xx" in html and "超时" in html and "nginx" in html
    assert client.get(SEARCH, {"q": "   "}).status_code == HTTPStatus.OK


def test_search_without_results_suggests_classes_and_similar_codes(client, catalogue):
    html = client.get(SEARCH, {"q": "Not Fuond"}).content.decode()
    assert "没有找到匹配的状态码" in html
    assert "你要找的是不是" in html
    assert 'href="/404/"' in html
    for digit in "12345":
        assert f'href="/{digit}xx/"' in html


def test_search_paginates_keeping_the_query(client, make_entry):
    for code in range(200, 250):
        make_entry(code=code, phrase=f"Thing {code}", name_zh="东西")
    response = client.get(SEARCH, {"q": "东西"})
    assert "找到 50 个结果" in response.content.decode()
    assert len(hit_codes(response)) == search.PAGE_SIZE
    assert 'href="?q=%E4%B8%9C%E8%A5%BF&amp;page=2"' in response.content.decode()
    assert hit_codes(client.get(SEARCH, {"q": "东西", "page": "3"}))[0] == 240
    assert client.get(SEARCH, {"q": "东西", "page": "abc"}).status_code == HTTPStatus.OK


# --- Filters --------------------------------------------------------------------------------------


def test_search_filters_combine_with_the_query(client, catalogue):
    assert hit_codes(client.get(SEARCH, {"q": "超时", "class": "5"})) == [504, 522]
    assert hit_codes(client.get(SEARCH, {"q": "超时", "lifecycle": "unofficial"})) == [440, 522]
    assert hit_codes(client.get(SEARCH, {"q": "超时", "lifecycle": "official"})) == [408, 504]
    assert hit_codes(client.get(SEARCH, {"q": "超时", "class": "4", "lifecycle": "unofficial"})) == [440]
    assert hit_codes(client.get(SEARCH, {"q": "5xx", "lifecycle": "unofficial"})) == [522]


def test_search_filters_alone_list_the_matching_entries(client, catalogue):
    assert hit_codes(client.get(SEARCH, {"lifecycle": "unofficial"})) == [440, 444, 522]


def test_search_filter_links_keep_the_query(client, catalogue):
    html = client.get(SEARCH, {"q": "超时", "lifecycle": "official"}).content.decode()
    assert 'href="?q=%E8%B6%85%E6%97%B6&amp;lifecycle=official&amp;class=5"' in html
    assert 'href="?q=%E8%B6%85%E6%97%B6&amp;lifecycle=official"' in html


def test_search_facets_count_hits_per_class(client, catalogue):
    html = client.get(SEARCH, {"q": "超时"}).content.decode()
    assert "4xx (2)" in html and "5xx (2)" in html and "全部类别 (4)" in html


def test_search_invalid_filter_is_ignored_with_a_message(client, catalogue):
    response = client.get(SEARCH, {"q": "超时", "class": "9", "lifecycle": "bogus"})
    assert response.status_code == HTTPStatus.OK
    assert "筛选条件无效" in response.content.decode()
    assert hit_codes(response) == [408, 440, 504, 522]


# --- Queries and caching --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "超时"},
        {"q": "4xx"},
        {"q": "404 Not Found"},
        {"q": "zzzz"},
        {"q": "超时", "class": "4", "lifecycle": "unofficial"},
        {"lifecycle": "official"},
    ],
)
def test_search_makes_at_most_three_queries(client, catalogue, django_assert_max_num_queries, params):
    with django_assert_max_num_queries(3):
        response = client.get(SEARCH, params)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.SEE_OTHER)


def test_search_with_a_warm_index_runs_no_queries(client, catalogue, django_assert_num_queries):
    client.get(SEARCH, {"q": "超时"})
    with django_assert_num_queries(0):
        assert hit_codes(client.get(SEARCH, {"q": "网关"})) == [502, 504]
    with django_assert_num_queries(1):
        client.get(SEARCH, {"q": "网关", "class": "5"})


def test_search_sends_validators_and_answers_304(client, catalogue):
    response = client.get(SEARCH, {"q": "超时"})
    assert response.has_header("ETag")
    again = client.get(SEARCH, {"q": "超时"}, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_search_rejects_other_methods(client):
    response = client.post(SEARCH, {"q": "404"})
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert "GET" in response["Allow"]


# --- Bad input ------------------------------------------------------------------------------------


def test_search_query_over_200_characters_is_a_chinese_400(client, catalogue):
    response = client.get(SEARCH, {"q": "超" * 201})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "搜索词最多 200 个字符" in response.content.decode()
    assert client.get(SEARCH, {"q": "超" * 200}).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "raw",
    [
        "q=%00",
        "q=%01%02%7F",
        "q=%ED%A0%80",  # a lone surrogate, UTF-8 encoded
        "q=%ZZ",
        "q=%",
        "q=%E4%B8",  # a truncated UTF-8 sequence
        "q=_",
        "q=%5C",
        "q=%27%22",
        "q=%27+OR+1%3D1--",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "q=%EF%BF%BF",
        "q=a&q=b&class=&lifecycle=",
        "class=%00&lifecycle=%ZZ&page=-1",
    ],
)
def test_search_hostile_input_is_answered_not_crashed_on(client, catalogue, raw):
    response = client.get(f"{SEARCH}?{raw}")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<script>alert" not in html


def test_search_control_characters_around_a_code_still_jump(client):
    response = client.get(f"{SEARCH}?q=%00404%09%0A")
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == "/404/"


def test_search_lone_surrogate_in_query_is_dropped():
    assert search.clean("4\ud80004") == "404"
    assert search.clean("a\x00b\tc") == "a b c"


def test_search_percent_underscore_and_backslash_are_literal(client, make_entry):
    make_entry(code=291, phrase="Hundred", name_zh="百分", description="完成 100% 的请求")
    make_entry(code=292, phrase="Under", name_zh="下划", description="字段 max_body 太小")
    make_entry(code=293, phrase="Slash", name_zh="斜杠", description="路径 C:\\temp 不合法")
    make_entry(code=294, phrase="Plain", name_zh="普通", description="没有特殊字符")
    assert hit_codes(client.get(SEARCH, {"q": "%"})) == [291]
    assert hit_codes(client.get(SEARCH, {"q": "_"})) == [292]
    assert hit_codes(client.get(SEARCH, {"q": "\\"})) == [293]
    assert hit_codes(client.get(SEARCH, {"q": "0%"})) == [291]
    assert hit_codes(client.get(SEARCH, {"q": "x_b"})) == [292]


def test_search_html_in_query_is_escaped_in_the_page(client, catalogue):
    html = client.get(SEARCH, {"q": '"><img src=x onerror=alert(1)>'}).content.decode()
    assert "<img src=x" not in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


# --- Suggestions ----------------------------------------------------------------------------------


def test_suggest_returns_ranked_json(client, catalogue):
    response = client.get(SUGGEST, {"q": "超时"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Robots-Tag"] == "noindex"
    data = json.loads(response.content)
    assert [item["code"] for item in data["results"]] == [408, 440, 504, 522]
    assert data["results"][0] == {
        "code": 408,
        "name_zh": "请求超时",
        "phrase": "Request Timeout",
        "lifecycle": "standard",
        "lifecycle_label": "标准",
        "url": "/408/",
    }


def test_suggest_for_codes_patterns_and_nothing(client, catalogue):
    assert json.loads(client.get(SUGGEST, {"q": "404"}).content)["results"][0]["code"] == 404
    unassigned = json.loads(client.get(SUGGEST, {"q": "436"}).content)["results"]
    assert unassigned[0]["url"] == "/436/" and unassigned[0]["name_zh"] == "未分配的状态码"
    assert len(json.loads(client.get(SUGGEST, {"q": "4xx"}).content)["results"]) == search.SUGGEST_LIMIT
    assert json.loads(client.get(SUGGEST, {"q": ""}).content)["results"] == []


def test_suggest_rejects_long_queries_in_chinese(client):
    response = client.get(SUGGEST, {"q": "a" * 201})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "200" in json.loads(response.content)["error"]


def test_suggest_makes_at_most_three_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(SUGGEST, {"q": "超时"})


# --- Units ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("404", "code"),
        ("4xx", "pattern"),
        ("4", "pattern"),
        ("600", "text"),
        ("超时", "text"),
        ("x", "text"),
    ],
)
def test_parse_recognises_the_kind_of_query(raw, kind):
    assert search.parse(raw).kind == kind


def test_highlight_splits_raw_text_and_escapes_each_piece():
    assert search.highlight("a<b>&ＢＢ", ("bb",)) == "a&lt;b&gt;&amp;<mark>ＢＢ</mark>"
    assert search.highlight("Straße", ("ss",)) == "Stra<mark>ß</mark>e"
    assert search.highlight("<x>", ()) == "&lt;x&gt;"


# --- The real catalogue ---------------------------------------------------------------------------
# Seeding takes a second, so each test checks several queries against one seeded catalogue.

SEEDED_FIRST_HITS = {
    "Payload Too Large": 413,
    "Unprocessable Entity": 422,
    "Request-URI Too Long": 414,
    "Too Many Connections": 421,
    "not found": 404,
    "TOO MANY": 429,
    "teapot": 418,
    "锁": 423,
    "超时": 408,
    "缓存": 304,
    "重定向": 307,
}
SEEDED_VENDORS = {
    "nginx": {444, 494, 495, 496, 497, 499},
    "cloudflare": {520, 521, 522, 523, 524, 525, 526},
    "微软": {440, 449},
}


def test_seeded_search_finds_the_right_code_first(client, seeded):
    found = {q: hit_codes(client.get(SEARCH, {"q": q}))[:1] for q in SEEDED_FIRST_HITS}
    assert found == {q: [code] for q, code in SEEDED_FIRST_HITS.items()}


def test_seeded_search_finds_vendor_codes_first(client, seeded):
    for q, codes in SEEDED_VENDORS.items():
        found = hit_codes(client.get(SEARCH, {"q": q}))
        assert set(found[: len(codes)]) == codes, q


def test_seeded_search_shows_the_note_for_a_wrong_old_name_and_jumps(
    client, seeded, django_assert_max_num_queries
):
    html = client.get(SEARCH, {"q": "Too Many Connections"}).content.decode()
    assert "注解 · 更正" in html
    assert "连接数过多（<mark>Too Many Connections</mark>）" in html
    for q, location in [
        ("404 Not Found", "/404/"),
        ("HTTP 418", "/418/"),
        ("436", "/436/"),
        ("４２２", "/422/"),
    ]:
        assert client.get(SEARCH, {"q": q})["Location"] == location
    with django_assert_max_num_queries(3):
        assert client.get(SEARCH, {"q": "超时", "class": "5"}).status_code == HTTPStatus.OK
