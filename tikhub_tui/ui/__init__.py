"""The Textual app: screens, widgets, the stream controller and styles."""
