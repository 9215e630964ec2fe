# What a user writes: LiveComponent, @event and the coercion of its arguments, the kept
# state declaration, access rules (login_required, permissions).
# May import: liveview.core and liveview.pubsub.
