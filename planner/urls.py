"""Top-level routes."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from planner.health import health

admin.site.site_header = "Rehab planner administration"
# Staff read all health data: they sign in through the same pages as everyone (slowed after
# failures, with the second factor staff must have), never through a form of the admin's own.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_title = "Rehab planner"


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page links: sent on to the PNG icon, as
    those that ask without reading the page's links (feed readers, bookmarks, older Safari)
    often draw no SVG. Its address is looked up per request, since in production it names a
    hashed file. The PNGs are the SVG drawn by Chromium at 32 and 180 px (the 180 px one,
    for a phone's home screen, on the icon's blue)."""

    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("planner/favicon-32.png")


urlpatterns = [
    path("health", health, name="health"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # A visitor's language switch (the footer's form posts to Django's set_language).
    path("i18n/", include("django.conf.urls.i18n")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include("planner.api.urls")),
    path("", include("exercises.views")),
    path("", include("planner.pages.urls")),
]
