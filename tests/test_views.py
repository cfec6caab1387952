"""The public HTML pages: browse, class pages, code pages and the unassigned-code page."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from statuscodes.models import StatusCode

pytestmark = pytest.mark.django_db

Lifecycle = StatusCode.Lifecycle


def text_of(response):
    """The page's visible text, tags removed and entities decoded, for content assertions."""
    from html import unescape

    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def catalogue(make_entry, make_annotation):
    """A small catalogue with one entry of each interesting shape."""
    entries = {
        100: make_entry(
            code=100,
            phrase="Continue",
            name_zh="继续",
            summary="继续发送请求内容。",
            cacheability=StatusCode.Cacheability.NEVER,
            body_allowed=False,
        ),
        200: make_entry(
            code=200,
            phrase="OK",
            name_zh="成功",
            summary="请求成功。",
            cacheability=StatusCode.Cacheability.HEURISTIC,
            search_terms="一切正常\n接口通了",
        ),
        301: make_entry(
            code=301,
            phrase="Moved Permanently",
            name_zh="永久移动",
            summary="资源已永久移到新地址。",
            related_codes="308 302",
            browser_follows=True,
            typical_headers="Location, Cache-Control",
            example="HTTP/1.1 301 Moved Permanently\nLocation: https://example.com/new",
        ),
        302: make_entry(code=302, phrase="Found", name_zh="临时移动", summary="临时在别处。"),
        308: make_entry(code=308, phrase="Permanent Redirect", name_zh="永久重定向", summary="保留方法。"),
        404: make_entry(code=404, phrase="Not Found", name_zh="未找到", summary="没有这个资源。"),
        418: make_entry(
            code=418,
            phrase="(Unused)",
            name_zh="我是茶壶",
            summary="愚人节玩笑。",
            lifecycle=Lifecycle.UNUSED,
        ),
        420: make_entry(
            code=420,
            phrase="Enhance Your Calm",
            name_zh="冷静一下",
            summary="旧版 Twitter 的限流。",
            lifecycle=Lifecycle.UNOFFICIAL,
            vendor="Twitter",
            source=StatusCode.Source.VENDOR,
        ),
        421: make_entry(
            code=421,
            phrase="Misdirected Request",
            name_zh="请求发错了服务器",
            summary="这台服务器不能为该请求的目标生成响应。",
            description="请求被发到了无法为它生成响应的服务器。",
            source=StatusCode.Source.DOCUMENT,
            source_text="从当前客户端所在的IP地址到服务器的连接数超过了服务器许可的最大范围。",
            source_line=75,
            aliases="Misdirected",
            misnomers="Too Many Connections",
            correction_note="原文写的是旧草案中“连接数过多”的含义；RFC 9110 §15.5.20 的 421 指请求发错了服务器。",
            needs_review=True,
            review_note="请编辑修正：文档把 421 写成了连接数过多，那是旧草案的含义。",
        ),
        429: make_entry(
            code=429,
            phrase="Too Many Requests",
            name_zh="请求过多",
            summary="限流。",
            reference="RFC 6585 §4",
            cacheability=StatusCode.Cacheability.NEVER,
        ),
        503: make_entry(code=503, phrase="Service Unavailable", name_zh="服务不可用", summary="暂时不可用。"),
        599: make_entry(code=599, phrase="Hidden", name_zh="未发布", summary="草稿。", is_published=False),
    }
    make_annotation(entries[301], body="搜索引擎会把权重转到**新地址**。")
    make_annotation(entries[301], body="未发布的注解", is_published=False)
    return entries


# The browse page


def test_index_lists_every_published_code_grouped_by_class(client, catalogue):
    response = client.get(reverse("statuscodes:index"))
    assert response.status_code == HTTPStatus.OK
    text = text_of(response)
    for code, entry in catalogue.items():
        if entry.is_published:
            assert f"{code} {entry.name_zh} {entry.phrase}" in text
    assert "未发布" not in text
    headings = re.findall(r'<h2 class="class-group__title" id="class-(\d)"', response.content.decode())
    assert headings == ["1", "2", "3", "4", "5"]
    assert "客户端错误" in text and "问题出在请求本身" in text


