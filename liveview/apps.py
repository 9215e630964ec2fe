from __future__ import annotations

from django.apps import AppConfig


class LiveViewConfig(AppConfig):
    name = "liveview"
    verbose_name = "liveview"

    def ready(self) -> None:
        from liveview import checks  # noqa: F401  (registers the system checks)
        from liveview.authoring import authz
        from liveview.batteries import inspector  # noqa: F401  (registers the inspector component)
        from liveview.pubsub import resources

        authz.connect_signals()
        resources.connect_signals()

        from django.core.signals import got_request_exception

        from liveview.authoring.registration import hint_not_registered

        got_request_exception.connect(hint_not_registered, dispatch_uid="liveview.registration")

        from liveview.batteries import (
            live_messages,  # noqa: F401  (registers "liveview.messages")
            progress,  # noqa: F401  (registers the "job_progress" component)
        )
        from liveview.batteries.job_watch import topic_joined
        from liveview.pubsub.hub import topic_joined_hooks

        if topic_joined not in topic_joined_hooks:
            topic_joined_hooks.append(topic_joined)

        from liveview.pubsub.hub import before_delivery_hooks
        from liveview.pubsub.presence import reload_before_delivery

        if reload_before_delivery not in before_delivery_hooks:
            before_delivery_hooks.append(reload_before_delivery)
