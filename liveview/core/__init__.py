# What every layer uses: the LIVEVIEW_* settings, the htmx dialect, the page token and
# its cipher, the process's metrics.
# May import: Django and the standard library only; nothing else of liveview.
