"""What a committee's staff read on its pages (issue 17, looked at on the 50,000 demo at 1366×768): no title or
heading cut at both ends, legends in the colours of their bars, a branch × month grid whose names do not
overlap, the dues book saying for how many branches it was made, audit details in Vietnamese, long form
titles whole, empty lists that say why. Each is driven in the widget and checked on what it shows; the
counts are recounted in SQL."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from sqlalchemy import func, select

from handbook_desktop.services.reports.model import Chart, Series
from handbook_desktop.ui.app import open_window

TODAY = date(2026, 11, 15)


def _paint(chart: Chart, width: int, height: int) -> tuple[QImage, object]:
    from handbook_desktop.ui.charts import _Painter

    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    drawer = _Painter(chart)
    font = QFont()
    font.setPixelSize(14)
    drawer.paint(painter, QRectF(0, 0, width, height), font)
    painter.end()
    return image, drawer


def _inked(image: QImage, x: int, top: int, bottom: int) -> bool:
    return any(QColor(image.pixel(x, y)).lightness() < 128 for y in range(top, bottom))


def test_a_long_chart_title_wraps_instead_of_losing_both_ends(qapp):
    chart = Chart("missing_months", "Số chi bộ thiếu sinh hoạt thường kỳ theo tháng", "bar",
                  ["01/2026", "02/2026"], [Series("Chi bộ", [5, 10])], "chi bộ")
    image, _ = _paint(chart, 300, 260)
    title = QFont()
    title.setPixelSize(14)
    title.setBold(True)
    line = QFontMetrics(title).height()
    assert QFontMetrics(title).horizontalAdvance(chart.title) > 300  # too long for one line here
    for x in (0, 1, 2, 297, 298, 299):  # nothing drawn at the very edges: the title is not cut there
        assert not _inked(image, x, 4, 4 + 2 * line), x
    assert _inked(image, 150, 4 + line, 4 + 2 * line)  # its second line


def test_the_pyramid_legend_has_the_colours_of_its_bars(qapp):
    chart = Chart("pyramid", "Tháp tuổi đảng viên (nam – nữ)", "pyramid", ["Đến 30", "31–40"],
                  [Series("Nam", [10, 20]), Series("Nữ", [15, 5])], "người")
    image, drawer = _paint(chart, 500, 300)
    bars = {}
    for rect, text in drawer.hits:
        name = text.split(" — ")[1].split(":")[0]
        bars.setdefault(name, QColor(image.pixel(int(rect.center().x()), int(rect.center().y()))).name())
    font = QFont()
    font.setPixelSize(14)
    title = QFont(font)
    title.setBold(True)
    top = 4 + QFontMetrics(title).height() + 12  # the legend's row: under the title
    squares = [QColor(image.pixel(8 + 6, top + 9)).name()]
    squares.append(QColor(image.pixel(8 + 28 + QFontMetrics(font).horizontalAdvance("Nam") + 6, top + 9)).name())
    assert squares == [bars["Nam"], bars["Nữ"]]
    assert bars["Nam"] != bars["Nữ"]


def test_long_category_names_are_wrapped_whole_under_their_bars(qapp):
    categories = ["Kết nạp", "Kết nạp lại", "Công nhận chính thức", "Chuyển đến chính thức",
                  "Chuyển đi chính thức", "Tạm thời đến", "Tạm thời đi", "Từ trần"]
    chart = Chart("movements", "Biến động đảng viên trong kỳ", "bar", categories,
                  [Series("Số lượt", [761, 0, 1018, 0, 1, 0, 731, 0])], "lượt")
    _, drawer = _paint(chart, 1000, 300)
    assert drawer.label_lines is not None  # not rotated and cut to «Công nhận chí…»
    assert [" ".join(lines) for lines in drawer.label_lines] == categories
    metrics = QFontMetrics(QFont())
    assert all(len(lines) <= 3 for lines in drawer.label_lines)
    _, narrow = _paint(chart, 300, 300)  # no room for whole words: rotated, as before
    assert narrow.label_lines is None
    assert metrics.height() > 0


def test_the_branch_month_grid_gives_each_branch_a_line_as_tall_as_its_name(qapp):
    from handbook_desktop.ui.charts import ChartView

    names = [f"Chi bộ Tổ dân phố số {n} Hàng Đào" for n in range(1, 296)]
    chart = Chart("grid", "Chi bộ thiếu sinh hoạt thường kỳ theo tháng", "grid", [f"{m:02d}" for m in range(1, 13)],
                  [Series(name, [1] * 12) for name in names], "buổi", rows=names)
    view = ChartView(chart)
    assert view.minimumHeight() >= len(names) * (view.fontMetrics().height() + 2)


def _reports_page(qtbot, database):
    from handbook_desktop.services.auth import Actor
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.pages.reports.page import ReportsPage
    from handbook_desktop.ui.tasks import TaskRunner

    home = database.home_unit()
    context = AppContext(database, Actor("admin", "secretary"), TaskRunner(), ChangeHub(), home.code, home.name,
                         home.level)
    page = ReportsPage(context, today=TODAY)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(lambda: page.report is not None and not page.loading, timeout=60_000)
    return page


def test_report_headings_wrap_in_whole_words_within_their_columns(qtbot, committee_db):
    page = _reports_page(qtbot, committee_db)
    page.kind_box.setFocus()
    while page.kind_box.currentData() != "activity":
        qtbot.keyClick(page.kind_box, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.report.key == "activity" and not page.loading, timeout=60_000)
    bold = QFont(page.table.horizontalHeader().font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    model = page.model
    for column, spec in enumerate(page.report.tables[0].columns, start=1):
        shown = model.headerData(column, Qt.Orientation.Horizontal)
        lines = shown.split("\n")
        assert " ".join(lines).split() == f"{spec.group} {spec.label}".split(), shown  # every word, in order
        width = page.table.columnWidth(column)
        assert all(metrics.horizontalAdvance(line) + 8 <= width for line in lines), (shown, width)
    assert page.table.columnWidth(1) >= metrics.horizontalAdvance("Sinh hoạt") + 8


def test_dues_of_every_branch_say_in_how_many_the_book_was_made(qtbot, committee_db, secretary):
    from handbook_desktop.services.procedures.dues import generate_month
    from handbook_desktop.store.models import DuesMonth, Member

    month = date(2026, 11, 1)
    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("dues")
    box = page.branch_box
    branch_ids = [box.itemData(i) for i in range(1, box.count())]
    with committee_db.session() as session:  # this month's book for the first two branches only
        session.query(DuesMonth).filter(DuesMonth.month == month).delete()
        generate_month(session, secretary, month, unit_ids=branch_ids[:2])
    with committee_db.read() as session:  # the second count: branches with a line this month, in SQL
        made = session.scalar(select(func.count(func.distinct(Member.unit_id))).select_from(DuesMonth)
                              .join(Member, Member.id == DuesMonth.member_id)
                              .where(DuesMonth.month == month, DuesMonth.deleted_at.is_(None)))
        unpaid = session.execute(select(Member.full_name).select_from(DuesMonth).join(
            Member, Member.id == DuesMonth.member_id).where(DuesMonth.month == month)).all()
    assert made == 2 < len(branch_ids)
    page.set_today(TODAY)
    page.month_box.setCurrentIndex(10)
    qtbot.waitUntil(lambda: not page.loading and "11/2026" in page.totals.text(), timeout=30_000)
    assert page.totals.text().startswith(f"Mọi chi bộ (sổ tháng 11/2026 mới lập ở 2/{len(branch_ids)} chi bộ): ")
    assert page.totals.wordWrap()  # its own line, wrapped: it ran past the window's edge beside the boxes
    assert page.table.rowCount() == len(unpaid)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: not page.loading and page.totals.text().startswith(box.currentText() + ": "),
                    timeout=30_000)
    window.close()


def test_the_months_unpaid_note_names_a_dozen_and_counts_the_rest(qtbot, demo_db, secretary):
    from handbook_desktop.ui.pages.dues import page as dues_page

    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("dues")
    page.set_today(date(2026, 11, 15))
    page.month_box.setCurrentIndex(9)
    qtbot.waitUntil(lambda: not page.loading and "10/2026" in page.totals.text(), timeout=15_000)
    note = page.year_note.text()
    match = re.search(r"(\d+) đồng chí — (.*)$", note)
    assert match, note
    count, names = int(match.group(1)), match.group(2)
    if count > dues_page.NAMES_SHOWN:
        assert names.endswith(f" và {count - dues_page.NAMES_SHOWN} đồng chí khác")
        assert len(page.year_note.toolTip().split("\n")) == count
    else:
        assert len(names.split(", ")) == count
    window.close()


def test_audit_details_read_in_vietnamese_and_the_count_is_grouped(qtbot, committee_db, secretary):
    from handbook_desktop.services.auditlog import DETAIL_KEYS, HIDDEN_DETAIL_KEYS, display_detail

    assert display_detail('{"added": 3, "corrected": 0}') == "thêm: 3; sửa: 0"
    source = Path(__file__).resolve().parents[2] / "handbook_desktop"
    used = set()
    for path in source.rglob("*.py"):
        for block in re.findall(r"detail=\{([^}]*)\}", path.read_text(encoding="utf-8")):
            used |= set(re.findall(r'"([a-z_]+)":', block))
    assert used and used - set(DETAIL_KEYS) - HIDDEN_DETAIL_KEYS == set()  # every key a detail is written with
    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("audit")
    qtbot.waitUntil(lambda: page.message.text().endswith("dòng") or "mới nhất" in page.message.text(),
                    timeout=30_000)
    shown = [page.model.index(r, 4).data() for r in range(page.model.rowCount())]
    assert not any(re.search(r"\b(added|corrected)\b", text or "") for text in shown)
    rows = len(page.rows)
    assert page.message.text().startswith(f"{rows:,}".replace(",", ".") + " dòng")
    metrics = page.date_from.fontMetrics()
    assert page.date_from.width() >= metrics.horizontalAdvance(page.date_from.placeholderText())
    window.close()


def test_long_form_titles_wrap_whole_in_the_forms_list(qtbot, committee_db, secretary):
    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.resize(1280, 736)
    window.show()
    page = window.show_page("forms")
    forms = page.form_list
    qtbot.waitUntil(lambda: forms.count() > 10, timeout=30_000)
    qtbot.wait(50)
    longest = max(range(forms.count()), key=lambda r: forms.fontMetrics().horizontalAdvance(forms.item(r).text()))
    text = forms.item(longest).text()
    assert forms.fontMetrics().horizontalAdvance(text) > forms.viewport().width()  # too long for one line
    rect = forms.visualItemRect(forms.item(longest))
    assert rect.right() <= forms.viewport().width() and rect.height() >= 2 * forms.fontMetrics().height()
    assert not forms.horizontalScrollBar().isVisible()
    window.close()


def test_empty_lists_on_nghiep_vu_say_why_for_the_branch_chosen(qtbot, committee_db, secretary):
    from handbook_desktop.store.models import Candidate, Member, Unit

    with committee_db.read() as session:
        busy = {unit_id for (unit_id,) in session.execute(select(Member.unit_id).select_from(Candidate).join(
            Member, Member.id == Candidate.member_id).where(Candidate.deleted_at.is_(None),
                                                            Candidate.closed.is_(False)))}
        idle = [(u.id, u.name) for u in session.scalars(select(Unit).where(Unit.level == "chi-bo"))
                if u.id not in busy]
    assert idle  # a branch with no admission in progress (second count, in SQL)
    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("procedures")
    runner = window.context.runner
    table = page.admission.table
    qtbot.waitUntil(lambda: not runner.busy() and table.rowCount() > 0, timeout=30_000)
    assert table.empty_message() == ""
    unit_id, name = idle[0]
    page.branch_box.setFocus()
    while page.branch_box.currentData() != unit_id:
        qtbot.keyClick(page.branch_box, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: not runner.busy() and table.rowCount() == 0, timeout=30_000)
    assert table.empty_message() == f"{name} không có hồ sơ kết nạp đang làm."
    page.tabs.setCurrentWidget(page.changes)
    qtbot.waitUntil(lambda: not runner.busy(), timeout=30_000)
    page.changes.member_box.setCurrentIndex(-1)
    assert page.changes.table.empty_message().startswith("Gõ tên một đảng viên vào ô «Đảng viên»")
    page.tabs.setCurrentWidget(page.badges)
    qtbot.waitUntil(lambda: not runner.busy() and page.badges.round_box.count() > 0, timeout=30_000)
    box = page.badges.round_box
    assert box.width() >= box.fontMetrics().horizontalAdvance(box.currentText()) + 16  # the whole date
    window.close()


def test_the_grid_tells_a_month_not_yet_due_from_a_missed_one(qapp, committee_db):
    """The 50,000 demo's grid showed the current month pink («thiếu») for most branches on 4 December."""
    from handbook_desktop.services.reports import make_report
    from handbook_desktop.ui.charts import NOT_DUE

    report = make_report(committee_db, "activity", date(2026, 1, 1), date(2026, 11, 3))  # November just begun
    grid = next(c for c in report.charts if c.kind == "grid")
    rows = report.tables[0].rows
    # pink cells (0 meetings) are exactly the months the table counts as missed, branch by branch
    assert [sum(1 for v in s.values if v == 0) for s in grid.series] == [r["months_missed"] for r in rows]
    assert any(s.values[-1] is None for s in grid.series)  # somewhere November's meeting is still to come
    row = next(i for i, s in enumerate(grid.series) if s.values[-1] is None)
    one = Chart("grid", grid.title, "grid", grid.categories, [grid.series[row]], "buổi", rows=[grid.rows[row]])
    image, drawer = _paint(one, 900, 120)
    rect, text = drawer.hits[-1]
    assert text.endswith("tháng 11/2026: chưa đến hạn")
    assert QColor(image.pixel(int(rect.center().x()), int(rect.center().y()))).name() == NOT_DUE


