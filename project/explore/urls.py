from __future__ import annotations

from liveview.data import page_path
from project.explore.components.explore import Explore

urlpatterns = [page_path("", Explore, name="explore")]
