"""The main window: sidebar of pages, the page stack, and a status bar (database, unit, user)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QScrollArea, QStackedWidget, QWidget,
)

from handbook_desktop import APP_NAME, __version__
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages import available_pages


class CurrentPageStack(QStackedWidget):
    """Asks only for the room of the page on screen: a plain stack asks for its widest page's (a wide
    page made every page scroll sideways on a laptop)."""

    def __init__(self):
        super().__init__()
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self):  # noqa: N802 - Qt's name
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def sizeHint(self):  # noqa: N802 - Qt's name
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        """The page scroll area asks this of a stack with wrapped labels: a plain stack answers its tallest
        page's preferred height, so every page scrolled a little and its bottom row (a chart's labels, a
        note) sat below the laptop's screen. The page on screen's least height at that width instead."""
        page = self.currentWidget()
        layout = page.layout() if page is not None else None
        if layout is None or not layout.hasHeightForWidth():
            return -1
        return layout.minimumHeightForWidth(width)


def sidebar_width(titles: list[str]) -> int:
    """As wide as the longest page name in the sidebar's font (one size above the text, style.qss) and
    its padding: 210 px cut «Đánh giá xếp loại» in large text and took room from the pages at 125 %."""
    from PySide6.QtGui import QFont, QFontMetrics
    from PySide6.QtWidgets import QApplication

    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() + 1)
    padding = 2 * 14 + 16  # the items' padding (style.qss) and the list's frame and margins
    return max(QFontMetrics(font).horizontalAdvance(title) for title in titles) + padding


def fit_to_screen(window, width: int, height: int) -> None:
    """Open within the screen's free area (a 1366×768 laptop at 125 % has 1093×614 of it): never taller or
    wider than it; maximised when the wished size does not fit (issue 11 §5)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    title_bar = 32  # the frame the window manager adds above the client area
    w, h = min(width, area.width()), min(height, area.height() - title_bar)
    window.resize(w, h)
    window.move(area.x() + (area.width() - w) // 2, area.y() + max(0, (area.height() - title_bar - h) // 2))
    if (w, h) != (width, height):
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


class Pages(dict):
    """The window's pages by key, each built the first time it is shown or asked for (issue 18 §6: the
    window shows at once; a committee's staff open a few of its thirteen pages in a session). It reads
    as a dict of every page of the sidebar (asking for one builds it); ``built()`` gives only those
    already made."""

    def __init__(self, window):
        super().__init__()
        self.window = window

    def __missing__(self, key: str):
        return self.window._build_page(key)

    def _keys(self) -> list[str]:
        return [spec.key for spec in self.window.specs]

    def __contains__(self, key) -> bool:
        return key in self._keys()

    def __iter__(self):
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def keys(self):
        return self._keys()

    def values(self):
        return [self[key] for key in self._keys()]

    def items(self):
        return [(key, self[key]) for key in self._keys()]

    def get(self, key, default=None):
        """As a dict's: a page of the sidebar is built if it was not yet (dict.get skips __missing__,
        and callers asking ``pages.get("dues")`` mean the page, not "only if already shown")."""
        return self[key] if key in self else default

    def built(self) -> list[tuple[str, object]]:
        return list(dict.items(self))


def _may_leave(page) -> bool:
    confirm = getattr(page, "confirm_leave", None)
    return confirm is None or confirm()


class MainWindow(QMainWindow):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.setObjectName("mainWindow")
        title = f"{APP_NAME} — {context.home_name}"
        if context.database.readonly:
            title += " " + tr("(chỉ xem)")
        self.setWindowTitle(title)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.stack = CurrentPageStack()
        self.specs = available_pages(context)
        self.sidebar.setFixedWidth(sidebar_width([tr(spec.title) for spec in self.specs]))
        self.pages = Pages(self)
        for index, spec in enumerate(self.specs):
            item = QListWidgetItem(tr(spec.title))
            item.setData(256, spec.key)
            self.sidebar.addItem(item)
            self.stack.addWidget(QWidget())  # the page's place, until it is first shown
            if index < 9:  # Ctrl+1 … Ctrl+9 jump to a page
                action = QAction(self)
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
                action.triggered.connect(lambda _=False, row=index: self.sidebar.setCurrentRow(row))
                self.addAction(action)
        self.sidebar.currentRowChanged.connect(self._page_chosen)
        self.sidebar.setCurrentRow(0)
        # The sidebar beside the pages, nothing between: a splitter kept a grey band of ~60 px past the
        # sidebar's fixed width, room a laptop at 125 % does not have.
        splitter = QWidget()
        row = QHBoxLayout(splitter)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        # The stack scrolls rather than pushing the window past the screen: a meeting's editor needs
        # ~800 px of height, a 1366×768 laptop gives ~700 (issue 11 §5).
        holder = QScrollArea()
        holder.setObjectName("pageScroll")
        holder.setWidgetResizable(True)
        holder.setFrameShape(QScrollArea.Shape.NoFrame)
        holder.setWidget(self.stack)
        row.addWidget(holder, 1)
        self.setCentralWidget(splitter)
        database = context.database
        where = database.file.as_posix() if database.file else database.engine.url.render_as_string(hide_password=True)
        # The file's name in the status bar, its whole path on hover: a long path was cut at the right.
        shown = database.file.name if database.file else where
        self.status_db = QLabel(tr("CSDL: {where}").format(where=shown))
        self.status_db.setToolTip(tr("CSDL: {where}").format(where=where))
        self.status_unit = QLabel(tr("Đơn vị: {name} ({code})").format(name=context.home_name, code=context.home_code))
        self.status_user = QLabel(tr("Người dùng: {user}").format(user=context.actor.username))
        for label in (self.status_unit, self.status_user, self.status_db):
            self.statusBar().addPermanentWidget(label)
        self.statusBar().showMessage(f"{APP_NAME} {__version__}", 5000)
        fit_to_screen(self, 1280, 800)
        if database.lock is not None:
            self._heartbeat = QTimer(self)
            self._heartbeat.timeout.connect(database.lock.heartbeat)
            self._heartbeat.start(60_000)

    def show_page(self, key: str):
        for row, spec in enumerate(self.specs):
            if spec.key == key:
                self.sidebar.setCurrentRow(row)
                return self.pages[key]
        raise KeyError(key)

    def _build_page(self, key: str):
        for index, spec in enumerate(self.specs):
            if spec.key == key:
                break
        else:
            raise KeyError(key)
        page = spec.factory(self.context)
        dict.__setitem__(self.pages, key, page)
        place = self.stack.widget(index)
        showing = self.stack.currentIndex() == index
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(place)
        place.deleteLater()
        if showing:
            self.stack.setCurrentIndex(index)
        return page

    def _page_chosen(self, row: int) -> None:
        # A page with an editor open (a meeting's minutes) is asked first; «Quay lại» keeps it on screen.
        if row != self.stack.currentIndex() and not _may_leave(self.stack.currentWidget()):
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentRow(self.stack.currentIndex())
            self.sidebar.blockSignals(False)
            return
        if 0 <= row < len(self.specs):
            self.pages[self.specs[row].key]  # noqa: B018 - built on first view
        self.stack.setCurrentIndex(row)

    def closeEvent(self, event) -> None:
        current = self.stack.currentWidget()
        for key, page in sorted(self.pages.built(), key=lambda pair: pair[1] is not current):
            unsaved = getattr(page, "has_unsaved", None)
            if unsaved is not None and unsaved():
                self.show_page(key)  # the secretary sees what the question is about
                if not _may_leave(page):
                    event.ignore()
                    return
        self.context.runner.shutdown()
        super().closeEvent(event)
