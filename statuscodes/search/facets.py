"""What the results page shows around the hits: class counts, the class page, filters, hints."""

import functools
from urllib.parse import urlencode

from django.http import QueryDict
from django.template.defaulttags import querystring
from django.urls import reverse
from django.utils.translation import get_language

from ..models import CLASS_NAMES
from .parsing import WILDCARDS


def allowed_codes(filterset):
    """Codes allowed by the chosen filters, or None when no filter is chosen (one query at most)."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return None
    if not any(filterset.form.cleaned_data.values()):
        return None
    return set(filterset.qs.values_list("code", flat=True))


def class_facets(hits):
    counts = {}
    for hit in hits:
        digit = hit.status_code.status_class
        counts[digit] = counts.get(digit, 0) + 1
    return [{"digit": digit, "count": counts.get(digit, 0)} for digit in CLASS_NAMES]


def class_switch(params, facets, filterset):
    """The class switch's links, computed here rather than by six {% querystring %} tags.

    Each link keeps the other parameters exactly as ``{% querystring class=… page=None %}``
    would: ``class`` replaced where it stands (or added at the end), ``page`` dropped.
    Returns (the link for all classes, [facet with ``href`` and ``current``]).
    """
    chosen = ""
    if filterset is not None:
        filterset.form.is_valid()  # already validated: this only makes sure cleaned_data is there
        chosen = filterset.form.cleaned_data.get("class") or ""
    before, after, has_class = [], [], False
    for key, values in params.lists():
        if key == "class":
            has_class = True
        elif key != "page":
            (after if has_class else before).extend(urlencode({key: value}) for value in values)

    def href(digit):
        parts = [*before, f"class={digit}", *after] if digit is not None else [*before, *after]  # a digit
        return f"?{'&'.join(parts)}"

    everything = {"href": href(None), "current": not chosen}
    links = [
        {**facet, "href": href(facet["digit"]), "current": chosen == str(facet["digit"])} for facet in facets
    ]
    return everything, links


def pager_links(params, page_obj):
    """The pager's links, exactly as ``{% querystring page=… %}`` writes them from ``params``."""
    links = {}
    if page_obj.has_previous():
        links["previous"] = querystring(None, params, page=page_obj.previous_page_number())
    if page_obj.has_next():
        links["next"] = querystring(None, params, page=page_obj.next_page_number())
    return links


def class_page(query):
    """The class page a pattern such as 4xx stands for, if any."""
    if query.kind == "pattern" and query.pattern[0] in "12345" and query.pattern[1:] in ("xx", "**", "??"):
        digit = query.pattern[0]
        return {"digit": digit, "url": reverse("statuscodes:class", kwargs={"digit": digit})}
    return None


def out_of_range(query):
    """True when the reader typed a three-digit number or pattern that no HTTP status code can be."""
    return any(term.isdigit() and len(term) == 3 for term in query.terms) or (
        query.kind == "pattern" and query.pattern[0] not in "12345" + WILDCARDS
    )


FILTER_FIELDS = ("class", "lifecycle")


def filter_widgets(data):
    """The filter form's two selects as HTML (and their ids), rendered once per distinct choice.

    ``data`` is the query string, or None when there is none (an unbound form).
    Django renders a select through its form templates, which costs more than
    the rest of a results page; the output depends only on the submitted values.
    """
    values = tuple(tuple(data.getlist(name)) if data is not None else None for name in FILTER_FIELDS)
    return _filter_widgets(values, get_language())


@functools.lru_cache(maxsize=128)
def _filter_widgets(values, language):
    from ..filters import StatusCodeFilter

    data = QueryDict(mutable=True)
    bound = any(value is not None for value in values)
    for name, value in zip(FILTER_FIELDS, values, strict=True):
        if value:
            data.setlist(name, list(value))
    form = StatusCodeFilter(data if bound else None).form
    widgets = {name: form[name].as_widget() for name in FILTER_FIELDS}
    return {**widgets, **{f"{name}_id": form[name].id_for_label for name in FILTER_FIELDS}}
