"""What the results page shows around the hits: class counts, the class page, filters, hints."""

from django.urls import reverse

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
    return [
        {"digit": digit, "label": f"{digit}xx {name}", "count": counts.get(digit, 0)}
        for digit, name in CLASS_NAMES.items()
    ]


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
