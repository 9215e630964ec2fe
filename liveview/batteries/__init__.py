# Components and services built on the layers below: forms, the resource editor, REST,
# jobs and their progress, flash messages' component, the inspector.
# May import: every layer below it.
