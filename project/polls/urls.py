from __future__ import annotations

from django.urls import path

from project.polls import views

app_name = "polls"
urlpatterns = [
    path("", views.poll_index, name="index"),
    path("<int:pk>/", views.poll_detail, name="detail"),
    path("<int:pk>/vote/", views.poll_vote, name="vote"),
    path("<int:pk>/edit/", views.poll_edit, name="edit"),
    path("<int:pk>/delete/", views.poll_delete, name="delete"),
]
