"""“在代码里怎么写”: the constant tables, the code pages and the API that show them, and the search jump."""

import html
import inspect
import re
import tomllib
from http import HTTPStatus

import django.http
import pytest
from django.conf import settings

from statuscodes import constants
from statuscodes.models import StatusCode

SEARCH = "/search/"
TABLE_DIR = settings.BASE_DIR / "fixtures" / "source" / "constants"


def constants_section(response):
    text = response.content.decode()
    match = re.search(r'<section class="constants".*?</section>', text, re.S)
    assert match, "the code page has no constants section"
    return match[0]


def copied_names(section):
    return {html.unescape(value) for value in re.findall(r'data-copy="([^"]*)"', section)}


def django_classes():
    """{code: {class name}} for Django's HttpResponse subclasses that fix their own status."""
    found = {}
    for name, cls in inspect.getmembers(django.http, inspect.isclass):
        if (
            issubclass(cls, django.http.HttpResponseBase)
            and "status_code" in vars(cls)
            and cls.status_code != 200
        ):
            found.setdefault(cls.status_code, set()).add(name)
    return found


@pytest.fixture
def every_code_page(make_entry):
    """One published entry for every code any table names, plus unofficial codes with and without names."""
    codes = {constant.code for constant in constants.tables()[1]} | {520, 444}
    for code in sorted(codes):
        lifecycle = StatusCode.Lifecycle.UNOFFICIAL if code in (419, 420, 509, 520, 444) else "standard"
        make_entry(code=code, lifecycle=lifecycle, vendor="Cloudflare" if code == 520 else "")
    return sorted(codes)


# --- The tables -----------------------------------------------------------------------------------------


def test_every_table_records_its_library_version_and_source():
    files = sorted(TABLE_DIR.glob("*.toml"))
    assert len(files) == 13
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for field in ("language", "library", "version", "source_url", "docs_url", "read_from", "display"):
            assert data[field], f"{path.name} lacks {field}"
        assert data["source_url"].startswith("https://")
        assert data["constants"], f"{path.name} has no names"
        for row in data["constants"]:
            assert 100 <= row["code"] <= 599
            assert row["url"].startswith("https://")


def test_the_python_table_is_exactly_http_httpstatus_at_runtime():
    table = {(c.code, c.name) for c in constants.tables()[1] if c.library.key == "python-httpstatus"}
    assert table == {(member.value, name) for name, member in HTTPStatus.__members__.items()}


def test_python_3_13_names_and_their_aliases_are_marked():
    by_name = {c.name: c for c in constants.tables()[1] if c.library.key == "python-httpstatus"}
    for new, old in (
        ("CONTENT_TOO_LARGE", "REQUEST_ENTITY_TOO_LARGE"),
        ("UNPROCESSABLE_CONTENT", "UNPROCESSABLE_ENTITY"),
        ("URI_TOO_LONG", "REQUEST_URI_TOO_LONG"),
        ("RANGE_NOT_SATISFIABLE", "REQUESTED_RANGE_NOT_SATISFIABLE"),
    ):
        assert HTTPStatus[old] is HTTPStatus[new]
        assert by_name[new].since == "3.13" and by_name[new].current
        assert by_name[old].renamed == "3.13" and by_name[old].replaced_by == new and not by_name[old].current
    assert by_name["EARLY_HINTS"].since == "3.9"
    assert by_name["UNAVAILABLE_FOR_LEGAL_REASONS"].since == "3.8"


def test_the_django_table_is_exactly_the_response_classes_at_runtime():
    table = {}
    for constant in constants.tables()[1]:
        if constant.library.key == "django":
            table.setdefault(constant.code, set()).add(constant.name)
    assert table == django_classes()


def test_no_constant_name_means_two_different_codes():
    seen = {}
    for constant in constants.tables()[1]:
        if constant.library.searchable:
            seen.setdefault(constant.name.replace("_", "").casefold(), set()).add(constant.code)
    assert {key: codes for key, codes in seen.items() if len(codes) > 1} == {}


