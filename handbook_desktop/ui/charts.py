"""Charts drawn with QPainter: bars, an age pyramid, a line, a branch × month grid.

Qt Charts lives in PySide6-Addons (a second, much larger wheel); the four shapes a report needs
are a few hundred lines of painting. The same drawing serves the window (``ChartView``, with a
tooltip for the bar under the mouse) and the Word report (``chart_png``).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from handbook_desktop.services.reports.model import Chart, format_figure

PALETTE = [QColor("#b71c1c"), QColor("#f9a825"), QColor("#1565c0"), QColor("#2e7d32"), QColor("#6a1b9a")]
GRID_ROW_PX = 16
NOT_DUE = "#e0e0e0"  # a grid month not yet due


def _figure(value: float, unit: str) -> str:
    if unit == "%":
        return format_figure(value, "percent")
    if unit == "đ":
        return format_figure(value, "money")
    return format_figure(value, "count")


def _nice_top(value: float) -> float:
    """The smallest 4 × (1, 2, 2.5, 3 or 5 × 10^k) at or above ``value``: gridlines on round figures."""
    import math

    raw = value / 4
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 3, 5, 10):
        step = factor * power
        if step >= raw and (step >= 1 or value < 4):
            return step * 4
    return value


def series_colour(chart: Chart, index: int) -> QColor:
    """The colour of a series, the same in its bars and in the legend (the pyramid: men blue, women red)."""
    if chart.kind == "pyramid":
        return PALETTE[2] if index == 0 else PALETTE[0]
    return PALETTE[index % len(PALETTE)]


def title_rect(fm: QFontMetrics, width: float, text: str):
    from PySide6.QtCore import QRect

    return fm.boundingRect(QRect(0, 0, max(1, int(width)), 10_000),
                           int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap), text)


def wrapped_lines(fm: QFontMetrics, text: str, width: float) -> list[str] | None:
    """``text`` in lines no wider than ``width`` (words kept whole); None when a word alone is wider."""
    lines: list[str] = []
    for word in text.split():
        if fm.horizontalAdvance(word) > width:
            return None
        if lines and fm.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def row_height(fm: QFontMetrics) -> int:
    """A row of the branch × month grid: never lower than the text of its name (large text too)."""
    return max(GRID_ROW_PX, fm.height() + 2)


class _Painter:
    """Draws one chart into a rectangle and remembers where each bar went (for tooltips)."""

    def __init__(self, chart: Chart):
        self.chart = chart
        self.hits: list[tuple[QRectF, str]] = []
        self.label_lines: list[list[str]] | None = None

    def paint(self, p: QPainter, rect: QRectF, font: QFont) -> None:
        self.hits = []
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(rect, QColor("white"))
        title_font = QFont(font)
        title_font.setBold(True)
        p.setFont(title_font)
        fm = QFontMetrics(title_font)
        p.setPen(QColor("#222"))
        # A long title wraps onto a second line instead of losing both ends (a 360 px chart on Tổng quan)
        title_height = title_rect(fm, rect.width() - 8, self.chart.title).height()
        p.drawText(QRectF(rect.left() + 4, rect.top() + 4, rect.width() - 8, title_height),
                   Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, self.chart.title)
        p.setFont(font)
        body = rect.adjusted(8, title_height + 12, -8, -8)
        if len(self.chart.series) > 1 and self.chart.kind != "grid":
            body = self._legend(p, body, font)
        kind = self.chart.kind
        if kind == "pyramid":
            self._pyramid(p, body, font)
        elif kind == "grid":
            self._grid(p, body, font)
        else:
            self._bars(p, body, font, line=kind == "line")
        p.restore()

    def _legend(self, p: QPainter, body: QRectF, font: QFont) -> QRectF:
        fm = QFontMetrics(font)
        x = body.left()
        for index, series in enumerate(self.chart.series):
            p.fillRect(QRectF(x, body.top() + 3, 12, 12), series_colour(self.chart, index))
            p.setPen(QColor("#222"))
            p.drawText(QPointF(x + 16, body.top() + fm.ascent() + 1), series.name)
            x += 28 + fm.horizontalAdvance(series.name)
        return body.adjusted(0, fm.height() + 6, 0, 0)

    def _bars(self, p: QPainter, body: QRectF, font: QFont, *, line: bool) -> None:
        fm = QFontMetrics(font)
        chart = self.chart
        values = [v for s in chart.series for v in s.values if v is not None]
        top = _nice_top(max(values + [0]) or 1)
        categories = chart.categories or [""]
        label_width = max((fm.horizontalAdvance(c) for c in categories), default=0)
        slot = body.width() / max(1, len(categories))
        # «Công nhận chính thức» under its bar on two or three lines when every word fits the slot (rotated and
        # cut to «Công nhận chí…» it could not be told from «Chuyển đi chính thức»); rotated only when not
        wrapped = [wrapped_lines(fm, c, slot - 6) for c in categories] if label_width > slot - 4 else None
        if wrapped is not None and (None in wrapped or max(len(w) for w in wrapped) > 3):
            wrapped = None
        rotate = label_width > slot - 4 and wrapped is None
        self.label_lines = wrapped  # what is drawn under the bars, for the tests (None: one line or rotated)
        label_height = min(label_width, body.height() * 0.35) + 6 if rotate else \
            fm.height() * (max(len(w) for w in wrapped) if wrapped else 1) + 4
        plot = QRectF(body.left() + fm.horizontalAdvance(_figure(top, chart.unit)) + 8, body.top() + fm.height(),
                      0, 0)
        plot.setRight(body.right())
        plot.setBottom(body.bottom() - label_height)
        slot = plot.width() / max(1, len(categories))
        p.setPen(QPen(QColor("#bbb"), 1))
        for step in range(5):
            y = plot.bottom() - plot.height() * step / 4
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor("#555"))
            text = _figure(top * step / 4, chart.unit)
            p.drawText(QRectF(body.left(), y - fm.height() / 2, plot.left() - body.left() - 4, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            p.setPen(QPen(QColor("#bbb"), 1))
        count = max(1, len(chart.series))
        # figures over the bars for all of them or none: «99, 97, 95» over the last bars and nothing over the
        # taller first ones (three digits did not fit their slot) read as if those had no figure
        figures_fit = count == 1 and all(slot > fm.horizontalAdvance(_figure(v or 0, chart.unit)) + 4
                                         for s in chart.series for v in s.values)
        for s_index, series in enumerate(chart.series):
            color = series_colour(chart, s_index)
            previous = None
            for c_index, value in enumerate(series.values):
                value = value or 0
                height = plot.height() * value / top
                if line:
                    point = QPointF(plot.left() + slot * (c_index + 0.5), plot.bottom() - height)
                    p.setPen(QPen(color, 2))
                    if previous is not None:
                        p.drawLine(previous, point)
                    p.setBrush(color)
                    p.drawEllipse(point, 3, 3)
                    previous = point
                    hit = QRectF(point.x() - slot / 2, plot.top(), slot, plot.height())
                else:
                    width = slot * 0.8 / count
                    x = plot.left() + slot * c_index + slot * 0.1 + width * s_index
                    hit = QRectF(x, plot.bottom() - height, width, height)
                    p.fillRect(hit, color)
                    if figures_fit and value:
                        p.setPen(QColor("#222"))
                        p.drawText(QRectF(x - 20, hit.top() - fm.height(), width + 40, fm.height()),
                                   Qt.AlignmentFlag.AlignHCenter, _figure(value, chart.unit))
                label = categories[c_index] if c_index < len(categories) else ""
                self.hits.append((hit, f"{label} — {series.name}: {_figure(value, chart.unit)} {chart.unit}".strip()))
        p.setPen(QColor("#222"))
        for c_index, category in enumerate(categories):
            x = plot.left() + slot * (c_index + 0.5)
            if rotate:
                p.save()
                p.translate(x, plot.bottom() + 4)
                p.rotate(-45)
                text = fm.elidedText(category, Qt.TextElideMode.ElideRight, int(label_height * 1.35))
                p.drawText(QPointF(-fm.horizontalAdvance(text), fm.ascent() / 2), text)
                p.restore()
            elif wrapped is not None:
                p.drawText(QRectF(x - slot / 2, plot.bottom() + 2, slot, label_height), Qt.AlignmentFlag.AlignHCenter,
                           "\n".join(wrapped[c_index]))
            else:
                p.drawText(QRectF(x - slot / 2, plot.bottom() + 2, slot, fm.height()), Qt.AlignmentFlag.AlignHCenter,
                           category)

    def _pyramid(self, p: QPainter, body: QRectF, font: QFont) -> None:
        fm = QFontMetrics(font)
        chart = self.chart
        left_series, right_series = chart.series[0], chart.series[1]
        top = max(left_series.values + right_series.values + [1])
        label_width = max(fm.horizontalAdvance(c) for c in chart.categories) + 12
        value_width = fm.horizontalAdvance(_figure(top, chart.unit)) + 8  # room for the figure beside a bar
        middle = body.center().x()
        half = (body.width() - label_width) / 2 - value_width
        rows = len(chart.categories)
        height = body.height() / max(1, rows)
        for index, category in enumerate(reversed(chart.categories)):
            source = rows - 1 - index  # the oldest band on top
            y = body.top() + height * index
            for series, sign, color in ((left_series, -1, series_colour(chart, 0)),
                                        (right_series, 1, series_colour(chart, 1))):
                value = series.values[source]
                width = half * value / top
                x = middle - label_width / 2 - width if sign < 0 else middle + label_width / 2
                bar = QRectF(x, y + height * 0.12, width, height * 0.76)
                p.fillRect(bar, color)
                text = _figure(value, chart.unit)
                p.setPen(QColor("#222"))
                align = Qt.AlignmentFlag.AlignRight if sign < 0 else Qt.AlignmentFlag.AlignLeft
                text_rect = QRectF(x - fm.horizontalAdvance(text) - 4, y, fm.horizontalAdvance(text), height) if sign < 0 \
                    else QRectF(x + width + 4, y, fm.horizontalAdvance(text) + 2, height)
                p.drawText(text_rect, align | Qt.AlignmentFlag.AlignVCenter, text)
                self.hits.append((QRectF(x, y, max(width, 4), height), f"{category} — {series.name}: {text}"))
            p.drawText(QRectF(middle - label_width / 2, y, label_width, height), Qt.AlignmentFlag.AlignCenter, category)
        p.setPen(QColor("#222"))
        p.drawText(QRectF(body.left(), body.bottom() - fm.height(), half, fm.height()), Qt.AlignmentFlag.AlignLeft,
                   left_series.name)
        p.drawText(QRectF(body.right() - half, body.bottom() - fm.height(), half, fm.height()),
                   Qt.AlignmentFlag.AlignRight, right_series.name)

    def _grid(self, p: QPainter, body: QRectF, font: QFont) -> None:
        fm = QFontMetrics(font)
        chart = self.chart
        names = chart.rows or [s.name for s in chart.series]
        name_width = min(body.width() * 0.45, max((fm.horizontalAdvance(n) for n in names), default=40) + 8)
        columns = max(1, len(chart.categories))
        cell = (body.width() - name_width) / columns
        header = fm.height() + 4
        for c_index, category in enumerate(chart.categories):
            p.setPen(QColor("#222"))
            p.drawText(QRectF(body.left() + name_width + cell * c_index, body.top(), cell, header),
                       Qt.AlignmentFlag.AlignCenter, category[:2])
        row_height_px = min(row_height(fm), (body.height() - header) / max(1, len(names)))
        for r_index, series in enumerate(chart.series):
            y = body.top() + header + row_height_px * r_index
            name = names[r_index]
            p.setPen(QColor("#222"))
            p.drawText(QRectF(body.left(), y, name_width - 6, row_height_px), Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(name, Qt.TextElideMode.ElideRight, int(name_width - 6)))
            for c_index, value in enumerate(series.values):
                rect = QRectF(body.left() + name_width + cell * c_index + 1, y + 1, cell - 2, row_height_px - 2)
                not_due = value is None  # the current month, its meeting still to come: not a missed month
                p.fillRect(rect, QColor(NOT_DUE) if not_due else QColor("#2e7d32") if value else QColor("#ef9a9a"))
                self.hits.append((rect, f"{name} — tháng {chart.categories[c_index]}: " + (
                    "chưa đến hạn" if not_due else f"{int(value)} buổi")))


class ChartView(QWidget):
    """One chart in the window; hover for a tooltip with the exact figure."""

    def __init__(self, chart: Chart | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(QSize(360, 260))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._painter: _Painter | None = None
        self.min_height = 260  # a bar chart's; a page with little room sets less
        self.set_chart(chart)

    @property
    def chart(self) -> Chart | None:
        return self._painter.chart if self._painter else None

    def set_chart(self, chart: Chart | None) -> None:
        self._painter = _Painter(chart) if chart else None
        if chart is not None and chart.kind == "grid":  # every branch on a line of its own, whatever the text size
            self.setMinimumHeight(int(min(12_000, 80 + row_height(self.fontMetrics()) * len(chart.series))))
        else:
            self.setMinimumHeight(self.min_height)
        self.setToolTip("")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(560, self.minimumHeight() if self.chart and self.chart.kind == "grid" else 300)

    def paintEvent(self, _event) -> None:
        if self._painter is None:
            return
        painter = QPainter(self)
        self._painter.paint(painter, QRectF(self.rect()), self.font())
        painter.end()

    def tooltip_at(self, x: float, y: float) -> str:
        if self._painter is None:
            return ""
        for rect, text in self._painter.hits:
            if rect.contains(QPointF(x, y)):
                return text
        return ""

    def mouseMoveEvent(self, event) -> None:
        text = self.tooltip_at(event.position().x(), event.position().y())
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()

    def save_png(self, path: str) -> bool:
        return self.grab().save(path, "PNG")


def chart_png(chart: Chart, width: int = 1200, height: int = 620) -> bytes:
    """The chart as a PNG for the Word report (a QGuiApplication must exist)."""
    font = QFont("Times New Roman")
    font.setPixelSize(24)
    if chart.kind == "grid":
        height = min(3000, 80 + row_height(QFontMetrics(font)) * len(chart.series))
        room = (height - 80) / max(1, len(chart.series))  # a large committee: smaller names, never overlapping
        while font.pixelSize() > 8 and QFontMetrics(font).height() + 2 > room:
            font.setPixelSize(font.pixelSize() - 1)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    _Painter(chart).paint(painter, QRectF(0, 0, width, height), font)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ensure_gui_app():
    """A QGuiApplication for drawing charts from the command line (offscreen when there is no screen)."""
    import os

    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["handbook-desktop"])
    return app
