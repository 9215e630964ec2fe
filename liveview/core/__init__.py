# What every layer uses: the LIVEVIEW_* settings, the htmx dialect, the page token and its
# cipher, the process's metrics, the sync-thread hop, the safe-redirect rule.
# May import: Django, channels and the standard library; no other layer of liveview.
