from django.conf import settings
from django.contrib import admin
from django.urls import include, path

if settings.ADMIN_REQUIRE_OTP:
    # Two-factor login for editors (docs/RELIABILITY.md): the admin then admits
    # only users verified by a TOTP device; enrol one with add_totp_device.
    from statuscodes.admin_site import require_otp

    require_otp(admin.site)

urlpatterns = [
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    path("", include("statuscodes.urls")),
]

handler400 = "statuscodes.errors.bad_request"
handler403 = "statuscodes.errors.permission_denied"
handler404 = "statuscodes.errors.page_not_found"
handler500 = "statuscodes.errors.server_error"
