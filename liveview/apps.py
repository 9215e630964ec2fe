from __future__ import annotations

from django.apps import AppConfig


class LiveViewConfig(AppConfig):
    name = "liveview"
    verbose_name = "liveview"

    def ready(self) -> None:
        from liveview import (
            checks,  # noqa: F401  (registers the system checks)
            inspector,  # noqa: F401  (registers the inspector component)
        )
        from liveview.authz import connect_signals

        connect_signals()

        from django.core.signals import got_request_exception

        from liveview.registration import hint_not_registered

        got_request_exception.connect(hint_not_registered, dispatch_uid="liveview.registration")

        from liveview import progress  # noqa: F401  (registers the "job_progress" component)
        from liveview.hub import topic_joined_hooks
        from liveview.job_watch import topic_joined

        if topic_joined not in topic_joined_hooks:
            topic_joined_hooks.append(topic_joined)