def test_index_row_shows_badge_vendor_and_summary(client, catalogue):
    text = text_of(client.get("/"))
    assert "420 冷静一下 Enhance Your Calm 非官方 · Twitter 旧版 Twitter 的限流。" in text
    assert "418 我是茶壶 (Unused) 未使用 愚人节玩笑。" in text
    assert "200 成功 OK 标准 请求成功。" in text


def test_index_makes_no_per_row_queries(client, make_entry, django_assert_max_num_queries):
    for code in range(400, 440):
        make_entry(code=code)
    with django_assert_max_num_queries(2):
        response = client.get("/")
    assert response.content.decode().count('class="code-row"') == 40


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("class=3", [301, 302, 308], [100, 200, 404, 420]),
        ("lifecycle=unofficial", [420], [100, 301, 404, 418]),
        ("lifecycle=official", [100, 301, 404, 418], [420]),
        ("lifecycle=unused", [418], [420, 404]),
        ("class=4&lifecycle=official", [404, 418, 421], [420, 301]),
    ],
)
def test_index_filters_by_class_and_lifecycle(client, catalogue, query, shown, hidden):
    response = client.get(f"/?{query}")
    assert response.status_code == HTTPStatus.OK
    links = set(map(int, re.findall(r'class="code-row__link" href="/(\d+)/"', response.content.decode())))
    assert set(shown) <= links
    assert not set(hidden) & links


def test_index_filter_form_keeps_the_selection(client, catalogue):
    html = client.get("/?lifecycle=official").content.decode()
    assert re.search(r'<option value="official" selected>隐藏非官方</option>', html)
    assert '<option value="unofficial">仅非官方</option>' in html
    assert 'name="class"' in html and 'name="lifecycle"' in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_index_class_links_keep_the_lifecycle_filter(client, catalogue):
    html = client.get("/?lifecycle=unofficial").content.decode()
    assert 'href="/4xx/?lifecycle=unofficial"' in html


def test_index_unknown_filter_value_is_a_400_in_chinese(client, catalogue):
    response = client.get("/?class=9&lifecycle=nonsense")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    text = text_of(response)
    assert "筛选条件无效" in text
    assert "选择一个有效的选项" in text


def test_index_filter_with_no_results_says_so(client, make_entry):
    make_entry(code=200)
    response = client.get("/?lifecycle=unofficial")
    assert response.status_code == HTTPStatus.OK
    assert "没有符合筛选条件的状态码" in text_of(response)


# Class pages


def test_class_page_lists_only_its_class(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("statuscodes:class", kwargs={"digit": 3}))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert re.findall(r'class="code-row__link" href="/(\d+)/"', html) == ["301", "302", "308"]
    assert re.search(r"<h1>.*3xx.*重定向</h1>", html)
    assert html.count("<h1") == 1


def test_class_page_filters_by_lifecycle(client, catalogue):
    html = client.get("/4xx/?lifecycle=unofficial").content.decode()
    assert re.findall(r'class="code-row__link" href="/(\d+)/"', html) == ["420"]
    assert 'href="/5xx/?lifecycle=unofficial"' in html


@pytest.mark.parametrize("path", ["/6xx/", "/0xx/", "/4XX/"])
def test_class_page_outside_1_to_5_is_a_404(client, catalogue, path):
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


# A code's page


