"""What the alert's attachment takes, live (the component's `uploads`) or posted without
JavaScript (the create view's `limit_uploads`): the same rules on both paths."""

from __future__ import annotations

from liveview.uploads import Upload

UPLOADS = {
    "attachment": Upload(
        max_size=5 * 1024 * 1024, accept=("image/png", "image/jpeg", "application/pdf")
    )
}
