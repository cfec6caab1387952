"""The search page and the header box's suggestions; the engine is the statuscodes.search package.

Wrapped in ``statuscodes.pagecache.public_page`` like every public view (urls.py).
"""

from http import HTTPStatus

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from . import search, search_log
from .constants import code_for_constant
from .filters import StatusCodeFilter
from .models import CLASS_NAMES, StatusCode
from .pagecache import set_last_modified

SUGGEST_MAX_AGE = 60
SEARCH_REDIRECT_MAX_AGE = 300


def noindex(response):
    response["X-Robots-Tag"] = "noindex"
    return response


def see_other(url):
    """303: the answer to this search is another resource, the code's own page."""
    response = HttpResponseRedirect(url, status=HTTPStatus.SEE_OTHER)
    patch_cache_control(response, public=True, max_age=SEARCH_REDIRECT_MAX_AGE)
    return noindex(response)


def search_view(request):
    raw = request.GET.get("q", "")
    if len(raw) > search.MAX_QUERY_LENGTH:
        context = {"max_length": search.MAX_QUERY_LENGTH, "length": len(raw)}
        template = "statuscodes/search_too_long.html"
        return noindex(TemplateResponse(request, template, context, status=HTTPStatus.BAD_REQUEST))
    if (constant_code := code_for_constant(raw)) is not None:  # a pasted constant: HTTPStatus.NOT_FOUND
        return see_other(reverse("statuscodes:detail", kwargs={"code": constant_code}))
    query = search.parse(raw)
    if query.kind == "code" and not query.rest:
        # Valid but unassigned codes (436) go to their page too, which explains that.
        return see_other(reverse("statuscodes:detail", kwargs={"code": query.code}))
    # The filter form is built only when a filter was sent: most searches send none.
    chosen = any(name in request.GET for name in search.FILTER_FIELDS)
    filterset = StatusCodeFilter(request.GET, queryset=StatusCode.objects.published()) if chosen else None
    needs_index = query.kind != "empty" or (filterset is not None and filterset.form.has_changed())
    index = search.get_index() if needs_index else search.EMPTY_INDEX
    target = search.redirect_target(query, index)
    if target:
        return see_other(target)

    allowed = search.allowed_codes(filterset) if filterset is not None else None
    if query.kind == "empty":
        hits = [search.Hit(entry, search.CODE_TIER, ()) for entry in index] if allowed is not None else []
    else:
        hits = search.run(query, index)
    # Words that found nothing at all, filters aside: what editors learn readers' words from.
    found_nothing = not hits and query.kind in ("text", "code") and not search.out_of_range(query)
    facets = search.class_facets(hits)
    if allowed is not None:
        hits = [hit for hit in hits if hit.entry.code in allowed]
    page_obj = Paginator(hits, search.PAGE_SIZE).get_page(request.GET.get("page"))
    all_classes, facet_links = search.class_switch(request.GET, facets, filterset)
    context = {
        "search": query,
        "filter": filterset,
        "filter_widgets": search.filter_widgets(request.GET or None),
        "filtered": allowed is not None,
        "facets": facet_links,
        "all_classes": all_classes,
        "facet_total": sum(facet["count"] for facet in facets),
        # Class counts are of the unfiltered hits, so they are only shown while no lifecycle is chosen.
        "facet_counts": not (
            filterset is not None
            and filterset.form.is_valid()
            and filterset.form.cleaned_data.get("lifecycle")
        ),
        "class_page": search.class_page(query),
        "hits": hits,
        "page_obj": page_obj,
        "pager": search.pager_links(request.GET, page_obj),
        "rows": search.render_rows(page_obj),
        "similar": search.similar(query, index) if not hits and query.kind == "text" else [],
        "class_names": CLASS_NAMES,
        "max_length": search.MAX_QUERY_LENGTH,
        "out_of_range": not hits and search.out_of_range(query),
    }
    response = HttpResponse(search.render_page(request, context))
    if found_nothing:
        # Counted now and, through this marker, on every page-cache hit (statuscodes/search_log.py).
        response.zero_result_query = query.folded
        if request.method == "GET":
            search_log.record(query.folded)
    return noindex(set_last_modified(response, index.last_modified))


def suggestion(code, name_zh, status_code=None):
    return {
        "code": code,
        "name_zh": name_zh,
        "phrase": status_code.phrase if status_code else "",
        "lifecycle": status_code.lifecycle if status_code else "",
        "lifecycle_label": str(status_code.get_lifecycle_display()) if status_code else "",
        "url": reverse("statuscodes:detail", kwargs={"code": code}),
    }


def suggest_view(request):
    """Up to eight hits as JSON, for the header box's suggestion list."""
    raw = request.GET.get("q", "")
    if len(raw) > search.MAX_QUERY_LENGTH:
        message = _("搜索词不能超过 %(max)d 个字符。") % {"max": search.MAX_QUERY_LENGTH}
        return noindex(JsonResponse({"error": message, "results": []}, status=HTTPStatus.BAD_REQUEST))
    query = search.parse(raw)
    index = search.get_index() if query.kind != "empty" else search.EMPTY_INDEX
    results = []
    if query.kind == "code" and index.get(query.code) is None:
        results.append(suggestion(query.code, _("未分配的状态码")))
    for hit in search.run(query, index)[: search.SUGGEST_LIMIT - len(results)]:
        results.append(suggestion(hit.entry.code, hit.entry.name_zh, hit.status_code))
    response = JsonResponse(
        {"query": query.text, "results": results}, json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = f"max-age={SUGGEST_MAX_AGE}"
    return noindex(set_last_modified(response, index.last_modified))
