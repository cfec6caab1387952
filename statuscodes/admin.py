"""The editorial admin: curation in Chinese, with history, review and no lost edits."""

import difflib

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.db import router, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import path, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import admin_search_log, admin_views  # noqa: F401 - admin_search_log registers 无结果的搜索
from .admin_content import ContentFindingsMixin
from .admin_history import HistoryAdminMixin
from .admin_locking import VersionCheckedAdminMixin, touch_entry
from .forms import AnnotationAdminForm, StatusCodeAdminForm
from .models import CLASS_NAMES, Annotation, StatusCode

admin.site.site_header = _("HTTP 状态码参考 · 编辑后台")
admin.site.site_title = _("HTTP 状态码参考 · 编辑后台")
admin.site.index_title = _("编辑工作台")

REVIEWED_REASON = _("标记为已审核")
# Longer texts are compared line by line: a character diff is quadratic.
CHAR_DIFF_LIMIT = 4000
SEARCH_TERM_LIMIT = 8

ADMIN_MEDIA_CSS = {"all": ["admin_extra/admin.css"]}
ADMIN_MEDIA_JS = ["admin_extra/markdown-preview.js"]


def text_diff_html(old, new):
    """An escaped HTML diff of two texts, deletions in <del> and insertions in <ins>.

    Chinese has no spaces between words, so short texts are compared character
    by character; long ones by line, to keep the comparison cheap.
    """
    if len(old) + len(new) <= CHAR_DIFF_LIMIT:
        a, b, joiner = old, new, ""
    else:
        a, b, joiner = old.splitlines(keepends=True), new.splitlines(keepends=True), ""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    parts = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        removed, added = joiner.join(a[a0:a1]), joiner.join(b[b0:b1])
        if op == "equal":
            parts.append(format_html("{}", removed))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(parts))


class StatusClassFilter(admin.SimpleListFilter):
    title = _("类别")
    parameter_name = "class"

    def lookups(self, request, model_admin):
        return [(str(digit), f"{digit}xx {name}") for digit, name in CLASS_NAMES.items()]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and int(value) in CLASS_NAMES:
            return queryset.in_class(int(value))
        return queryset


