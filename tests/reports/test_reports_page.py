"""Báo cáo in the window: choose each report with the keyboard, read the total, see its charts."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from openpyxl import load_workbook

from handbook_desktop.services.auth import Actor
from handbook_desktop.services.info import database_info
from handbook_desktop.services.reports.model import format_figure


def _page(qtbot, database):
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.pages.reports.page import ReportsPage
    from handbook_desktop.ui.tasks import TaskRunner

    home = database.home_unit()
    context = AppContext(database, Actor("admin", "secretary"), TaskRunner(), ChangeHub(), home.code, home.name,
                         home.level)
    page = ReportsPage(context, today=date(2026, 11, 15))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(lambda: page.report is not None and not page.loading, timeout=60_000)
    return page


def _total_row(page):
    model = page.model
    def label(c):  # a heading wraps onto lines; its tooltip is «group: label» in one piece
        tip = model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        return tip.split(": ")[-1] if tip else model.headerData(c, Qt.Orientation.Horizontal)

    return {label(c): model.index(model.rowCount() - 1, c).data() for c in range(model.columnCount())}


def test_every_report_shows_its_table_and_charts(qtbot, committee_db, tmp_path):
    page = _page(qtbot, committee_db)
    headcount = database_info(committee_db)["headcount"]
    total = _total_row(page)
    assert total["Đơn vị"] == "Tổng cộng"
    assert total["Tổng đảng số"] == format_figure(headcount)
    assert f"Đảng số: <b>{format_figure(headcount)}</b>" in page.headline.text()
    seen = set()
    for index in range(page.kind_box.count()):
        page.kind_box.setFocus()
        if index:
            qtbot.keyClick(page.kind_box, Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: page.report is not None and page.report.key == page.kind_box.currentData()
                        and not page.loading, timeout=60_000)
        seen.add(page.report.key)
        assert page.model.rowCount() == len(page.report.tables[0].rows) + 1
        assert len(page.chart_views) == len(page.report.charts) >= 1
        for view in page.chart_views:
            assert view.isVisible()
    assert seen == {"membership", "movements", "activity", "dues", "ratings", "admissions"}
    page.grab().save(str(tmp_path / "bao-cao.png"))


def test_chart_tooltip_names_the_figure(qtbot, committee_db):
    page = _page(qtbot, committee_db)
    pyramid = next(v for v in page.chart_views if v.chart.kind == "pyramid")
    pyramid.repaint()
    qtbot.waitUntil(lambda: bool(pyramid._painter.hits), timeout=5000)
    rect, text = pyramid._painter.hits[0]
    tip = pyramid.tooltip_at(rect.center().x(), rect.center().y())
    assert tip == text and " — Nam: " in tip


def test_period_change_recomputes_and_exports(qtbot, committee_db, tmp_path):
    page = _page(qtbot, committee_db)
    page.kind_box.setCurrentIndex(page.kind_box.findData("activity"))
    qtbot.waitUntil(lambda: page.report.key == "activity" and not page.loading, timeout=60_000)
    page.end_box.setDate(QDate(2026, 3, 31))
    qtbot.waitUntil(lambda: page.report.end == date(2026, 3, 31) and not page.loading, timeout=60_000)
    assert all(row["months_due"] == 3 for row in page.report.tables[0].rows)
    target = tmp_path / "sinh-hoat.xlsx"
    page.export_to(str(target))
    qtbot.waitUntil(lambda: "Đã xuất báo cáo" in page.message.text(), timeout=60_000)
    sheet = load_workbook(target).worksheets[0]
    assert sheet.cell(row=2, column=1).value.startswith("Sinh hoạt chi bộ từ 01/01/2026 đến 31/03/2026")
    saved = page.save_charts_to(tmp_path)
    assert len(saved) == len(page.report.charts) and all(p.read_bytes()[:4] == b"\x89PNG" for p in saved)
