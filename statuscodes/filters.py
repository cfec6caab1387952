"""The bridge between query-string parameters and StatusCode querysets."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import CLASS_NAMES, StatusCode

CLASS_CHOICES = [(str(digit), f"{digit}xx {name}") for digit, name in CLASS_NAMES.items()]
OFFICIAL = "official"
# "unofficial" reads as "only unofficial" beside its opposite, "hide unofficial".
LIFECYCLE_CHOICES = [
    *(
        (value, _("仅非官方") if value == StatusCode.Lifecycle.UNOFFICIAL else label)
        for value, label in StatusCode.Lifecycle.choices
    ),
    (OFFICIAL, _("隐藏非官方")),
]


class StatusCodeFilter(django_filters.FilterSet):
    status_class = django_filters.ChoiceFilter(
        label=_("类别"), choices=CLASS_CHOICES, method="filter_class", empty_label=_("全部类别")
    )
    lifecycle = django_filters.ChoiceFilter(
        label=_("状态"), choices=LIFECYCLE_CHOICES, method="filter_lifecycle", empty_label=_("全部状态")
    )

    class Meta:
        model = StatusCode
        fields = []

    def filter_class(self, queryset, name, value):
        return queryset.in_class(int(value))

    def filter_lifecycle(self, queryset, name, value):
        if value == OFFICIAL:
            return queryset.official()
        return queryset.filter(lifecycle=value)


# Readers see ?class=4 in the URL; "class" cannot be a Python attribute name.
StatusCodeFilter.base_filters["class"] = StatusCodeFilter.base_filters.pop("status_class")