def test_detail_shows_the_entry(client, catalogue):
    response = client.get("/301/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    text = text_of(response)
    assert html.count("<h1") == 1
    assert re.search(r"<h1>.*301.*永久移动.*Moved Permanently.*</h1>", html)
    assert "3xx 重定向" in text and "标准" in text
    assert "资源已永久移到新地址。" in text
    assert "浏览器自动跟随 是" in text
    assert "常见响应头字段 Location Cache-Control" in text
    assert "允许响应内容 是" in text
    assert "HTTP/1.1 301 Moved Permanently\nLocation: https://example.com/new" in html


def test_detail_head_has_title_description_canonical_and_opengraph(client, catalogue):
    html = client.get("/301/").content.decode()
    assert "<title>301 Moved Permanently（永久移动）· HTTP 状态码参考</title>" in html
    assert '<meta name="description" content="资源已永久移到新地址。">' in html
    assert '<link rel="canonical" href="http://testserver/301/">' in html
    assert '<meta property="og:url" content="http://testserver/301/">' in html
    assert '<meta property="og:title" content="301 Moved Permanently（永久移动）">' in html
    assert 'href="/api/codes/301/"' in html
    assert 'data-copy="http://testserver/301/"' in html


def test_detail_canonical_uses_site_url_when_configured(client, catalogue, settings):
    settings.SITE_URL = "https://status.example.com"
    html = client.get("/404/").content.decode()
    assert '<link rel="canonical" href="https://status.example.com/404/">' in html


def test_detail_shows_published_annotations_only(client, catalogue):
    html = client.get("/301/").content.decode()
    assert "搜索引擎会把权重转到<strong>新地址</strong>。" in html
    assert "未发布的注解" not in html


def test_detail_annotation_html_is_sanitized(client, catalogue, make_annotation):
    make_annotation(catalogue[404], body="<script>alert(1)</script>\n\n[x](javascript:alert(1)) **粗体**")
    html = client.get("/404/").content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "<strong>粗体</strong>" in html


def test_detail_escapes_editor_text(client, make_entry):
    make_entry(code=299, description="<img src=x onerror=alert(1)>", summary='"引号"<b>')
    html = client.get("/299/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>" not in html


def test_detail_shows_source_text_and_the_correction_but_never_the_review_note(client, catalogue):
    text = text_of(client.get("/421/"))
    assert "文档原文" in text
    assert "源文档第 75 行" in text
    assert "从当前客户端所在的IP地址到服务器的连接数超过了服务器许可的最大范围。" in text
    assert (
        "更正说明 原文写的是旧草案中“连接数过多”的含义；RFC 9110 §15.5.20 的 421 指请求发错了服务器。" in text
    )
    assert text.index("文档原文") < text.index("更正说明")
    assert "请编辑修正" not in text and "编辑说明" not in text


def test_detail_lists_misnomers_apart_from_aliases(client, catalogue):
    text = text_of(client.get("/421/"))
    aliases = text.split("旧名与别名：")[1].split("常见误称")[0]
    assert "Misdirected" in aliases and "Too Many Connections" not in aliases
    assert (
        "常见误称： Too Many Connections 。这个名称是同一数字的其他用法或错误叫法，并非 421 的含义。" in text
    )


def test_detail_does_not_show_search_terms(client, catalogue):
    text = text_of(client.get("/200/"))
    assert "一切正常" not in text and "接口通了" not in text
    assert "常见误称" not in text


@pytest.mark.parametrize(
    ("code", "answer"),
    [
        (200, "可缓存性 可以：没有明确缓存指令时，缓存也可按启发式规则存储（RFC 9110 §15.1）"),
        (404, "可缓存性 只有带明确的新鲜度信息（如 Cache-Control: max-age、Expires）或明确允许缓存"),
        (100, "可缓存性 不得存储：1xx 不是最终响应，缓存只能存储最终响应（RFC 9111 §3）"),
        (429, "可缓存性 不得存储：RFC 6585 §4 明文规定缓存不得存储这种响应"),
    ],
)
def test_detail_fact_box_gives_one_of_three_honest_cacheability_answers(client, catalogue, code, answer):
    assert answer in text_of(client.get(f"/{code}/"))


def test_detail_fact_box_says_when_there_is_no_content(client, catalogue):
    assert "允许响应内容 否：响应在头部之后立即结束" in text_of(client.get("/100/"))


def test_detail_hides_source_section_when_text_is_the_description(client, make_entry):
    make_entry(
        code=299, description="同一段文字。", source_text="同一段文字。", source_line=3, source="document"
    )
    text = text_of(client.get("/299/"))
    assert "文档原文" not in text
    assert "第 3 行，说明即原文" in text


def test_detail_labels_the_duplicated_source_text(client, make_entry):
    make_entry(code=298, source_text="原文。", source_duplicate_text="误抄的另一条。", source="document")
    text = text_of(client.get("/298/"))
    assert "文档中重复出现的文字（未采用）" in text
    assert "误抄的另一条。" in text


def test_detail_links_related_previous_and_next(client, catalogue):
    html = client.get("/301/").content.decode()
    related = html.split('id="related"')[1].split("</section>")[0]
    assert re.findall(r'href="/(\d+)/"', related) == ["308", "302"]
    assert re.search(r'href="/200/" rel="prev"', html)
    assert re.search(r'href="/302/" rel="next"', html)


def test_detail_first_and_last_codes_have_one_neighbour(client, catalogue):
    first = client.get("/100/").content.decode()
    assert 'rel="prev"' not in first and 'href="/200/" rel="next"' in first
    last = client.get("/503/").content.decode()
    assert 'rel="next"' not in last and 'href="/429/" rel="prev"' in last


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (301, "五种重定向"),
        (308, "五种重定向"),
        (404, "404 与 410"),
        (503, "429 与 503"),
    ],
)
def test_detail_compares_codes_people_confuse(client, catalogue, code, title):
    text = text_of(client.get(f"/{code}/"))
    assert f"容易混淆：{title}" in text


