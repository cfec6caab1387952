from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatuscodesConfig(AppConfig):
    name = "statuscodes"
    verbose_name = _("HTTP 状态码")

    def ready(self):
        from . import search_log
        from .pagecache import connect_signals

        connect_signals()
        search_log.connect()
