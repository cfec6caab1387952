"""Property-based fuzzing of every public URL: no input may produce a 5xx.

Hypothesis generates paths, query strings, headers and methods; each test
sends them through the Django test client (the full middleware stack) and
counts every request. The rule is the same everywhere: the answer is below
500. Each test also asserts that it really sent its share of requests. Under
the ``ci`` Hypothesis profile (``HYPOTHESIS_PROFILE=ci``, what CI runs) the
budgets add up to at least ``MIN_TOTAL_INPUTS``; the quick default profile
sends a tenth of each. The grand total is printed at the end of the run
(pytest's terminal summary, added up over every xdist worker).

Inputs are built as bytes and percent-encoded, because that is what reaches a
server: invalid UTF-8, lone surrogates (as CESU-8 bytes), NUL, encoded slashes
and 10,000-character segments all arrive this way.

The catalogue is created once for the module (see ``fuzz_catalogue``), so
examples cost one request each.
"""

import os
import string
from http import HTTPStatus
from urllib.parse import quote, quote_from_bytes

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .plugins import FUZZ as STATS
from .plugins import body, examples

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

MIN_TOTAL_INPUTS = 10_000
BUDGETS = {
    "url_patterns": 3_000,
    "query_parameters": 1_600,
    "api_parameters": 1_600,
    "headers": 2_300,
    "path_segments": 1_700,
}
assert sum(BUDGETS.values()) >= MIN_TOTAL_INPUTS


def fuzz(bucket):
    """The bucket's budget under the run's Hypothesis profile (tests/plugins.py)."""
    return settings(
        max_examples=examples(BUDGETS[bucket]),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


CATALOGUE = [
    # code, phrase, Chinese name, lifecycle, published
    (100, "Continue", "继续", "standard", True),
    (200, "OK", "成功", "standard", True),
    (301, "Moved Permanently", "永久移动", "standard", True),
    (308, "Permanent Redirect", "永久重定向", "standard", True),
    (404, "Not Found", "未找到", "standard", True),
    (418, "(Unused)", "我是茶壶 🫖", "unused", True),
    (451, "Unavailable For Legal Reasons", "因法律原因不可用\u202e", "standard", True),
    (499, "Client Closed Request", "客户端关闭请求", "unofficial", True),
    (503, "Service Unavailable", "服务不可用", "standard", True),
    (599, "Hidden Draft", "未发布的草稿", "unofficial", False),
]


@pytest.fixture(scope="module")
def fuzz_catalogue(django_db_setup, django_db_blocker):
    """A small catalogue with awkward text, created once for the module and removed afterwards.

    Fuzzing is about how inputs are handled, not about page size: ten entries
    keep each render cheap, so 10,000 requests fit in the time budget.
    """
    from statuscodes.models import Annotation, StatusCode

    with django_db_blocker.unblock():
        for code, phrase, name, lifecycle, published in CATALOGUE:
            entry = StatusCode.objects.create(
                code=code,
                phrase=phrase,
                name_zh=name,
                summary=f"{name}的摘要：含 <b>标签</b> 与 `代码`。",
                description=f"{name}的说明。\n\n第二段，含 emoji 🙂 和全角数字４０４。",
                source="iana" if lifecycle != "unofficial" else "vendor",
                lifecycle=lifecycle,
                vendor="nginx" if lifecycle == "unofficial" else "",
                aliases="旧名\nOld Name",
                related_codes="404 503" if code != 404 else "410",
                is_published=published,
            )
            Annotation.objects.create(
                status_code=entry,
                body="**粗体** <script>alert(1)</script> [链接](javascript:alert(1)) `代码`",
            )
        codes = [code for code, *_ in CATALOGUE]
    yield codes
    with django_db_blocker.unblock():
        Annotation.objects.all().delete()
        StatusCode.objects.all().delete()
        Annotation.history.all().delete()
        StatusCode.history.all().delete()


class FastClient(Client):
    """The test client without its template instrumentation.

    ``Client`` records every rendered template and copies its context for
    assertions this module never makes; skipping that makes requests several
    times cheaper. Requests still pass through the same WSGI handler and the
    full middleware stack.
    """

    def request(self, **request):
        return self.handler(self._base_environ(**request))


# The collected static files' modification time: fixed, so whether a date in a
# conditional header is before or after it never depends on the checkout's time.
STATIC_MTIME = 1_767_225_600  # 2026-01-01 00:00:00 GMT


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The site's own static files, as collectstatic would lay them out, with a fixed mtime."""
    root = tmp_path_factory.mktemp("static-root")
    for source in (django_settings.BASE_DIR / "static").rglob("*"):
        if source.is_file():
            target = root / source.relative_to(django_settings.BASE_DIR / "static")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            os.utime(target, (STATIC_MTIME, STATIC_MTIME))
    return root


@pytest.fixture
def fuzz_client(fuzz_catalogue, static_root, settings):
    settings.STATIC_ROOT = static_root  # read by whitenoise when the client's handler starts
    return FastClient()


def send(client, method, path, headers=None, bucket=None):
    response = client.generic(method, path, **(headers or {}))
    STATS["requests"] += 1
    STATS[bucket] += 1
    if response.status_code >= 500:
        STATS["5xx"] += 1
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (
        method,
        path,
        headers,
        response.status_code,
    )
    return response


def run(bucket, check):
    before = STATS[bucket]
    check()
    assert STATS[bucket] - before >= examples(BUDGETS[bucket])


# --- Strategies ----------------------------------------------------------------

# Text that goes wrong: control characters, bidi overrides, emoji, CJK,
# combining marks, full-width digits, and lone surrogates.
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None), max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "404\x00",
            "\u202e404",
            "４０４",
            "٤٠٤",
            "🙂" * 20,
            "未找到",
            "not found",
            "4xx",
            "1" * 400,
            "%",
            "%%",
            "%00",
            "%2F",
            "../../etc/passwd",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "\ud800",
            "a\udfffb",
            "\r\nSet-Cookie: x=1",
            "*",
            "?",
            "\\",
        ]
    ),
    st.text(min_size=1, max_size=3).map(lambda chunk: chunk * 3000),
)