def test_an_empty_audit_list_says_whose_lines_were_looked_for(qtbot, committee_db, secretary):
    from handbook_desktop.services.auditlog import AuditFilter, query_audit

    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("audit")
    box = page.branch_box
    runner = window.context.runner
    qtbot.waitUntil(lambda: not runner.busy() and page.message.text() != "", timeout=30_000)
    quiet = next((i for i in range(1, box.count())  # a branch with no audit line (second count: the service)
                  if not query_audit(committee_db, AuditFilter(unit_id=box.itemData(i)))), None)
    assert quiet is not None  # the demo writes audit lines for a few branches only
    box.setCurrentIndex(quiet)
    box.activated.emit(quiet)
    qtbot.waitUntil(lambda: not runner.busy() and page.model.rowCount() == 0 and "Không có" in page.message.text(),
                    timeout=30_000)
    assert page.message.text() == f"Không có dòng nhật ký nào về {box.currentText()} khớp bộ lọc."


def test_no_english_in_the_demo_s_audit_details(committee_db):
    """A demo's own lines are read on Nhật ký too («dữ liệu mẫu: dues of every branch» was shown)."""
    from handbook_desktop.services.auditlog import AuditFilter, query_audit

    details = {row.detail for row in query_audit(committee_db, AuditFilter(limit=100_000)) if row.detail}
    assert details
    english = re.compile(r"\b(of|every|branch|added|corrected|dues|members)\b")
    assert not [d for d in details if english.search(d)]


