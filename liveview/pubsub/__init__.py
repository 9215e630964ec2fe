# Data changes as messages: models as resources (URI, ETag), publishing a change after
# commit, the process's hub that receives them, presence (who views a topic).
# May import: liveview.core.