def encode(value):
    """Percent-encode text as a client would send it; lone surrogates become invalid UTF-8."""
    if isinstance(value, bytes):
        return quote_from_bytes(value, safe="")
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


hostile_bytes = st.binary(max_size=60)
hostile_value = st.one_of(hostile_text, hostile_bytes)

PUBLIC_METHODS = ["GET", "GET", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "BREW"]


def public_patterns():
    """Every public URL pattern, as (name, regex); the admin is the admin tests' business."""
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            regex = pattern.pattern.regex.pattern.lstrip("^").removesuffix("\\Z").removesuffix("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + regex)
            elif isinstance(pattern, URLPattern):
                found.append((pattern.name, f"^{prefix}{regex}$"))

    walk(get_resolver().url_patterns)
    admin_prefix = django_settings.ADMIN_PATH.strip("/") + "/"
    return [(name, regex) for name, regex in found if not regex.lstrip("^").startswith(admin_prefix)]


PATTERNS = public_patterns()


def path_for(regex):
    return st.from_regex(regex, fullmatch=True).map(lambda path: "/" + quote(path.encode("utf-8"), safe="/"))


def query_string(names, values=hostile_value):
    pair = st.tuples(st.one_of(st.sampled_from(names), hostile_text), values)
    return st.lists(pair, max_size=6).map(
        lambda pairs: "&".join(f"{encode(k)}={encode(v)}" for k, v in pairs)
    )


# --- Tests -----------------------------------------------------------------------


def test_properties_public_patterns_are_all_covered():
    names = {name for name, _ in PATTERNS}
    assert {"index", "class", "detail", "search", "api_list", "api_detail"} <= names


def test_properties_every_url_pattern(fuzz_client):
    @fuzz("url_patterns")
    @given(
        path=st.one_of(*[path_for(regex) for _, regex in PATTERNS]),
        method=st.sampled_from(PUBLIC_METHODS),
        query=query_string(["q", "class", "lifecycle", "page", "download"]),
    )
    def check(path, method, query):
        send(fuzz_client, method, f"{path}?{query}" if query else path, bucket="url_patterns")

    run("url_patterns", check)


SEARCH_PARAMETERS = ["q", "class", "lifecycle", "page", "sort", "order", "source", "review", "format"]


def test_properties_search_and_filter_parameters(fuzz_client, fuzz_catalogue):
    class_values = st.sampled_from(["1", "2", "3", "4", "5", "0", "6", "4xx", "-1", "1e3", "", "４"])
    lifecycle_values = st.sampled_from(
        ["standard", "unofficial", "official", "obsoleted", "STANDARD", "x" * 500]
    )
    page_values = st.one_of(
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.sampled_from(["last", "first", "0", "1.5", "NaN", "inf", "-0", "9" * 400]),
    )
    codes = st.sampled_from(fuzz_catalogue).map(str)
    q_values = st.one_of(
        hostile_text, codes, codes.map(lambda code: code[:2]), st.sampled_from(["4", "4x", "4xx", "40?"])
    )
    parameters = st.fixed_dictionaries(
        {},
        optional={
            "q": q_values,
            "class": class_values,
            "lifecycle": lifecycle_values,
            "page": page_values,
        },
    )

    @fuzz("query_parameters")
    @given(
        where=st.sampled_from(["/", "/search/", "/search/suggest/", "/4xx/", "/2xx/", "/1xx/"]),
        parameters=parameters,
        extra=query_string(SEARCH_PARAMETERS),
        repeat=st.booleans(),
    )
    def check(where, parameters, extra, repeat):
        query = "&".join(f"{encode(k)}={encode(v)}" for k, v in parameters.items())
        if repeat and parameters:
            query = f"{query}&{query}"  # repeated keys: QueryDict keeps a list
        query = "&".join(part for part in (query, extra) if part)
        send(fuzz_client, "GET", f"{where}?{query}", bucket="query_parameters")

    run("query_parameters", check)


def test_properties_json_api_parameters(fuzz_client, fuzz_catalogue):
    code_paths = st.one_of(
        st.sampled_from(fuzz_catalogue),
        st.integers(min_value=0, max_value=999_999_999),
    ).map(lambda code: f"/api/codes/{code}/")
    zero_padded = st.sampled_from(fuzz_catalogue).map(lambda code: f"/api/codes/000{code}/")

    @fuzz("api_parameters")
    @given(
        where=st.one_of(st.sampled_from(["/api/", "/api/codes/"]), code_paths, zero_padded),
        query=query_string(["download", "format", "fields", "callback", "class", "lifecycle", "q", "indent"]),
        accept=st.sampled_from(["application/json", "text/html", "*/*", "application/xml", "", "\x00", "é"]),
        method=st.sampled_from(["GET", "GET", "HEAD", "OPTIONS", "POST"]),
    )
    def check(where, query, accept, method):
        path = f"{where}?{query}" if query else where
        response = send(fuzz_client, method, path, {"HTTP_ACCEPT": accept}, bucket="api_parameters")
        if method == "GET" and response.status_code == HTTPStatus.OK and where.startswith("/api/codes/"):
            assert response["Content-Type"].startswith("application/json")

    run("api_parameters", check)


def header_text(max_size=80):
    # WSGI headers are latin-1 strings: any byte can arrive.
    return st.text(alphabet=st.characters(max_codepoint=255), max_size=max_size)


def test_properties_conditional_and_negotiation_headers(fuzz_client, fuzz_catalogue):
    # A real validator to mutate, so the 304 path is exercised too.
    etags = {}
    for code in fuzz_catalogue[:10]:
        response = fuzz_client.get(f"/{code}/")
        if response.has_header("ETag"):
            etags[code] = (response["ETag"], response.get("Last-Modified", ""))
    known = [value for pair in etags.values() for value in pair if value] or ['W/"x"']

    if_none_match = st.one_of(
        header_text(),
        st.sampled_from(known),
        st.sampled_from(known).map(lambda tag: tag.removeprefix("W/")),
        st.lists(st.sampled_from(known + ["*", '"x"', "W/", '""']), max_size=5).map(", ".join),
        st.just("*"),
    )
    if_modified_since = st.one_of(
        header_text(),
        st.sampled_from(known),
        st.sampled_from(
            [
                "Thu, 01 Jan 1970 00:00:00 GMT",
                "Thu, 01 Jan 2026 00:00:00 GMT",  # the static files' own date: 304
                "Fri, 31 Dec 9999 23:59:59 GMT",
                "Sun, 06 Nov 1994 08:49:37 GMT",
                "Sunday, 06-Nov-94 08:49:37 GMT",
                "Sun Nov  6 08:49:37 1994",
                "Mon, 32 Feb 2026 25:61:61 GMT",
                "0",
                "-1",
                "9" * 50,
            ]
        ),
    )
    ranges = st.one_of(
        header_text(),
        st.tuples(st.integers(-5, 10**12), st.integers(-5, 10**12)).map(lambda r: f"bytes={r[0]}-{r[1]}"),
        st.sampled_from(["bytes=0-", "bytes=-1", "bytes=-0", "bytes=0-0,1-1,2-2", "items=0-5", "bytes=5-1"]),
    )
    headers = st.fixed_dictionaries(
        {},
        optional={
            "HTTP_IF_NONE_MATCH": if_none_match,
            "HTTP_IF_MODIFIED_SINCE": if_modified_since,
            "HTTP_IF_MATCH": if_none_match,
            "HTTP_IF_UNMODIFIED_SINCE": if_modified_since,
            "HTTP_IF_RANGE": st.one_of(if_none_match, if_modified_since),
            "HTTP_RANGE": ranges,
            "HTTP_ACCEPT": st.one_of(header_text(), st.sampled_from(["text/html;q=0", "*/*;q=abc", "a/b;c"])),
            "HTTP_ACCEPT_ENCODING": st.one_of(
                header_text(), st.sampled_from(["gzip", "br;q=0", "*", "identity;q=0"])
            ),
            "HTTP_ACCEPT_LANGUAGE": st.one_of(header_text(), st.sampled_from(["zh-CN", "en;q=x", "*"])),
            "HTTP_HOST": st.one_of(
                st.sampled_from(["testserver", "127.0.0.1", "localhost:99999"]), header_text(30)
            ),
            "HTTP_X_FORWARDED_FOR": header_text(),
            "HTTP_COOKIE": header_text(),
        },
    )
    targets = st.one_of(
        st.sampled_from(fuzz_catalogue).map(lambda code: f"/{code}/"),
        st.sampled_from(
            ["/", "/4xx/", "/api/codes/", "/api/", "/search/?q=not", "/robots.txt", "/sitemap.xml"]
        ),
        st.sampled_from(["/static/css/site.css", "/static/img/favicon.svg", "/favicon.ico", "/nope/"]),
    )

    @fuzz("headers")
    @given(target=targets, headers=headers, method=st.sampled_from(["GET", "GET", "HEAD"]))
    def check(target, headers, method):
        response = send(fuzz_client, method, target, headers, bucket="headers")
        if response.status_code == HTTPStatus.NOT_MODIFIED:
            # Static files come from whitenoise as streaming responses, pages do not.
            assert body(response) == b""

    run("headers", check)


def test_properties_path_segments(fuzz_client):
    segment = st.one_of(
        hostile_value,
        st.sampled_from(
            ["%2F", "%2f", "%252F", "%00", "%C0%AF", "..", ".", "%2E%2E", "//", ";", "%ZZ", "%", "~"]
        ),
        st.integers(min_value=1, max_value=10_000).map(lambda size: "x" * size),
        st.text(alphabet="٠١٢٣٤٥٦٧٨٩０１２３４５６７８９0123456789", min_size=1, max_size=12),
    )
    raw_segments = {"%2F", "%2f", "%252F", "%00", "%C0%AF", "%2E%2E", "%ZZ", "%"}

    def render(value):
        if isinstance(value, str) and value in raw_segments:
            return value  # already percent-encoded on purpose (or broken on purpose)
        return encode(value)

    prefixes = st.sampled_from(["", "api/codes/", "search/", "4xx/", "api/", "static/", "admin-nope/"])

    @fuzz("path_segments")
    @given(
        prefix=prefixes,
        segments=st.lists(segment, min_size=1, max_size=4),
        trailing=st.booleans(),
        method=st.sampled_from(["GET", "GET", "HEAD"]),
    )
    def check(prefix, segments, trailing, method):
        path = "/" + prefix + "/".join(render(value) for value in segments) + ("/" if trailing else "")
        send(fuzz_client, method, path, bucket="path_segments")

    run("path_segments", check)


def test_properties_known_nasty_paths_answer_4xx_or_redirect(fuzz_client):
    nasty = [
        "/%00/",
        "/404%00/",
        "/404%2F/",
        "/%E4%BD%A0%E5%A5%BD/",
        "/%ED%A0%80/",
        "/%FF%FE/",
        "/" + "9" * 10_000 + "/",
        "/api/codes/%2e%2e/",
        "/search/?q=%00",
        "/search/?q=%ED%A0%80",
        "/?class=%00&lifecycle=%FF",
        "/" + string.punctuation.replace("?", "").replace("#", "") + "/",
    ]
    for path in nasty:
        response = send(fuzz_client, "GET", path, bucket="nasty")
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR


@pytest.mark.parametrize(
    ("since", "status"),
    [
        ("Thu, 01 Jan 2026 00:00:00 GMT", HTTPStatus.NOT_MODIFIED),
        ("Fri, 31 Dec 9999 23:59:59 GMT", HTTPStatus.NOT_MODIFIED),
        ("Wed, 31 Dec 2025 23:59:59 GMT", HTTPStatus.OK),
    ],
)
def test_properties_static_file_if_modified_since_both_ways(fuzz_client, since, status):
    """Whitenoise's answer to If-Modified-Since, from the files' fixed date: both answers are streamed."""
    response = send(
        fuzz_client, "GET", "/static/css/site.css", {"HTTP_IF_MODIFIED_SINCE": since}, bucket="nasty"
    )

    assert response.status_code == status
    assert response.streaming
    assert (body(response) == b"") is (status == HTTPStatus.NOT_MODIFIED)
    with pytest.raises(pytest.fail.Exception, match="streaming response"):
        response.content  # noqa: B018 - the guard in tests/plugins.py must fail this test loudly
