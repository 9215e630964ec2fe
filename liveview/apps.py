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
        from liveview.pubsub import hubs
        from liveview.pubsub.presence import reload_before_delivery
        from liveview.socket import limits
        from liveview.socket.consumer import deliver

        limits.install(limits.ConnectionCounts())

        # The process's hubs: each loop's is opened by the server's lifespan (or first socket).
        registry = hubs.install(hubs.Hubs(deliver))
        registry.on_topic_joined(topic_joined)
        registry.before_delivery(reload_before_delivery)
