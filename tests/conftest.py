from __future__ import annotations

import tests.components  # noqa: F401  (registers the test components)