def test_detail_redirect_table_says_permanent_and_method_preserved(client, catalogue):
    html = client.get("/308/").content.decode()
    table = html.split('id="comparison"')[1].split("</table>")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    cells = {
        int(re.search(r">(\d{3})<", row)[1]): re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows[1:]
    }
    assert list(cells) == [301, 302, 303, 307, 308]
    assert cells[308][:2] == ["永久", "不能：308 就是为保留请求方法的永久重定向而设（RFC 9110 §15.4）"]
    assert cells[307][1].startswith("不能：自动跟随时不得改变请求方法")
    # 301 and 302 allow the change to GET for historical reasons; they do not require it.
    assert cells[302][:2] == ["临时", "可以：出于历史原因，用户代理可以把 POST 改为 GET（RFC 9110 §15.4.3）"]
    assert "总是" not in cells[303][1] and "GET 或 HEAD" in cells[303][1]
    assert 'class="is-current"' in next(
        row for row in re.findall(r"<tr[^>]*>.*?</tr>", table, re.S) if ">308<" in row
    )


def test_detail_two_code_table_has_one_column_per_code_and_marks_the_current_one(client, catalogue):
    html = client.get("/503/").content.decode()
    table = html.split('id="comparison"')[1].split("</table>")[0]
    head = table.split("</thead>")[0]
    assert re.findall(r'href="/(\d+)/"', head) == ["429"]
    assert (
        '<strong aria-current="page"><span class="code-num c5">503</span> <span class="comparison__name">服务不可用</span></strong>'
        in head
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))
    assert "可缓存性 不得存储（RFC 6585 §4） 需明确的新鲜度信息" in text


def test_detail_without_comparison_has_no_table(client, catalogue):
    assert "容易混淆" not in text_of(client.get("/200/"))


def test_detail_makes_at_most_two_queries(client, catalogue, make_annotation, django_assert_max_num_queries):
    for _ in range(5):
        make_annotation(catalogue[301])
    with django_assert_max_num_queries(2):
        response = client.get("/301/")
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(("path", "target"), [("/0404/", "/404/"), ("/00301/", "/301/"), ("/404", "/404/")])
def test_detail_other_spellings_redirect_permanently(client, catalogue, path, target):
    response = client.get(path)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == target


