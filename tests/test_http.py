"""HTTP behaviour of the public pages: validators, 304s, HEAD, methods, caching, errors.

These run through the test client. tests/test_production_server.py checks the
same things against gunicorn, where CSRF and HEAD bodies behave differently.
"""

import gzip
import socket
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path, reverse

from statuscodes import pagecache
from statuscodes.middleware import HeadResponseMiddleware
from statuscodes.pagecache import accepts_gzip

pytestmark = pytest.mark.django_db

# Every public URL family; the catalogue fixture below makes each of them a 200.
PUBLIC_URLS = [
    "/",
    "/4xx/",
    "/404/",
    "/search/?q=%E6%89%BE%E4%B8%8D%E5%88%B0",
    "/search/suggest/?q=%E6%89%BE%E4%B8%8D%E5%88%B0",
    "/api/",
    "/api/codes/",
    "/api/codes/404/",
    "/robots.txt",
    "/sitemap.xml",
]
HTML_PAGES = ["/", "/4xx/", "/404/", "/search/?q=%E6%89%BE%E4%B8%8D%E5%88%B0", "/api/"]
UNSAFE_METHODS = ["post", "put", "patch", "delete"]


@pytest.fixture
def catalogue(make_entry, make_annotation):
    not_found = make_entry(
        code=404,
        phrase="Not Found",
        name_zh="未找到",
        summary="服务器找不到请求的资源。",
        description="服务器找不到目标资源的当前表示，或不愿透露它是否存在。",
    )
    make_entry(code=200, phrase="OK", name_zh="成功", summary="请求已成功。", description="请求已成功。")
    make_annotation(not_found, body="常见于拼错的网址。")
    return not_found


def gzip_client():
    return Client(headers={"accept-encoding": "gzip"})


# --- Validators and 304 --------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_sends_weak_etag_and_explicit_cache_control(client, catalogue, url):
    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert response["ETag"].startswith('W/"')
    assert "max-age=" in response["Cache-Control"]


@pytest.mark.parametrize("url", HTML_PAGES)
def test_html_page_has_last_modified_and_is_revalidated_on_every_view(client, catalogue, url):
    response = client.get(url)

    assert response["Cache-Control"] == "max-age=0, must-revalidate"
    assert response["Last-Modified"].endswith(" GMT")
    assert response["Content-Language"] == "zh-Hans"


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_if_none_match_gives_304_with_the_200s_headers(catalogue, url):
    client = gzip_client()
    full = client.get(url)

    revalidated = client.get(url, headers={"if-none-match": full["ETag"]})

    assert revalidated.status_code == HTTPStatus.NOT_MODIFIED
    assert revalidated.content == b""
    for name in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
        assert revalidated.get(name) == full.get(name), name
    assert not revalidated.has_header("Content-Length")


def test_if_modified_since_gives_304_with_the_same_validators(client, catalogue):
    full = client.get("/404/")

    revalidated = client.get("/404/", headers={"if-modified-since": full["Last-Modified"]})

    assert revalidated.status_code == HTTPStatus.NOT_MODIFIED
    assert revalidated["ETag"] == full["ETag"]
    assert revalidated["Last-Modified"] == full["Last-Modified"]
    assert revalidated["Cache-Control"] == full["Cache-Control"]


def test_stale_validators_get_the_full_page(client, catalogue):
    full = client.get("/404/")

    response = client.get("/404/", headers={"if-none-match": 'W/"something-else"'})

    assert response.status_code == HTTPStatus.OK
    assert response.content == full.content


def test_code_page_validators_change_when_the_entry_is_edited(client, catalogue):
    before = client.get("/404/")

    catalogue.summary = "换了一种说法的摘要。"
    catalogue.save()
    after = client.get("/404/")

    assert after["ETag"] != before["ETag"]
    assert "换了一种说法的摘要" in after.text
    assert client.get("/404/", headers={"if-none-match": before["ETag"]}).status_code == HTTPStatus.OK


def test_code_page_validators_change_when_an_annotation_is_published(client, catalogue, make_annotation):
    before = client.get("/404/")

    note = make_annotation(catalogue, body="新增的**说明**。", is_published=False)
    unchanged = client.get("/404/")
    note.is_published = True
    note.save()
    after = client.get("/404/")

    assert unchanged["ETag"] == before["ETag"]
    assert after["ETag"] != before["ETag"]
    assert "新增的" in after.text


def test_browse_page_validators_change_when_any_entry_changes(client, catalogue, make_entry):
    before = client.get("/")

    make_entry(code=418, phrase="I'm a teapot", name_zh="我是茶壶")
    after = client.get("/")

    assert after["ETag"] != before["ETag"]
    assert "我是茶壶" in after.text


