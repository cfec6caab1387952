"""Admin-only views beyond ModelAdmin: the Markdown preview and deleted annotations."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import TemplateView

from .admin_locking import touch_entry
from .forms import MarkdownPreviewForm
from .models import Annotation, StatusCode


def can_edit_annotations(user):
    return user.has_perm("statuscodes.add_annotation") or user.has_perm("statuscodes.change_annotation")


def markdown_preview(request):
    """Render Markdown exactly as saving would: markdown-it "js-default", then nh3."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not can_edit_annotations(request.user):
        raise PermissionDenied
    form = MarkdownPreviewForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": gettext("正文过长，无法预览。")}, status=400)
    return JsonResponse({"html": form.rendered()})


def deleted_annotations(code=None):
    """The last deleted copy of every annotation that is still deleted, newest first."""
    existing = set(Annotation.objects.values_list("pk", flat=True))
    records = Annotation.history.filter(history_type="-")
    if code is not None:
        records = records.filter(status_code_id=code)
    records = records.select_related("history_user").newest_first()
    latest = {}
    for record in records:
        if record.id not in existing and record.id not in latest:
            latest[record.id] = record
    return list(latest.values())


class DeletedAnnotationsView(TemplateView):
    """Deleted annotations with a 恢复 button: simple-history keeps the deleted row."""

    template_name = "admin/statuscodes/annotation/deleted_list.html"
    model_admin = None

    def dispatch(self, request, *args, **kwargs):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def code_filter(self):
        code = self.request.GET.get("code", "")
        return int(code) if code.isascii() and code.isdigit() and len(code) <= 3 else None

    def get_context_data(self, **kwargs):
        opts = Annotation._meta
        return {
            **super().get_context_data(**kwargs),
            **self.model_admin.admin_site.each_context(self.request),
            "opts": opts,
            "title": gettext("已删除的注解"),
            "records": deleted_annotations(code=self.code_filter()),
            "can_restore": self.model_admin.has_add_permission(self.request),
        }

    def post(self, request, *args, **kwargs):
        if not self.model_admin.has_add_permission(request):
            raise PermissionDenied
        back = reverse("admin:statuscodes_annotation_deleted")
        history_id = request.POST.get("history_id", "")
        record = (
            Annotation.history.filter(history_id=history_id, history_type="-").first()
            if history_id.isdigit()
            else None
        )
        if record is None:
            messages.error(request, gettext("找不到这条已删除的注解。"))
            return HttpResponseRedirect(back)
        if Annotation.objects.filter(pk=record.id).exists():
            messages.warning(request, gettext("这条注解已经恢复过了。"))
            return HttpResponseRedirect(back)
        if not StatusCode.objects.filter(pk=record.status_code_id).exists():
            messages.error(request, gettext("它所属的状态码已不存在，无法恢复。"))
            return HttpResponseRedirect(back)

        reason = gettext("恢复已删除的注解")
        with transaction.atomic():
            annotation = record.instance
            annotation._change_reason = reason
            annotation._history_user = request.user
            annotation.save()
            touch_entry(annotation.status_code_id, reason, request.user)
        messages.success(request, gettext("已恢复注解：%(annotation)s") % {"annotation": annotation})
        return HttpResponseRedirect(reverse("admin:statuscodes_annotation_change", args=[annotation.pk]))