class MarkdownPreviewMixin:
    """A 预览 button under the annotation body (static/admin_extra/markdown-preview.js)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body":
            formfield.widget.attrs.update(
                {
                    "data-markdown-preview": reverse_lazy("admin:statuscodes_annotation_preview"),
                    "data-preview-label": _("预览"),
                    "data-preview-error": _("预览失败，请稍后再试。"),
                    "rows": 6,
                }
            )
        return formfield


class AnnotationInline(MarkdownPreviewMixin, admin.StackedInline):
    model = Annotation
    extra = 0
    fields = [("kind", "order", "is_published"), "body", "rendered", "author"]
    readonly_fields = ["rendered", "author"]
    verbose_name = _("注解")
    verbose_name_plural = _("注解（Markdown，保存时净化；可用“顺序”调整先后）")

    @admin.display(description=_("已保存的渲染结果"))
    def rendered(self, obj):
        if not obj.pk:
            return gettext("保存后显示；也可点“预览”先看效果。")
        # body_html was rendered by markdown-it "js-default" and cleaned by the
        # nh3 allowlist when it was saved, so it is safe to emit as is.
        return format_html('<div class="markdown-rendered">{}</div>', mark_safe(obj.body_html))


@admin.register(StatusCode)
class StatusCodeAdmin(ContentFindingsMixin, VersionCheckedAdminMixin, SimpleHistoryAdmin):
    form = StatusCodeAdminForm
    inlines = [AnnotationInline]
    list_display = [
        "code",
        "name_zh",
        "phrase",
        "status_class",
        "lifecycle",
        "needs_review",
        "is_published",
        "updated_at",
        "last_editor",
    ]
    list_display_links = ["code", "name_zh"]
    list_filter = [StatusClassFilter, "lifecycle", "needs_review", "source", "is_published"]
    # Text fields searched word by word; numbers search codes (get_search_results).
    search_fields = [
        "phrase",
        "name_zh",
        "summary",
        "description",
        "aliases",
        "misnomers",
        "search_terms",
        "vendor",
        "reference",
    ]
    search_help_text = _("输入状态码（如 404，或 4 表示全部 4xx）或文字（英文短语、中文名称、说明）。")
    ordering = ["code"]
    list_per_page = 100
    actions = ["mark_reviewed"]
    save_on_top = True
    readonly_fields = [
        "source_text",
        "source_duplicate_text",
        "source_line",
        "source_diff",
        "review_status",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["code", ("phrase", "name_zh"), "summary"]}),
        (
            _("说明与文档原文"),
            {
                "fields": [
                    ("description", "source_text"),
                    "source_diff",
                    "correction_note",
                    "source_duplicate_text",
                    "source_line",
                ],
                "description": _("左边是现行说明（可编辑），右边是源文档原文（只读）；下方标出两者的差异。"),
                "classes": ["source-compare"],
            },
        ),
        (
            _("分类与规范"),
            {
                "fields": [
                    ("source", "lifecycle"),
                    "vendor",
                    ("reference", "reference_url"),
                    ("aliases", "misnomers", "search_terms"),
                ]
            },
        ),
        (
            _("协议细节"),
            {
                "fields": [
                    ("cacheability", "body_allowed", "browser_follows"),
                    "retry",
                    "typical_headers",
                    "related_codes",
                    "example",
                ]
            },
        ),
        (_("审核与发布"), {"fields": ["needs_review", "review_note", "review_status", "is_published"]}),
        (
            _("本次修改"),
            {
                "fields": ["change_reason", "loaded_version", ("created_at", "updated_at")],
                "classes": ["change-reason"],
            },
        ),
    ]

    class Media:
        css = ADMIN_MEDIA_CSS
        js = ADMIN_MEDIA_JS

    def get_queryset(self, request):
        latest_history = StatusCode.history.filter(code=OuterRef("pk")).newest_first()
        return (
            super()
            .get_queryset(request)
            .select_related("reviewed_by")
            .annotate(last_editor_name=Subquery(latest_history.values("history_user__username")[:1]))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("code")
        return fields

    def get_search_results(self, request, queryset, search_term):
        """Every word must match: digits match codes, anything else matches text.

        "404" finds exactly 404 and "4" every 4xx; a long number or any other
        text is a plain case-insensitive substring search, so no input can
        overflow an integer column or reach the database as a NUL byte.
        """
        terms = search_term.replace("\x00", "").split()[:SEARCH_TERM_LIMIT]
        for term in terms:
            queryset = queryset.filter(self._search_term_condition(term))
        return queryset, False

    def _search_term_condition(self, term):
        if term.isascii() and term.isdigit() and len(term) <= 3:
            width = 10 ** (3 - len(term))
            return Q(code__gte=int(term) * width, code__lt=(int(term) + 1) * width)
        text = Q()
        for field in self.search_fields:
            text |= Q(**{f"{field}__icontains": term[:100]})
        return text

    @admin.display(description=_("类别"), ordering="code")
    def status_class(self, obj):
        return f"{obj.status_class}xx {obj.class_name}"

    @admin.display(description=_("最后编辑"), ordering="last_editor_name", empty_value="—")
    def last_editor(self, obj):
        return obj.last_editor_name

    @admin.display(description=_("原文与现行说明的差异"))
    def source_diff(self, obj):
        if not obj.source_text:
            return gettext("（此条目没有源文档原文）")
        if not obj.source_differs:
            return gettext("现行说明与原文一致。")
        return format_html(
            '<div class="source-diff" lang="zh-Hans">{}</div><p class="help">{}</p>',
            text_diff_html(obj.source_text.strip(), obj.description.strip()),
            gettext("删除线为原文中被删去的文字，下划线为现行说明新增的文字；保存后更新。"),
        )

    @admin.display(description=_("审核记录"))
    def review_status(self, obj):
        if obj.reviewed_at is None:
            return gettext("尚未审核")
        who = obj.reviewed_by.get_username() if obj.reviewed_by else gettext("（已删除的用户）")
        return format_html("{} · {}", who, date_format(timezone.localtime(obj.reviewed_at), "Y-m-d H:i"))

    def prepare_revert(self, request, obj):
        # History never stored seed_baseline: the revert must not make the
        # seed forget what it last wrote.
        super().prepare_revert(request, obj)
        baseline = StatusCode.objects.filter(pk=obj.pk).values_list("seed_baseline", flat=True).first()
        if baseline is not None:
            obj.seed_baseline = baseline

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data["change_reason"]
        if change and "needs_review" in form.changed_data and not obj.needs_review:
            obj.reviewed_by = request.user
            obj.reviewed_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = form.cleaned_data["change_reason"]
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
            inline_form.instance._history_user = request.user
            if inline_form.instance.pk is None and inline_form.instance.author_id is None:
                inline_form.instance.author = request.user
        formset.save()

    @admin.action(
        description=_("标记为已审核"),
        permissions=["change"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def mark_reviewed(self, request, queryset):
        now = timezone.now()
        with transaction.atomic():
            entries = list(queryset.select_for_update(of=("self",)))
            for entry in entries:
                entry.needs_review = False
                entry.reviewed_by = request.user
                entry.reviewed_at = now
                entry._change_reason = str(REVIEWED_REASON)
                entry._history_user = request.user
                entry.save()
        self.message_user(
            request,
            gettext("已将 %(count)d 个条目标记为已审核。") % {"count": len(entries)},
            messages.SUCCESS,
        )


@admin.register(Annotation)
class AnnotationAdmin(MarkdownPreviewMixin, HistoryAdminMixin, SimpleHistoryAdmin):
    form = AnnotationAdminForm
    list_display = ["status_code", "kind", "short_body", "is_published", "order", "author", "updated_at"]
    list_filter = ["kind", "is_published"]
    list_select_related = ["status_code", "author"]
    search_fields = ["body"]
    ordering = ["status_code", "order", "pk"]
    readonly_fields = ["rendered", "author", "seed_key", "created_at", "updated_at"]
    fields = [
        "status_code",
        ("kind", "order", "is_published"),
        "body",
        "rendered",
        "change_reason",
        "author",
        ("created_at", "updated_at"),
    ]

    class Media:
        css = ADMIN_MEDIA_CSS
        js = ADMIN_MEDIA_JS

    rendered = AnnotationInline.rendered

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("status_code")
        return fields

    @admin.display(description=_("正文"))
    def short_body(self, obj):
        return obj.body if len(obj.body) <= 40 else obj.body[:40] + "…"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("preview/", view(admin_views.markdown_preview), name="statuscodes_annotation_preview"),
            path(
                "deleted/",
                view(admin_views.DeletedAnnotationsView.as_view(model_admin=self)),
                name="statuscodes_annotation_deleted",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data["change_reason"]
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        touch_entry(obj.status_code_id, obj._change_reason, request.user)

    def delete_model(self, request, obj):
        obj._change_reason = gettext("在后台删除注解")
        code = obj.status_code_id
        super().delete_model(request, obj)
        touch_entry(code, obj._change_reason, request.user)

    def delete_queryset(self, request, queryset):
        # One by one, so every deletion gets a history row with a reason.
        for obj in queryset:
            self.delete_model(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a revert outside a transaction; the annotation
        # and its entry's touch (save_model) must be written together.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)