def test_bar_figures_are_shown_over_every_bar_or_none(qapp):
    """Tổng quan's «12 chi bộ nhiều nhất»: «99, 97, 95» stood over the last bars, nothing over the taller ones."""
    values = [115, 112, 108, 105, 102, 101, 100, 100, 99, 97, 97, 95]
    chart = Chart("k", "Huy hiệu", "bar", [f"CB-{n:03d}" for n in range(12)], [Series("Người", values)], "người")
    height = QFontMetrics(QFont()).height()
    for width in (330, 1000):
        image, drawer = _paint(chart, width, 260)
        inked = []
        for rect, _text in drawer.hits:  # is there a figure just above each bar?
            inked.append(any(QColor(image.pixel(x, y)).lightness() < 100
                             for x in range(int(rect.left()), int(rect.right()))
                             for y in range(max(0, int(rect.top()) - height), int(rect.top()) - 1)))
        assert len(set(inked)) == 1, (width, inked)  # all or none
        assert inked[0] == (width == 1000)


def test_two_namesakes_of_one_branch_are_told_apart_on_dang_phi(qtbot, demo_db, secretary):
    """Two «Đỗ Thị Dung» of one branch looked the same on Đảng phí (seen on the 50,000 committee): the
    rows carry the birth year, as the pickers do; a name nobody shares stays as it is."""
    from handbook_desktop.store.models import DuesMonth, Member

    month = date(2026, 10, 1)
    with demo_db.session() as session:
        on_book = session.scalars(select(Member).join(DuesMonth, DuesMonth.member_id == Member.id)
                                  .where(DuesMonth.month == month, DuesMonth.deleted_at.is_(None))
                                  .order_by(Member.id).limit(3)).all()
        assert len(on_book) == 3 and on_book[0].date_of_birth and on_book[1].date_of_birth
        on_book[1].full_name = on_book[0].full_name
        twin, born = on_book[0].full_name, (on_book[0].date_of_birth.year, on_book[1].date_of_birth.year)
        alone = on_book[2].full_name
    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("dues")
    page.set_today(TODAY)
    page.month_box.setCurrentIndex(9)
    qtbot.waitUntil(lambda: not page.loading and "10/2026" in page.totals.text(), timeout=15_000)
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    assert sorted(n for n in names if n.startswith(twin + " (")) == sorted(f"{twin} (sinh {y})" for y in born)
    assert twin not in names and alone in names
    window.close()
