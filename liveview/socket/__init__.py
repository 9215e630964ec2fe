# The live websocket: the ASGI routing, origin check, handshake (token, CSRF, caps), the
# consumer, the wire protocol, event rates, the outbox that never waits on a browser.
# May import: every layer below it (core, pubsub, authoring, runtime, http).