def test_a_language_without_a_constant_has_no_invented_name():
    result = constants.for_code(418)
    libraries = {
        entry["library"].key: entry["constants"] for g in result["languages"] for entry in g["libraries"]
    }
    assert libraries["dotnet"] == []  # dotnet/runtime deliberately left ImATeapot out
    assert libraries["servlet"] == []
    assert [c.name for c in libraries["go"]] == ["StatusTeapot"]
    assert constants.for_code(520)["any"] is False


# --- The code pages ------------------------------------------------------------------------------------


def test_every_page_shows_exactly_its_tables_entries_and_the_runtime_python_names(client, every_code_page):
    runtime_django = django_classes()
    for code in every_code_page:
        response = client.get(f"/{code}/")
        assert response.status_code == 200, code
        section = constants_section(response)
        expected = {c.written for c in constants.tables()[1] if c.code == code}
        assert copied_names(section) == expected, code

        python = {n.removeprefix("HTTPStatus.") for n in copied_names(section) if n.startswith("HTTPStatus.")}
        assert python == {name for name, member in HTTPStatus.__members__.items() if member.value == code}, (
            code
        )
        django_names = {n for n in copied_names(section) if n.startswith("HttpResponse")}
        assert django_names == runtime_django.get(code, set()), code

        result = constants.for_code(code)
        empty = sum(1 for g in result["languages"] for entry in g["libraries"] if not entry["constants"])
        if result["any"]:
            none_said = section.count("没有定义这个状态码的常量") + section.count("表中没有这个状态码")
            assert none_said == empty, code


def test_the_429_page_shows_each_language_with_links_and_copy_buttons(client, make_entry):
    make_entry(code=429, phrase="Too Many Requests")
    section = constants_section(client.get("/429/"))
    assert "在代码里怎么写" in section
    for language in ("Python", "Go", "Rust", "Java", ".NET", "Node.js", "PHP", "Ruby"):
        assert f">{language}</th>" in section
    for written in (
        "HTTPStatus.TOO_MANY_REQUESTS",
        "status.HTTP_429_TOO_MANY_REQUESTS",
        "http.StatusTooManyRequests",
        "StatusCode::TOO_MANY_REQUESTS",
        "HttpStatus.TOO_MANY_REQUESTS",
        "HttpStatusCode.TooManyRequests",
        "http2.constants.HTTP_STATUS_TOO_MANY_REQUESTS",
        "http.STATUS_CODES[429]",
        "Response::HTTP_TOO_MANY_REQUESTS",
        ":too_many_requests",
    ):
        assert f'data-copy="{written}"' in section
    assert "https://pkg.go.dev/net/http#StatusTooManyRequests" in section
    assert "https://github.com/hyperium/http/blob/v1.4.2/src/status.rs#L" in section
    # Servlet 6.1 has no SC_TOO_MANY_REQUESTS; the 6.2 milestone does, and the page says it is unreleased.
    assert 'data-copy="HttpServletResponse.SC_TOO_MANY_REQUESTS"' in section and "尚未正式发布" in section
    assert "没有定义这个状态码的常量" in section  # Django has no HttpResponse subclass for 429


def test_copy_buttons_are_csp_safe(client, make_entry):
    make_entry(code=404, phrase="Not Found")
    section = constants_section(client.get("/404/"))
    assert '<button type="button" class="copy-code" data-copy="HttpResponseNotFound" hidden>' in section
    assert re.findall(r"<script(?![^>]*\bsrc=)", section) == []
    assert "onclick" not in section
    assert '<script src="/static/js/constants.js' in section


def test_renamed_and_deprecated_names_say_what_to_use(client, make_entry):
    make_entry(code=422, phrase="Unprocessable Content")
    section = constants_section(client.get("/422/"))
    assert "3.13 起改名为 UNPROCESSABLE_CONTENT，旧名仍可用" in section
    assert "7.0 起弃用；改用 UNPROCESSABLE_CONTENT" in section  # Spring
    assert "3.1 起弃用；改用 unprocessable_content" in section  # Rack


def test_an_unofficial_code_lists_only_what_platforms_define(client, make_entry):
    make_entry(code=420, phrase="Enhance Your Calm", lifecycle=StatusCode.Lifecycle.UNOFFICIAL)
    section = constants_section(client.get("/420/"))
    assert copied_names(section) == {"HttpStatus.METHOD_FAILURE"}
    assert "7.0 已移除" in section

    make_entry(
        code=520, phrase="Web Server Returned an Unknown Error", lifecycle=StatusCode.Lifecycle.UNOFFICIAL
    )
    section = constants_section(client.get("/520/"))
    assert copied_names(section) == set()
    assert "都没有为 520 定义常量" in section


