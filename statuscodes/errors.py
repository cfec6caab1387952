"""Error pages in Chinese. The 500 page is static and touches no database."""

import logging

from django.http import HttpResponse, HttpResponseNotFound
from django.template import loader

logger = logging.getLogger("statuscodes.errors")


def page_not_found(request, exception=None):
    """Our own 404 page, built from the catalogue's 404 entry when it can be read."""
    from django.db import DatabaseError

    from .models import StatusCode

    try:
        entry = StatusCode.objects.published().filter(code=404).first()
    except DatabaseError:
        entry = None
    body = loader.render_to_string("404.html", {"entry": entry, "request_path": request.path}, request)
    response = HttpResponseNotFound(body)
    response["Cache-Control"] = "no-cache"
    return response


def server_error(request):
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def bad_request(request, exception=None):
    return HttpResponse(loader.get_template("400.html").render(), status=400)


def permission_denied(request, exception=None):
    return HttpResponse(loader.get_template("403.html").render(), status=403)


def csrf_failure(request, reason=""):
    return HttpResponse(loader.get_template("403_csrf.html").render(), status=403)
