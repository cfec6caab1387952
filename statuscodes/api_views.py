"""The open dataset: the whole catalogue and each code as JSON, and the page that documents them.

Wrapped in ``statuscodes.pagecache.public_page`` like every public view (urls.py).
"""

import hashlib

from django.db.models import Count, Max
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import constants
from .models import CODE_MAX, CODE_MIN, StatusCode
from .pagecache import set_last_modified
from .views import absolute_url

DATASET_FILENAME = "http-status-codes-zh.json"


def dataset_version(entries):
    """The dataset's version: which versions of which entries it holds."""
    digest = hashlib.blake2b(digest_size=8)
    for entry in entries:
        digest.update(f"{entry.code}:{entry.version};".encode())
    return f"{len(entries)}-{digest.hexdigest()}"


def entry_record(request, entry):
    """One entry as the dataset publishes it (fields documented on the dataset page)."""
    return {
        "code": entry.code,
        "phrase": entry.phrase,
        "name_zh": entry.name_zh,
        "summary": entry.summary,
        "description": entry.description,
        "class": f"{entry.status_class}xx",
        "class_name": str(entry.class_name),
        "lifecycle": entry.lifecycle,
        "lifecycle_label": entry.get_lifecycle_display(),
        "vendor": entry.vendor,
        "reference": entry.reference,
        "reference_url": entry.reference_url,
        "aliases": entry.alias_list,
        "misnomers": entry.misnomer_list,
        "search_terms": entry.search_term_list,
        "cacheability": entry.cacheability,
        "cacheability_label": entry.get_cacheability_display(),
        "body_allowed": entry.body_allowed,
        "typical_headers": entry.header_list,
        "retry": entry.retry,
        "retry_label": entry.get_retry_display(),
        "browser_follows": entry.browser_follows,
        "related_codes": entry.related_code_list,
        "example": entry.example,
        "source": entry.source,
        "source_text": entry.source_text,
        "source_duplicate_text": entry.source_duplicate_text,
        "source_line": entry.source_line,
        "correction_note": entry.correction_note,
        "reviewed_at": entry.reviewed_at.isoformat() if entry.reviewed_at else None,
        "updated_at": entry.updated_at.isoformat(),
        "url": absolute_url(request, entry.get_absolute_url()),
    }


def json_response(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def api_not_found(message):
    response = json_response({"error": "not_found", "detail": message}, status=404)
    response["Cache-Control"] = "no-cache"
    return response


def api_list(request):
    """The whole dataset as JSON; ?download=1 asks the browser to save it."""
    entries = list(StatusCode.objects.published().defer("seed_baseline"))
    last_modified = max((entry.updated_at for entry in entries), default=None)
    response = json_response(
        {
            "version": dataset_version(entries),
            "last_modified": last_modified.isoformat() if last_modified else None,
            "count": len(entries),
            "documentation": absolute_url(request, reverse("statuscodes:dataset")),
            "codes": [entry_record(request, entry) for entry in entries],
        }
    )
    if "download" in request.GET:
        response["Content-Disposition"] = f'attachment; filename="{DATASET_FILENAME}"'
    return set_last_modified(response, last_modified)


def api_detail(request, code):
    number = int(code)
    if CODE_MIN <= number <= CODE_MAX and code != str(number):
        return HttpResponsePermanentRedirect(reverse("statuscodes:api_detail", kwargs={"code": number}))
    entry = StatusCode.objects.published().defer("seed_baseline").filter(code=number).first()
    if entry is None:
        return api_not_found(_("数据集中没有状态码 %(code)s。") % {"code": code})
    annotations = list(entry.annotations.published())
    record = entry_record(request, entry)
    record["annotations"] = [
        {"kind": note.kind, "kind_label": note.get_kind_display(), "html": note.body_html}
        for note in annotations
    ]
    record["constants"] = constants.record_for_code(entry.code)
    response = json_response(record)
    return set_last_modified(response, entry.updated_at, *(note.updated_at for note in annotations))


def dataset(request):
    """The dataset page: what the JSON holds, field by field, and where to download it."""
    summary = StatusCode.objects.published().aggregate(count=Count("code"), last_modified=Max("updated_at"))
    context = {
        "count": summary["count"],
        "last_modified": summary["last_modified"],
        "list_url": reverse("statuscodes:api_list"),
        "canonical_url": absolute_url(request, reverse("statuscodes:dataset")),
        "download_name": DATASET_FILENAME,
    }
    response = TemplateResponse(request, "statuscodes/dataset.html", context)
    return set_last_modified(response, summary["last_modified"])
