"""Public pages. Minimal first cut; the public-pages work replaces it."""

from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from .http import public_page
from .models import CODE_MAX, CODE_MIN, StatusCode


@public_page
def index(request):
    entries = list(StatusCode.objects.published())
    return TemplateResponse(request, "statuscodes/index.html", {"entries": entries})


@public_page
def class_page(request, digit):
    entries = list(StatusCode.objects.published().in_class(int(digit)))
    return TemplateResponse(request, "statuscodes/index.html", {"entries": entries})


@public_page
def detail(request, code):
    number = int(code)
    if code != str(number):
        return HttpResponsePermanentRedirect(reverse("statuscodes:detail", kwargs={"code": number}))
    if not CODE_MIN <= number <= CODE_MAX:
        raise Http404
    entry = StatusCode.objects.published().filter(code=number).first()
    if entry is None:
        raise Http404
    response = TemplateResponse(request, "statuscodes/detail.html", {"entry": entry})
    response.validator = (entry.updated_at, f"{entry.code}-{entry.version}")
    return response


@public_page
def api_list(request):
    return JsonResponse({"codes": list(StatusCode.objects.published().values("code", "phrase", "name_zh"))})


@public_page
def api_detail(request, code):
    entry = StatusCode.objects.published().filter(code=int(code)).values("code", "phrase", "name_zh").first()
    if entry is None:
        raise Http404
    return JsonResponse(entry)


@public_page
def robots_txt(request):
    return TemplateResponse(request, "robots.txt", {}, content_type="text/plain; charset=utf-8")


@public_page
def sitemap(request):
    raise Http404
