from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from project.calculator.views import calculator_page
from project.counter.views import counter_page
from project.dashboard.views import dashboard_page, summary_page
from project.echo.views import echo_page
from project.files.views import files_page
from project.home.views import index

urlpatterns = [
    path("", index, name="index"),
    path("counter/", counter_page, name="counter"),
    path("calculator/", calculator_page, name="calculator"),
    path("echo/", echo_page, name="echo"),
    path("dashboard/", dashboard_page, name="dashboard"),
    path("dashboard/summary/", summary_page, name="dashboard-summary"),
    path("polls/", include("project.polls.urls")),
    path("events/", include("project.commentary.urls")),
    path("api/polls/", include("project.polls.api")),
    path("explore/", include("project.explore.urls")),
    path("files/", files_page, name="files"),
    path("alerts/", include("project.alerts.urls")),
    path("admin/", admin.site.urls),
    path("liveview/", include("liveview.urls")),
]
# Uploaded files (files and alerts demos), served by runserver under DEBUG only.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
