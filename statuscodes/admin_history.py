"""History in the admin: the history list, and revert pages that suggest their edit summary.

django-simple-history keeps a row per change and offers to revert to any of
them; ``HistoryAdminMixin`` is what both admins add on top of it.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

HISTORY_LIST_TEMPLATE = "admin/statuscodes/object_history_list.html"


def revert_reason(model, request):
    """The suggested summary on a revert page: "恢复到 <date> 的版本"."""
    record = model.history.filter(history_id=request.resolver_match.args[1]).first()
    if record is None:
        return ""
    when = date_format(timezone.localtime(record.history_date), "Y-m-d H:i:s")
    return gettext("恢复到 %(when)s 的版本") % {"when": when}


class HistoryAdminMixin:
    """For a SimpleHistoryAdmin whose form has a ``change_reason`` field (forms.ChangeReasonMixin)."""

    object_history_list_template = HISTORY_LIST_TEMPLATE

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and self.is_revert(request):
            self.prepare_revert(request, obj)
        return super().get_form(request, obj, change=change, **kwargs)

    def is_revert(self, request):
        """Whether this is simple-history's revert page (or its POST)."""
        opts = self.model._meta
        match = request.resolver_match
        return match is not None and match.url_name == f"{opts.app_label}_{opts.model_name}_simple_history"

    def prepare_revert(self, request, obj):
        """Ready the copy simple-history rebuilt from a history row for the revert form.

        The reason it carries is what the form suggests as the edit summary.
        """
        obj._change_reason = revert_reason(self.model, request)
