"""Admin forms: the required edit summary and the optimistic version check.

The model's save() is the real guard against lost updates (a conditional
UPDATE on the version). The form checks the same thing earlier, so the usual
conflict is reported as a form error with everything the editor typed still
in the form, instead of surfacing from save().
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .markdown import render_markdown
from .models import CURATED_FIELDS, Annotation, StatusCode

CHANGE_REASON_MAX_LENGTH = 200


class ChangeReasonMixin(forms.Form):
    change_reason = forms.CharField(
        label=_("修改说明"),
        max_length=CHANGE_REASON_MAX_LENGTH,
        help_text=_("必填。用一句话说明改了什么、为什么，会记入修改历史。"),
        error_messages={"required": _("请填写修改说明。")},
    )
    # A suggested summary, e.g. on a revert page.
    default_change_reason = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.default_change_reason:
            self.fields["change_reason"].initial = self.default_change_reason


def conflict_message(entry_pk):
    """The Chinese explanation of a conflict, naming who saved and linking to what changed."""
    history_url = reverse("admin:statuscodes_statuscode_history", args=[entry_pk])
    latest = (
        StatusCode.history.filter(code=entry_pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
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


class StatusCodeAdminForm(ChangeReasonMixin, forms.ModelForm):
    # The version the editor's copy was read at. Deliberately not the model
    # field (StatusCode.version is editable=False), so a form can never write
    # it directly; it only feeds the check below and the model's guarded UPDATE.
    loaded_version = forms.IntegerField(widget=UnlabelledHiddenInput, min_value=0, required=False)

    class Meta:
        model = StatusCode
        # The admin's fieldsets decide what is shown; this is the editable set.
        fields = ["code", *CURATED_FIELDS]

    # Set by the admin when save() lost a race after clean() passed, so the
    # re-validated form reports the conflict even if the numbers now look odd.
    force_conflict = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance._state.adding:
            return cleaned_data
        posted = cleaned_data.get("loaded_version")
        current = StatusCode.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if self.force_conflict or posted is None or posted != current:
            # Carry the current version in the re-rendered form: saving again
            # after reading the other editor's change is a deliberate choice.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = current
            raise ValidationError(conflict_message(self.instance.pk), code="stale")
        self.instance.version = posted
        return cleaned_data


class AnnotationAdminForm(ChangeReasonMixin, forms.ModelForm):
    """The stand-alone annotation form; inline annotations share the entry's summary."""

    class Meta:
        model = Annotation
        fields = ["status_code", "kind", "body", "is_published", "order"]


class MarkdownPreviewForm(forms.Form):
    body = forms.CharField(required=False, strip=False, max_length=50_000)

    def rendered(self):
        return render_markdown(self.cleaned_data["body"])
