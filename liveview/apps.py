# The app's ready(): everything liveview sets up for a process, in one place. Importing
# liveview connects no signal and edits no global; here the signals are connected (each with a
# dispatch_uid), the renderers and hooks installed, and the process's hubs and connection
# counts made. Each loop's hub is opened by the server's lifespan (liveview.socket.lifespan).
from __future__ import annotations

from django.apps import AppConfig


class LiveViewConfig(AppConfig):
    name = "liveview"
    verbose_name = "liveview"

    def ready(self) -> None:
        from django.core.signals import got_request_exception

        from liveview import checks  # noqa: F401  (registers the system checks)
        from liveview.authoring import authz, tag_render
        from liveview.authoring.registration import hint_not_registered
        from liveview.batteries import (
            inspector,  # noqa: F401  (registers the inspector component)
            job_watch,
            live_messages,  # noqa: F401  (registers "liveview.messages")
            progress,  # noqa: F401  (registers the "job_progress" component)
        )
        from liveview.http.static_render import render_from_tag
        from liveview.pubsub import hubs, presence, resources
        from liveview.socket import limits
        from liveview.socket.consumer import deliver

        authz.connect_signals()
        resources.connect_signals()
        got_request_exception.connect(hint_not_registered, dispatch_uid="liveview.registration")

        # `{% component %}` of a live component renders on the request's page (the HTTP layer).
        tag_render.install(render_from_tag)
        # The process's state, made once (ready() run again keeps the sockets' counts and hubs).
        if not limits.is_installed():
            limits.install(limits.ConnectionCounts())
        registry = hubs.installed() if hubs.is_installed() else hubs.install(hubs.Hubs(deliver))
        registry.on_topic_joined(job_watch.topic_joined)
        registry.before_delivery(presence.reload_before_delivery)
        # What else each event loop holds, ended with its hub (at the lifespan's shutdown).
        registry.on_close(job_watch.stop)
        registry.on_close(presence.close_loop)