def test_detail_unpublished_entry_is_not_shown(client, catalogue):
    response = client.get("/599/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "草稿" not in response.content.decode()


# Unassigned codes and codes outside 100–599


def test_unassigned_code_gets_a_helpful_404(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/436/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    text = text_of(response)
    assert "436 不在 IANA 的 HTTP 状态码注册表中" in text
    assert "RFC 9110 第 15 节" in text and 'href="https://www.rfc-editor.org/rfc/rfc9110#section-15"' in html
    assert "当作同类别的 x00 处理" in text
    assert 'href="/400/"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert html.count("<h1") == 1


def test_unassigned_code_lists_known_codes_of_its_class(client, catalogue):
    html = client.get("/299/").content.decode()
    assert "已收录的 2xx 状态码" in text_of(client.get("/299/"))
    assert 'href="/200/"' in html


def test_registered_code_without_an_entry_says_it_is_registered(client, catalogue):
    # 506 is in the IANA table the catalogue is built from, but not in this test catalogue.
    response = client.get("/506/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    text = text_of(response)
    assert "506 在 IANA 的 HTTP 状态码注册表中" in text
    assert 'href="/500/"' in response.content.decode()


@pytest.mark.parametrize("path", ["/99/", "/600/", "/0000/", "/00600/", "/999999999/", "/1000/"])
def test_codes_outside_100_to_599_are_ordinary_404s(client, catalogue, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "未分配的状态码" not in response.content.decode()


# Every public page


PUBLIC_PATHS = [
    "/",
    "/?lifecycle=official",
    "/3xx/",
    "/301/",
    "/436/",
    "/api/",
    "/api/codes/",
    "/api/codes/301/",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_set_no_cookie_and_do_not_vary_on_cookie(client, catalogue, path):
    response = client.get(path)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.get("Vary", "").lower()


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_make_at_most_two_queries(client, catalogue, path, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(path)


@pytest.mark.parametrize("path", ["/", "/3xx/", "/301/", "/436/", "/api/"])
def test_html_pages_share_the_layout(client, catalogue, path):
    html = client.get(path).content.decode()
    assert '<html lang="zh-Hans">' in html
    assert '<a class="skip-link" href="#content">' in html
    assert '<main id="content"' in html
    assert re.search(r'<form class="search-form" action="/search/" method="get" role="search">', html)
    assert 'name="q"' in html
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert "/static/js/search.js" in html and "/static/js/site.js" in html
    assert html.count("<h1") == 1
    # The strict CSP forbids inline scripts and style attributes.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html
    assert "csrfmiddlewaretoken" not in html


def test_page_validator_changes_when_an_annotation_is_edited(client, catalogue, make_annotation):
    before = client.get("/301/")["ETag"]
    note = make_annotation(catalogue[301], body="新的注解。")
    after = client.get("/301/")
    assert after["ETag"] != before
    assert "新的注解。" in after.content.decode()
    note.body = "改过的注解。"
    note.save()
    assert client.get("/301/")["ETag"] != after["ETag"]


def test_page_last_modified_is_the_newest_shown_change(client, catalogue, make_annotation):
    from django.utils.http import http_date

    note = make_annotation(catalogue[404], body="最新的注解。")
    response = client.get("/404/")
    assert response["Last-Modified"] == http_date(note.updated_at.timestamp())


@pytest.mark.parametrize(("q", "code"), [("Too Many Connections", 421), ("接口通了", 200)])
def test_search_finds_misnomers_and_search_terms(client, catalogue, q, code):
    html = client.get(reverse("statuscodes:search"), {"q": q}).content.decode()
    results = html.split('class="code-list search-results"', 1)[1]
    assert re.findall(r'<span class="code-num c\d">(\d+)</span>', results) == [str(code)]
