from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    path("", include("statuscodes.urls")),
]

handler400 = "statuscodes.errors.bad_request"
handler403 = "statuscodes.errors.permission_denied"
handler404 = "statuscodes.errors.page_not_found"
handler500 = "statuscodes.errors.server_error"
