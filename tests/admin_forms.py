"""What the admin's change form posts, for tests that submit it as a browser would."""


def form_data(entry, **overrides):
    """What the change form posts for ``entry``, as a browser would send it unchanged."""
    data = {
        "phrase": entry.phrase,
        "name_zh": entry.name_zh,
        "summary": entry.summary,
        "description": entry.description,
        "source": entry.source,
        "lifecycle": entry.lifecycle,
        "vendor": entry.vendor,
        "reference": entry.reference,
        "reference_url": entry.reference_url,
        "aliases": entry.aliases,
        "misnomers": entry.misnomers,
        "search_terms": entry.search_terms,
        "cacheability": entry.cacheability,
        "typical_headers": entry.typical_headers,
        "retry": entry.retry,
        "browser_follows": {None: "unknown", True: "true", False: "false"}[entry.browser_follows],
        "example": entry.example,
        "related_codes": entry.related_codes,
        "correction_note": entry.correction_note,
        "review_note": entry.review_note,
        "loaded_version": entry.version,
        "change_reason": "测试修改",
    }
    for name in ("body_allowed", "needs_review", "is_published"):
        if getattr(entry, name):
            data[name] = "on"
    annotations = list(entry.annotations.all())
    data.update(
        {
            "annotations-TOTAL_FORMS": len(annotations),
            "annotations-INITIAL_FORMS": len(annotations),
            "annotations-MIN_NUM_FORMS": 0,
            "annotations-MAX_NUM_FORMS": 1000,
        }
    )
    for index, note in enumerate(annotations):
        data.update(
            {
                f"annotations-{index}-id": note.pk,
                f"annotations-{index}-status_code": entry.pk,
                f"annotations-{index}-kind": note.kind,
                f"annotations-{index}-body": note.body,
                f"annotations-{index}-order": note.order,
            }
        )
        if note.is_published:
            data[f"annotations-{index}-is_published"] = "on"
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