# --- The JSON API -----------------------------------------------------------------------------------------


def test_the_api_gives_the_same_constants(client, make_entry):
    make_entry(code=413, phrase="Content Too Large")
    data = client.get("/api/codes/413/").json()
    libraries = {item["library"]: item for item in data["constants"]}
    assert len(data["constants"]) == len(constants.tables()[0])
    python = libraries["http.HTTPStatus（标准库）"]
    assert python["version"].startswith("Python 3.13")
    by_name = {c["name"]: c for c in python["constants"]}
    assert by_name["CONTENT_TOO_LARGE"]["code_text"] == "HTTPStatus.CONTENT_TOO_LARGE"
    assert by_name["REQUEST_ENTITY_TOO_LARGE"]["renamed"] == "3.13"
    assert by_name["REQUEST_ENTITY_TOO_LARGE"]["replaced_by"] == "CONTENT_TOO_LARGE"
    assert libraries["Django（django.http 的 HttpResponse 子类）"]["constants"] == []
    api_names = {c["code_text"] for item in data["constants"] for c in item["constants"]}
    assert api_names == {c.written for c in constants.tables()[1] if c.code == 413}


# --- Search ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("HTTPStatus.TOO_MANY_REQUESTS", 429),
        ("http.StatusTeapot", 418),
        ("StatusCode::IM_A_TEAPOT", 418),
        ("HttpStatusCode.NotFound", 404),
        ("status.HTTP_503_SERVICE_UNAVAILABLE", 503),
        ("SC_NOT_FOUND", 404),
        ("HttpResponseNotFound", 404),
        (":too_many_requests", 429),
        ("UNPROCESSABLE_ENTITY", 422),
        # without the prefix, in any letter case, old names
        ("TOO_MANY_REQUESTS", 429),
        ("StatusTeapot", 418),
        ("too_many_requests", 429),
        ("httpstatus.too_many_requests", 429),
        ("  http.HTTPStatus.REQUEST_ENTITY_TOO_LARGE  ", 413),
        ("HttpStatus.PAYLOAD_TOO_LARGE", 413),
        ("HttpStatus.MOVED_TEMPORARILY", 302),
        ("HttpServletResponse.SC_MOVED_TEMPORARILY", 302),
        ("http::StatusCode::NOT_FOUND", 404),
        ("Response::HTTP_PERMANENTLY_REDIRECT", 308),
        ("\\Symfony\\Component\\HttpFoundation\\Response::HTTP_NOT_FOUND", 404),
        ("http2.constants.HTTP_STATUS_TEAPOT", 418),
        ("fastapi.status.HTTP_201_CREATED", 201),
        ("System.Net.HttpStatusCode.RedirectKeepVerb", 307),
        (":unprocessable_entity", 422),
    ],
)
def test_a_pasted_constant_jumps_to_its_code(client, db, query, code):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == f"/{code}/"


@pytest.mark.parametrize(
    "query", ["HTTPStatus.NOT_A_STATUS", "SC_NO_SUCH_THING", "HttpResponseNoSuchThing", ":no_such_status"]
)
def test_a_constant_that_names_no_code_is_an_ordinary_search_without_match(client, make_entry, query):
    make_entry(code=404, phrase="Not Found", name_zh="未找到")
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == HTTPStatus.OK
    assert "没有找到匹配的状态码" in response.content.decode()


@pytest.mark.parametrize("query", ["ok", "OK", "found", "Found", "continue", "Gone", "conflict"])
def test_an_ordinary_word_that_is_also_a_constant_still_searches(client, make_entry, query):
    make_entry(code=302, phrase="Found", name_zh="找到")
    make_entry(code=410, phrase="Gone", name_zh="已删除")
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "text",
    ["example.com", "foo.NOT_FOUND", "a b_c", "NOT_FOUND;", "x" * 300 + "_Y", "", ":", "::OK", "http."],
)
def test_text_that_is_not_a_known_constant_is_not_looked_up(text):
    assert constants.code_for_constant(text) is None
