"""httplint, REDbot's message checks, on the public pages and a static asset, in process.

tests/test_production_server.py runs REDbot itself against gunicorn; this
catches the same mistakes in every test run, without a server.
"""

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
from django.utils.http import http_date
from httplint import HttpRequestLinter, HttpResponseLinter
from httplint.note import levels

pytestmark = pytest.mark.django_db

SEARCH = "/search/?q=%E6%89%BE%E4%B8%8D%E5%88%B0"


def lint(response, path, method="GET", request_headers=()):
    """Feed a test-client response to httplint; return its notes as (level, summary)."""
    request = HttpRequestLinter()
    request.process_request_topline(method.encode(), f"http://testserver{path}".encode(), b"HTTP/1.1")
    request.process_headers([(b"Host", b"testserver"), *request_headers])
    request.finish_content(True)

    linter = HttpResponseLinter()
    linter.request = request
    linter.is_head_response = method == "HEAD"
    linter.process_response_topline(b"HTTP/1.1", str(response.status_code).encode(), b"Reason")
    # The WSGI server adds Date; the test client does not.
    headers = [(b"Date", http_date().encode())]
    headers += [(name.encode(), value.encode("utf-8")) for name, value in response.items()]
    linter.process_headers(headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    linter.feed_content(body)
    linter.finish_content(True)

    notes = []
    for note in linter.notes:
        notes.append((note.level, note.summary))
        notes.extend((sub.level, sub.summary) for sub in note.subnotes)
    return notes


def bad(notes):
    return [summary for level, summary in notes if level == levels.BAD]


@pytest.fixture
def catalogue(make_entry, make_annotation):
    entry = make_entry(code=404, phrase="Not Found", name_zh="未找到", summary="服务器找不到请求的资源。")
    make_entry(code=200, phrase="OK", name_zh="成功")
    make_annotation(entry)
    return entry


@pytest.mark.parametrize("path", ["/", "/404/", SEARCH, "/4xx/", "/api/codes/404/"])
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_public_page_has_no_bad_notes(catalogue, path, encoding):
    client = Client(headers={"accept-encoding": encoding})

    response = client.get(path)
    notes = lint(response, path, request_headers=[(b"Accept-Encoding", encoding.encode())])

    assert response.status_code == HTTPStatus.OK
    assert not bad(notes)
    assert (levels.GOOD, "The Content-Length header is correct.") in [
        (level, str(summary)) for level, summary in notes
    ]


@pytest.mark.parametrize("path", ["/", "/404/", SEARCH])
def test_304_has_no_bad_notes(catalogue, client, path):
    etag = client.get(path)["ETag"]

    response = client.get(path, headers={"if-none-match": etag})
    notes = lint(response, path, request_headers=[(b"If-None-Match", etag.encode())])

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert not bad(notes)


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "POST"])
def test_other_methods_have_no_bad_notes(catalogue, client, method):
    response = client.generic(method, "/404/")

    assert not bad(lint(response, "/404/", method=method))


def test_404_page_has_no_bad_notes(catalogue, client):
    response = client.get("/no/such/page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not bad(lint(response, "/no/such/page/"))


def test_hashed_static_asset_has_no_bad_notes(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin"])
    path = static("css/site.css")

    for encoding in ("identity", "gzip"):
        response = Client(headers={"accept-encoding": encoding}).get(path)
        notes = lint(response, path, request_headers=[(b"Accept-Encoding", encoding.encode())])

        assert response.status_code == HTTPStatus.OK
        assert not bad(notes), encoding
