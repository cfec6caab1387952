"""Optimistic locking in the admin: no editor silently overwrites another's change.

``StatusCode.save()`` is the guard: it writes only while the row still has the
version the copy was read at, and raises ``StaleVersionError`` otherwise. This
module is the admin's side of it, in one place:

* ``VersionCheckedForm`` carries the version the editor's page was built from
  and refuses a stale one with a Chinese form error, keeping everything the
  editor typed;
* ``VersionCheckedAdminMixin`` checks a revert against the entry as it is now,
  and turns a save that lost the race after validation into that same error;
* ``touch_entry`` moves an entry's version when one of its annotations changes
  outside the entry's own change form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

from .admin_history import HistoryAdminMixin
from .models import StaleVersionError, StatusCode

VERSION_FIELD = "loaded_version"


def conflict_message(instance):
    """The Chinese explanation of a conflict, naming who saved and linking to what changed."""
    opts = instance._meta
    history_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[instance.pk])
    latest = (
        type(instance)
        .history.filter(**{opts.pk.attname: instance.pk})
        .newest_first()
        .select_related("history_user")
        .first()
    )
    if latest is not None:
        who = latest.history_user.get_username() if latest.history_user else gettext("其他人")
        when = date_format(timezone.localtime(latest.history_date), "Y-m-d H:i:s")
        saved = format_html(
            "{who} 于 {when} 保存了此条目（修改说明：{reason}）",
            who=who,
            when=when,
            reason=latest.history_change_reason or "—",
        )
    else:
        saved = gettext("其他人保存了此条目")
    return format_html(
        "保存冲突：在你编辑期间，{saved}。你的修改尚未保存，填写的内容都保留在下面。"
        '请先<a href="{url}" target="_blank" rel="noopener">查看对方改了什么</a>，'
        "核对并合并后再次保存；再次保存将以你的版本为准。",
        saved=saved,
        url=history_url,
    )


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden input that no <label for> points at: HTML allows a label only for a visible control."""

    def id_for_label(self, id_):
        return None


class LoadedVersionField(forms.IntegerField):
    """The version of the copy the page was built from, in a hidden input.

    It always renders that version, never the posted one. Without a conflict
    the two are equal; after a conflict the page carries the current version,
    so saving again, having read the other editor's change, is a deliberate
    choice.
    """

    widget = UnlabelledHiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=0, required=False, **kwargs)

    def bound_data(self, data, initial):
        return initial


class VersionCheckedForm(forms.Form):
    """For the ModelForm of a version-checked model.

    ``loaded_version`` is deliberately not the model field (``version`` is
    ``editable=False``), so a form can never write it; it only feeds the
    check below. The instance the admin built the form with was read in the
    same request, so its version is the current one.
    """

    loaded_version = LoadedVersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance._state.adding:
            return cleaned_data
        if cleaned_data.get(VERSION_FIELD) != self.fields[VERSION_FIELD].initial:
            raise ValidationError(conflict_message(self.instance), code="stale")
        return cleaned_data


class VersionCheckedAdminMixin(HistoryAdminMixin):
    """For the admin of a version-checked model whose form is a VersionCheckedForm."""

    def prepare_revert(self, request, obj):
        # simple-history rebuilt obj from a history row, whose version is old:
        # the revert must be checked against the row as it is now.
        super().prepare_revert(request, obj)
        current = self.model.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
        if current is not None:
            obj.version = current

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._report_lost_race(request, super().changeform_view, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self._report_lost_race(
            request, super().history_form_view, object_id, version_id, extra_context
        )

    def _report_lost_race(self, request, view, *args):
        """Run a saving view in one transaction.

        If save() lost the race after the form was validated, everything is
        rolled back (inlines included) and the view runs once more with the
        posted version withdrawn, since it is stale: the form then reports the
        conflict and shows the editor's input.
        """
        if request.method != "POST":
            return view(request, *args)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return view(request, *args)
        except StaleVersionError:
            stale = request.POST.copy()
            stale.pop(VERSION_FIELD, None)
            request.POST = stale
            return view(request, *args)


def touch_entry(code, reason, user):
    """Record an annotation change on its entry too.

    The entry's version (and so its page's ETag) must move when one of its
    annotations changes outside the entry's own change form; saving through
    the version check also makes an editor who has the entry open see a
    conflict instead of overwriting the annotation change. The row is locked
    while it is read and saved, so the save cannot be stale.
    """
    with transaction.atomic():
        entry = StatusCode.objects.select_for_update().filter(pk=code).first()
        if entry is None:
            return
        entry._change_reason = reason
        entry._history_user = user
        entry.save()
