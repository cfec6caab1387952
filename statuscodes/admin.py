from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Annotation, StatusCode


@admin.register(StatusCode)
class StatusCodeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_zh", "phrase", "lifecycle", "needs_review", "updated_at"]
    search_fields = ["phrase", "name_zh"]


@admin.register(Annotation)
class AnnotationAdmin(SimpleHistoryAdmin):
    list_display = ["status_code", "kind", "is_published", "order"]