def test_etag_includes_the_release(client, catalogue, settings):
    before = client.get("/404/")

    settings.RELEASE = "next-release"
    after = client.get("/404/")

    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] == before["Last-Modified"]


# --- HEAD ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_head_has_exactly_the_get_headers(catalogue, url):
    client = gzip_client()
    get = client.get(url)
    head = client.head(url)

    assert head.status_code == get.status_code
    assert head.content == b""
    assert dict(head.headers) == dict(get.headers)
    assert head["Content-Length"] == str(len(get.content))


def test_head_middleware_drops_the_body_itself():
    """The test client strips HEAD bodies on its own; gunicorn does not, so the middleware must."""
    request = RequestFactory().head("/")
    response = HeadResponseMiddleware(lambda request: HttpResponse("正文"))(request)

    assert response.content == b""
    assert response["Content-Length"] == str(len("正文".encode()))


@pytest.mark.parametrize("status", [HTTPStatus.NO_CONTENT, HTTPStatus.NOT_MODIFIED])
def test_no_body_statuses_carry_no_content_length(status):
    request = RequestFactory().get("/")

    def view(request):
        response = HttpResponse(status=status)
        response["Content-Length"] = "0"
        return response

    response = HeadResponseMiddleware(view)(request)

    assert not response.has_header("Content-Length")


# --- Methods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", UNSAFE_METHODS)
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_unsafe_methods_get_405_with_allow_even_with_csrf_checks(catalogue, url, method):
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(url)

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD"
    assert "方法不允许" in response.text
    assert method.upper() in response.text


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_options_lists_the_allowed_methods(client, catalogue, url):
    response = client.options(url)

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert not response.has_header("Content-Length")


def test_zero_padded_and_slashless_urls_redirect_permanently(client, catalogue):
    padded = client.get("/0404/")
    slashless = client.get("/404")

    assert padded.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert padded["Location"] == "/404/"
    assert "max-age" in padded["Cache-Control"]
    assert slashless.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert slashless["Location"] == "/404/"


# --- Caching ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_cache_hit_runs_no_sql(client, catalogue, url, django_assert_num_queries):
    first = client.get(url)

    with django_assert_num_queries(0):
        hit = client.get(url)
        not_modified = client.get(url, headers={"if-none-match": first["ETag"]})

    assert hit.content == first.content
    assert not_modified.status_code == HTTPStatus.NOT_MODIFIED


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_page_first_asked_for_conditionally_is_stored_too(
    client, catalogue, url, django_assert_num_queries
):
    """A worker whose first request for a page is a revalidation keeps the page it rendered,
    so the next revalidation there is a hit like any other (on a server with several
    workers, most workers first see a page this way)."""
    etag = client.get(url)["ETag"]
    pagecache.catalogue_changed()  # every stored page is now out of reach, as on a fresh worker

    first = client.get(url, headers={"if-none-match": etag})
    with django_assert_num_queries(0):
        again = client.get(url, headers={"if-none-match": etag})
        full = client.get(url)

    assert first.status_code == again.status_code == HTTPStatus.NOT_MODIFIED
    assert full.status_code == HTTPStatus.OK
    assert full["ETag"] == etag


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_cache_hit_sends_the_same_headers_as_the_render(catalogue, url):
    """Hits are answered above most middleware; the security headers must still be there."""
    client = gzip_client()
    rendered = client.get(url)
    hit = client.get(url)

    assert dict(hit.headers) == dict(rendered.headers)
    assert hit.content == rendered.content
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert hit.has_header(name), name


def test_saving_an_entry_shows_on_every_page_at_once(client, catalogue):
    assert "未找到" in client.get("/").text
    assert "未找到" in client.get("/404/").text

    catalogue.name_zh = "查无此页"
    catalogue.save()

    assert "查无此页" in client.get("/").text
    assert "查无此页" in client.get("/404/").text
    assert "查无此页" in client.get("/api/codes/404/").text


def test_deleting_an_entry_removes_it_from_cached_pages(client, catalogue, make_entry):
    teapot = make_entry(code=418, phrase="I'm a teapot", name_zh="我是茶壶")
    assert "我是茶壶" in client.get("/").text

    teapot.delete()

    assert "我是茶壶" not in client.get("/").text


def test_cached_pages_are_kept_apart_per_host(client, catalogue, settings):
    """Pages carry absolute URLs, so one host's page must never be served to another."""
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]

    first = client.get("/api/codes/404/", headers={"host": "a.example"})
    second = client.get("/api/codes/404/", headers={"host": "b.example"})

    assert "http://a.example/404/" in first.text
    assert "http://b.example/404/" in second.text


def test_generation_moves_on_every_bump():
    before = pagecache.current_generation()

    pagecache.catalogue_changed()

    assert pagecache.current_generation() != before


