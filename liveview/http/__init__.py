# The first, plain-HTTP render of a live page (the request's Page, the page token), the
# middleware that checks a page can go live, the staff inspector's view.
# May import: liveview.core, liveview.pubsub, liveview.authoring and liveview.runtime.
