"""Template tags for the editorial admin's own pages."""

from django import template
from django.urls import reverse

from statuscodes.models import StatusCode

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queue(context):
    """How many entries need review and the change list filtered to them, for the admin index.

    Returns None for users who may not see entries, so the index shows nothing.
    """
    request = context["request"]
    if not request.user.has_perm("statuscodes.view_statuscode") and not request.user.has_perm(
        "statuscodes.change_statuscode"
    ):
        return None
    url = reverse("admin:statuscodes_statuscode_changelist")
    return {"count": StatusCode.objects.needing_review().count(), "url": f"{url}?needs_review__exact=1"}
