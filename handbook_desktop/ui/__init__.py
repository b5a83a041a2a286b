"""PySide6 window: pages, Qt models, dialogs and the one background-task runner."""
