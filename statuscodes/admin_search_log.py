"""无结果的搜索 in the admin: what readers searched for and did not find, and what to do about it.

The list shows the most frequent queries not yet dismissed. From each one an
editor either adds the phrase to an entry's 常见说法 in one step, or dismisses
it. Adding goes through the entry's own save (``StatusCode.save``: the version
check, a history row with the reason, and a new catalogue generation), so the
same search finds the entry on its very next request.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .content_check import check_text
from .models import CODE_MAX, CODE_MIN, StatusCode, ZeroResultSearch, validate_no_bidi_controls
from .search.normalise import clean, fold

LIST_LIMIT = 100
PHRASE_MAX_LENGTH = 60


class AddTermForm(forms.Form):
    row = forms.IntegerField(min_value=1)
    code = forms.IntegerField(
        min_value=CODE_MIN,
        max_value=CODE_MAX,
        error_messages={
            "required": _("请填写要加入的状态码。"),
            "invalid": _("状态码要填三位数字，例如 401。"),
            "min_value": _("状态码要在 100 到 599 之间。"),
            "max_value": _("状态码要在 100 到 599 之间。"),
        },
    )
    phrase = forms.CharField(
        max_length=PHRASE_MAX_LENGTH,
        validators=[validate_no_bidi_controls],
        error_messages={
            "required": _("请填写要加入的说法。"),
            "max_length": _("说法不能超过 %(limit_value)d 个字符。"),
        },
    )

    def clean_phrase(self):
        phrase = clean(self.cleaned_data["phrase"])
        if not phrase:
            raise ValidationError(gettext("请填写要加入的说法。"))
        findings = check_text(self.cleaned_data.get("code") or 0, "search_terms", phrase, terms=False)
        if findings:
            raise ValidationError(findings[0].message)
        return phrase


def add_search_term(code, phrase, user):
    """Add ``phrase`` to entry ``code``'s search terms through its normal save; returns the entry.

    Raises ValidationError with a Chinese message when it cannot be added.
    """
    with transaction.atomic():
        entry = StatusCode.objects.select_for_update().filter(pk=code).first()
        if entry is None:
            raise ValidationError(gettext("没有状态码 %(code)s 的条目。") % {"code": code})
        if fold(phrase) in {fold(term) for term in entry.search_term_list}:
            raise ValidationError(
                gettext("“%(phrase)s”已经是 %(code)s 的常见说法。") % {"phrase": phrase, "code": code}
            )
        entry.search_terms = "\n".join([*entry.search_term_list, phrase])
        entry._change_reason = gettext("从无结果的搜索加入常见说法“%(phrase)s”") % {"phrase": phrase}
        entry._history_user = user
        entry.save()
    return entry


@admin.register(ZeroResultSearch)
class ZeroResultSearchAdmin(admin.ModelAdmin):
    """The list with its two one-step actions; rows are only ever made by the search log."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # Only the list: a row is never edited field by field.
        view = self.admin_site.admin_view(self.changelist_view)
        return [path("", view, name="statuscodes_zeroresultsearch_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.act(request)
        rows = ZeroResultSearch.objects.filter(dismissed=False).order_by("-count", "-last_seen", "query")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("无结果的搜索"),
            "rows": rows[:LIST_LIMIT],
            "total": rows.count(),
            "limit": LIST_LIMIT,
            "entries": StatusCode.objects.order_by("code").values_list("code", "name_zh"),
            "can_add_term": request.user.has_perm("statuscodes.change_statuscode"),
            "can_dismiss": self.has_change_permission(request),
            "phrase_max_length": PHRASE_MAX_LENGTH,
        }
        return TemplateResponse(request, "admin/statuscodes/zeroresultsearch/change_list.html", context)

    def act(self, request):
        back = HttpResponseRedirect(reverse("admin:statuscodes_zeroresultsearch_changelist"))
        row_id = request.POST.get("row", "")
        row = ZeroResultSearch.objects.filter(pk=row_id).first() if row_id.isdigit() else None
        if row is None:
            messages.error(request, gettext("找不到这条搜索记录，可能已被处理或已过期。"))
            return back
        action = request.POST.get("action")
        if action == "dismiss":
            if not self.has_change_permission(request, row):
                raise PermissionDenied
            row.dismissed = True
            row.save(update_fields=["dismissed"])
            messages.success(request, gettext("已忽略“%(query)s”。") % {"query": row.query})
            return back
        if action != "add":
            messages.error(request, gettext("无法识别的操作。"))
            return back
        if not request.user.has_perm("statuscodes.change_statuscode"):
            raise PermissionDenied
        form = AddTermForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return back
        code, phrase = form.cleaned_data["code"], form.cleaned_data["phrase"]
        try:
            entry = add_search_term(code, phrase, request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return back
        row.delete()
        query = QueryDict(mutable=True)
        query["q"] = phrase
        search_url = f"{reverse('statuscodes:search')}?{query.urlencode()}"
        messages.success(
            request,
            format_html(
                "已把“{phrase}”加入 {code} {name} 的常见说法（修改历史已记录）。"
                '<a href="{url}" target="_blank" rel="noopener">在站点上搜索试试</a>',
                phrase=phrase,
                code=entry.code,
                name=entry.name_zh,
                url=search_url,
            ),
        )
        return back
