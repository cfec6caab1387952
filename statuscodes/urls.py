from django.urls import path, re_path

from . import search, views

app_name = "statuscodes"

urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^(?P<digit>[1-5])xx/$", views.class_page, name="class"),
    re_path(r"^(?P<code>\d{1,9})/$", views.detail, name="detail"),
    path("search/", search.search_view, name="search"),
    path("search/suggest/", search.suggest_view, name="suggest"),
    path("api/codes/", views.api_list, name="api_list"),
    re_path(r"^api/codes/(?P<code>\d{1,9})/$", views.api_detail, name="api_detail"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
]
