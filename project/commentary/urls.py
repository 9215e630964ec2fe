from __future__ import annotations

from django.urls import path

from project.commentary import views

app_name = "commentary"
urlpatterns = [
    path("", views.event_index, name="index"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/comments/", views.post_comment, name="comments"),
]
