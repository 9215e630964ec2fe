"""The bench server's URLs: the demo's, and ``bench/click_dom_app.py``'s pages."""

from bench import click_dom_app
from project.urls import urlpatterns as project_urlpatterns

urlpatterns = [*click_dom_app.urlpatterns, *project_urlpatterns]
