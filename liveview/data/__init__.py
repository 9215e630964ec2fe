"""liveview.data: tables, charts and pages composed in Python, with no template to write."""

from __future__ import annotations

from liveview.data.blocks import Block, Button, Column, Heading, Link, Row, Text
from liveview.data.chart import Chart
from liveview.data.datapage import DataPage, Layout, data_page
from liveview.data.table import Table
from liveview.data.views import data_page_view, page_path

__all__ = [
    "Block",
    "Button",
    "Chart",
    "Column",
    "DataPage",
    "Heading",
    "Layout",
    "Link",
    "Row",
    "Table",
    "Text",
    "data_page",
    "data_page_view",
    "page_path",
]
