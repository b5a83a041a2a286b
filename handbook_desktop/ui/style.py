"""The application's font size and style sheet (normal or large text), applied at start and from
Cài đặt. Its own module so that the window's start (ui/app) and what runs around the window
(ui/safety_hooks, Cài đặt, the cell sizes) take it from below, not from each other."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from handbook_desktop import paths

BASE_POINT_SIZE = 11
LARGE_POINT_SIZE = 14


def apply_style(app: QApplication, *, large_font: bool) -> None:
    base = LARGE_POINT_SIZE if large_font else BASE_POINT_SIZE
    font = QFont(app.font())
    font.setPointSize(base)
    app.setFont(font)
    template = paths.resource("style.qss").read_text(encoding="utf-8")
    app.setStyleSheet(template % {"base": base, "large": base + 1, "title": base + 5})
