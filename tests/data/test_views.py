from __future__ import annotations

import pytest
from django.test import Client

from liveview.data import DataPage, Layout, Text, page_path


@pytest.mark.django_db
def test_the_explore_page_is_a_whole_live_document() -> None:
    html = Client().get("/explore/").content.decode()
    assert html.startswith("<!doctype html>")
    assert "<title>Explore penguins</title>" in html
    assert 'data-lv="explore"' in html
    assert "/ws/liveview/?t=" in html


def test_page_path_is_a_named_url_pattern() -> None:
    from project.explore.components.explore import Explore

    pattern = page_path("x/", Explore, name="x")
    assert pattern.name == "x"
    assert pattern.pattern.match("x/") is not None


def test_page_path_refuses_a_class_that_is_not_registered() -> None:
    class Unregistered(DataPage):
        def layout(self) -> Layout:
            return Text("x")

    with pytest.raises(LookupError, match="@register"):
        page_path("x/", Unregistered)