def test_pages_are_gzipped_when_asked_and_vary_on_accept_encoding(catalogue):
    plain = Client().get("/")
    compressed = gzip_client().get("/")

    assert not plain.has_header("Content-Encoding")
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2
    assert plain["Vary"] == compressed["Vary"] == "Accept-Encoding"
    assert plain["ETag"] == compressed["ETag"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
        ("x-gzip-ish", False),
    ],
)
def test_accepts_gzip_reads_quality_values(header, expected):
    request = RequestFactory().get("/", headers={"accept-encoding": header} if header else {})

    assert accepts_gzip(request) is expected


@pytest.fixture
def unreachable_redis(settings, monkeypatch):
    """Point the cache at a loopback port nothing listens on (bound and held, so no one else can)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        monkeypatch.setattr(pagecache.generation, "unavailable_until", 0.0)
        yield
        monkeypatch.setattr(pagecache.generation, "unavailable_until", 0.0)


def test_site_serves_when_redis_is_unreachable(client, catalogue, unreachable_redis):
    first = client.get("/404/")
    second = client.get("/404/")
    catalogue.name_zh = "仍然可以编辑"
    catalogue.save()
    after_edit = client.get("/404/")

    assert first.status_code == second.status_code == after_edit.status_code == HTTPStatus.OK
    assert first["ETag"] == second["ETag"]
    assert "仍然可以编辑" in after_edit.text


# --- Cookies ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_set_no_cookies_and_do_not_vary_on_cookie(client, catalogue, url):
    anonymous = client.get(url)
    editor = get_user_model().objects.create_user("editor")
    client.force_login(editor)
    signed_in = client.get(url)

    for response in (anonymous, signed_in):
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


def test_search_results_are_not_indexed(client, catalogue):
    response = client.get("/search/?q=%E6%89%BE%E4%B8%8D%E5%88%B0")

    assert response["X-Robots-Tag"] == "noindex"


# --- Static files ----------------------------------------------------------------------------------


def test_hashed_static_files_are_immutable_for_a_year(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # The admin's files would triple the time and test nothing more.
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin"])
    from django.templatetags.static import static

    client = Client()  # a new handler, so whitenoise scans the new STATIC_ROOT
    hashed = client.get(static("css/site.css"))
    unhashed = client.get("/static/css/site.css")

    assert static("css/site.css") != "/static/css/site.css"
    assert hashed.status_code == unhashed.status_code == HTTPStatus.OK
    assert hashed["Cache-Control"] == "max-age=31536000, public, immutable"
    assert unhashed["Cache-Control"] == f"max-age={settings.WHITENOISE_MAX_AGE}, public"


# --- Error pages -----------------------------------------------------------------------------------


def test_unknown_path_gets_the_404_page_built_from_the_404_entry(client, catalogue):
    response = client.get("/no/such/page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("text/html")
    assert "未找到" in response.text
    assert "服务器找不到请求的资源。" in response.text
    assert "/no/such/page/" in response.text
    assert reverse("statuscodes:detail", kwargs={"code": 404}) in response.text


def test_404_page_works_without_a_404_entry(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "未找到" in response.text


def raise_error(request):
    raise RuntimeError("boom")


def raise_permission_denied(request):
    raise PermissionDenied


urlpatterns = [
    path("boom/", raise_error),
    path("denied/", raise_permission_denied),
]
handler400 = "statuscodes.errors.bad_request"
handler403 = "statuscodes.errors.permission_denied"
handler404 = "statuscodes.errors.page_not_found"
handler500 = "statuscodes.errors.server_error"


@pytest.mark.urls(__name__)
def test_500_page_is_static_and_needs_no_database(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    broken = mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("down"))

    with django_assert_num_queries(0), broken:
        response = client.get("/boom/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "服务器内部错误" in response.text
    assert response["Cache-Control"] == "no-store"


@pytest.mark.urls(__name__)
def test_403_page_is_in_chinese(client):
    response = client.get("/denied/")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "禁止访问" in response.text


def test_400_page_is_in_chinese(client):
    response = client.get("/", headers={"host": "attacker.example"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "请求有误" in response.text


def test_csrf_failure_page_is_in_chinese(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "请求校验失败" in response.text


def test_503_page_is_static_and_in_chinese(django_assert_num_queries):
    from statuscodes.errors import service_unavailable

    with django_assert_num_queries(0):
        response = service_unavailable()

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "服务暂时不可用" in response.content.decode()


def test_error_page_falls_back_to_plain_html_when_its_template_breaks():
    from statuscodes.errors import server_error

    with mock.patch("statuscodes.errors.loader.render_to_string", side_effect=ValueError("no manifest")):
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "500 服务器内部错误" in response.content.decode()
