"""Search. Placeholder until the search work lands."""

from django.template.response import TemplateResponse

from .http import public_page


@public_page
def search_view(request):
    return TemplateResponse(request, "statuscodes/index.html", {"entries": []})


@public_page
def suggest_view(request):
    from django.http import JsonResponse

    return JsonResponse({"results": []})
