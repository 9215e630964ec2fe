"""Reading the bytes the process's metrics counted, in tests (a module that counts empties the
metrics around each of its tests: `pytest.mark.usefixtures("fresh_metrics")`, tests/conftest.py)."""

from __future__ import annotations

from liveview.core import metrics


def utf8(text: str) -> int:
    """What `text` weighs on the wire: its UTF-8 bytes."""
    return len(text.encode())


def component_row(name: str) -> metrics.ByteSizes:
    """The bytes counted under the component class `name`."""
    return metrics.metrics.bytes_by_component[name]
