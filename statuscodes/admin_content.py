"""The content check in the admin: editors see what the rules say, before and after saving.

When the change form opens, it lists the findings for the entry as stored;
after a save, each finding for the saved entry (annotations included) is a
warning message. Nothing here stops a save: the rules advise, editors decide.
"""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext

from . import content_check


def field_label(model, field: str) -> str:
    """The Chinese name editors know a finding's field by."""
    if field.startswith("annotations["):
        return gettext("注解（%(key)s）") % {"key": field[len("annotations[") : -1]}
    try:
        return str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def findings_for(model, pk) -> list[tuple[str, str]]:
    """(field label, message) for the stored entry with this key; none if it is gone."""
    entry = model.objects.prefetch_related("annotations").filter(pk=pk).first()
    if entry is None:
        return []
    return [(field_label(model, f.field), f.message) for f in content_check.check_entry(entry)]


class ContentFindingsMixin:
    """For the StatusCode admin: findings on the change form and after each save."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None and not add:
            context["content_findings"] = findings_for(self.model, obj.pk)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def response_change(self, request, obj):
        self._warn(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self._warn(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _warn(self, request, obj):
        findings = findings_for(self.model, obj.pk)
        if not findings:
            return
        self.message_user(
            request,
            gettext("已保存，但内容检查发现 %(count)d 处与内容规范不符，请逐条处理：")
            % {"count": len(findings)},
            messages.WARNING,
        )
        for label, message in findings:
            self.message_user(request, f"{label}：{message}", messages.WARNING)
