# A page's live components driven turn by turn: mount, dispatch, render, apply changes,
# notices, timers and ticks, one socket's turn (turn.py), one delivery's render (fanout).
# May import: liveview.core, liveview.pubsub and liveview.authoring.
