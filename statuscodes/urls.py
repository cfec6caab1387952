from django.urls import path, re_path

from . import api_views, search_views, views
from .pagecache import public_page

app_name = "statuscodes"

# Every public route goes through public_page: safe methods, validators, caching.
urlpatterns = [
    path("", public_page(views.StatusCodeListView.as_view()), name="index"),
    re_path(r"^(?P<digit>[1-5])xx/$", public_page(views.StatusClassView.as_view()), name="class"),
    # Up to 9 digits so /0404/ reaches the view and is redirected to /404/.
    re_path(r"^(?P<code>\d{1,9})/$", public_page(views.StatusCodeDetailView.as_view()), name="detail"),
    path("search/", public_page(search_views.search_view), name="search"),
    path("search/suggest/", public_page(search_views.suggest_view), name="suggest"),
    path("api/", public_page(api_views.dataset), name="dataset"),
    path("api/codes/", public_page(api_views.api_list), name="api_list"),
    re_path(r"^api/codes/(?P<code>\d{1,9})/$", public_page(api_views.api_detail), name="api_detail"),
    path("robots.txt", public_page(views.robots_txt), name="robots"),
    path("sitemap.xml", public_page(views.sitemap), name="sitemap"),
]
