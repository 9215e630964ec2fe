"""docs/testing.md's browser samples ("Waiting in a browser"), run as this module's tests
under each htmx build, with the plugin's `browser_page` on this suite's browser and server."""

from __future__ import annotations

import pytest

from tests.testing.test_docs import DOC, python_fences

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("htmx_version")]

_SAMPLES = python_fences(DOC.read_text(), browser=True)
exec(compile(_SAMPLES, str(DOC), "exec"), globals())  # defines the docs' browser tests
