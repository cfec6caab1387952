"""Property-based tests: whatever a reader or a robot sends to search, the answer is 200, 303 or 400."""

import json
import urllib.parse
from http import HTTPStatus

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statuscodes import search

from .plugins import examples

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

SEARCH = reverse("statuscodes:search")
SUGGEST = reverse("statuscodes:suggest")
ALLOWED = {HTTPStatus.OK, HTTPStatus.SEE_OTHER, HTTPStatus.BAD_REQUEST}

# Function-scoped fixtures (client, the catalogue) are shared by every example on purpose:
# search never writes, so examples cannot affect each other.
# About 2,000 examples in all under the ci profile (the raw test sends two requests each),
# about 20 s of CPU; a tenth of that under the quick default (tests/plugins.py).
SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

interesting = st.sampled_from(
    [
        "404",
        "４０４",
        "4xx",
        "5**",
        "超时",
        "锁",
        "%",
        "_",
        "\\",
        "'",
        '"',
        "<script>",
        "\x00",
        "\ud800",
        "nginx",
        " ",
    ]
)
queries = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=230),
    st.lists(interesting, max_size=6).map(" ".join),
    st.from_regex(r"(?i)(http ?)?[0-9x*?]{1,4}( [a-z]+)?", fullmatch=True),
)
filter_values = st.one_of(
    st.none(), st.sampled_from(["", "1", "4", "9", "x", "official", "unofficial", "standard"])
)
raw_bytes = st.binary(max_size=60)


@pytest.fixture
def catalogue(make_entry, make_annotation):
    entry = make_entry(code=408, phrase="Request Timeout", name_zh="请求超时", aliases="Timeout")
    make_annotation(entry, body="100% 的 `_` 与 \\ 都是字面量。")
    make_entry(code=444, phrase="No Response", name_zh="无响应", vendor="nginx", lifecycle="unofficial")
    make_entry(code=423, phrase="Locked", name_zh="已锁定")


def query_string(q, class_value, lifecycle, page):
    params = [("q", q)]
    params += [
        (name, value)
        for name, value in (("class", class_value), ("lifecycle", lifecycle))
        if value is not None
    ]
    if page is not None:
        params.append(("page", page))
    return urllib.parse.urlencode(params, encoding="utf-8", errors="surrogatepass")


@settings(SETTINGS, max_examples=examples(900))
@given(
    q=queries,
    class_value=filter_values,
    lifecycle=filter_values,
    page=st.one_of(st.none(), st.integers(-3, 10).map(str), st.text(max_size=5)),
)
def test_search_answers_any_parameters_with_200_303_or_400(
    client, catalogue, q, class_value, lifecycle, page
):
    response = client.get(f"{SEARCH}?{query_string(q, class_value, lifecycle, page)}")
    assert response.status_code in ALLOWED
    if response.status_code == HTTPStatus.SEE_OTHER:
        assert response["Location"].startswith("/")
    else:
        response.content.decode("utf-8")
        assert response["X-Robots-Tag"] == "noindex"
    if len(q) > search.MAX_QUERY_LENGTH:
        assert response.status_code == HTTPStatus.BAD_REQUEST


@settings(SETTINGS, max_examples=examples(250))
@given(raw=raw_bytes)
def test_search_answers_any_raw_query_string(client, catalogue, raw):
    # Percent-encode arbitrary bytes, and also send some unencoded: invalid UTF-8, stray "%".
    encoded = urllib.parse.quote_from_bytes(raw)
    for query in (f"q={encoded}", "q=" + raw.decode("latin-1").replace("#", "%23")):
        response = client.get(f"{SEARCH}?{query}")
        assert response.status_code in ALLOWED


@settings(SETTINGS, max_examples=examples(350))
@given(q=queries)
def test_suggest_answers_any_query_with_json(client, catalogue, q):
    response = client.get(f"{SUGGEST}?{query_string(q, None, None, None)}")
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
    data = json.loads(response.content)
    assert len(data["results"]) <= search.SUGGEST_LIMIT


@settings(max_examples=examples(500))
@given(text=st.text(max_size=60), q=st.text(max_size=10))
def test_highlight_never_lets_markup_through(text, q):
    forms = tuple(term for term in search.parse(q).terms)
    rendered = str(search.highlight(text, forms))
    stripped = rendered.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped
    assert rendered.count("<mark>") == rendered.count("</mark>")
