from __future__ import annotations

from django.urls import path

from project.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alerts_page, name="index"),
    # `open` is the list's url_state: the detail modal's own URL.
    path("<int:open>/", views.alerts_page, name="detail"),
    path("new/", views.create_alert, name="create"),
    path("<int:pk>/delete/", views.delete_alert, name="delete"),
]
