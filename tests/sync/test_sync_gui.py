"""The Đồng bộ and Đơn vị pages driven as a secretary would: trust, send, preview, apply, resolve."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from sync_sites import ACTOR, BRANCH_A, COMMITTEE
from test_sync_roundtrip import add_members, edit


def context_for(site):
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.tasks import TaskRunner

    home = site.database.home_unit()
    return AppContext(site.database, ACTOR, TaskRunner(), ChangeHub(), home.code, home.name, home.level)


@pytest.fixture
def pages(qtbot, branch_a, committee):
    from handbook_desktop.ui.pages.sync import SyncPage

    made = {}
    for site in (branch_a, committee):
        context = context_for(site)
        page = SyncPage(context)
        page.set_keyring(site.keyring)
        qtbot.addWidget(page)
        page.resize(1100, 650)
        made[site.code] = page
    yield made
    for page in made.values():
        page.context.runner.shutdown()


def test_send_preview_apply_and_receipt_through_the_pages(qtbot, pages, branch_a, committee, tmp_path):
    add_members(branch_a, ["Nguyễn Văn An", "Trần Thị Bình"])
    branch_page, committee_page = pages[BRANCH_A], pages[COMMITTEE]
    qtbot.waitUntil(lambda: branch_page.peer_combo.count() == 1, timeout=10_000)
    assert "Đảng ủy phường Thử Nghiệm" in branch_page.peer_combo.currentText()
    usb = tmp_path / "usb"
    usb.mkdir()
    branch_page.export_to(COMMITTEE, usb)
    qtbot.waitUntil(lambda: bool(list(usb.glob("*.hbsync"))), timeout=10_000)
    (package,) = usb.glob("*.hbsync")
    committee_page.tabs.setCurrentIndex(2)
    committee_page.import_file(package)
    qtbot.waitUntil(lambda: committee_page.preview_dialog is not None and committee_page.preview_dialog.isVisible(),
                    timeout=10_000)
    dialog = committee_page.preview_dialog
    assert "4 mới" in dialog.summary.text() and "Tổng 4 bản ghi" in dialog.summary.text()
    labels = [dialog.tree.topLevelItem(0).child(i).text(0) for i in range(dialog.tree.topLevelItem(0).childCount())]
    assert "Nguyễn Văn An" in labels
    dialog.grab().save(str(Path("/tmp") / "sync_preview.png"))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã nhập gói số 1" in committee_page.message.text(), timeout=10_000)
    (receipt,) = usb.glob("*bien-nhan*.hbsync")
    qtbot.waitUntil(lambda: committee_page.inbox.rowCount() == 1, timeout=10_000)
    committee_page.grab().save("/tmp/sync_page.png")
    branch_page.import_file(receipt)
    qtbot.waitUntil(lambda: "Biên nhận gói số 1" in branch_page.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: branch_page.outbox.item(0, 5) is not None
                    and branch_page.outbox.item(0, 5).text() not in ("", "chưa có"), timeout=10_000)


def test_cancelling_the_preview_changes_nothing(qtbot, pages, branch_a, committee, tmp_path):
    from sync_sites import checksum

    add_members(branch_a, ["Lê Văn Cường"])
    package = tmp_path / "goi.hbsync"
    package.write_bytes(branch_a.send(COMMITTEE))
    before = checksum(committee.path, skip=())
    page = pages[COMMITTEE]
    page.import_file(package)
    qtbot.waitUntil(lambda: page.preview_dialog is not None and page.preview_dialog.isVisible(), timeout=10_000)
    qtbot.mouseClick(page.preview_dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "không nhập" in page.message.text(), timeout=5_000)
    assert checksum(committee.path, skip=()) == before


def test_trust_needs_the_confirmation_tick(qtbot, pages, committee, tmp_path):
    from handbook_desktop.services.sync.keys import write_identity_card

    page = pages[BRANCH_A]
    card = tmp_path / "du.json"
    written = write_identity_card(committee.database, committee.keyring, card)
    dialog = page.trust_file(card)
    assert dialog.fingerprint.text() == written["fingerprint"]
    assert not dialog.ok.isEnabled()
    dialog.grab().save("/tmp/sync_trust.png")
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton, pos=dialog.confirm.rect().topLeft() + dialog.confirm.rect().center() * 0 + __import__("PySide6.QtCore", fromlist=["QPoint"]).QPoint(6, 6))
    assert dialog.ok.isEnabled()


def test_conflicts_tab_shows_both_sides_and_resolves(qtbot, pages, branch_a, committee):
    (uuid,) = add_members(branch_a, ["Đỗ Văn Giang"])
    committee.receive(branch_a.send(COMMITTEE))
    edit(branch_a, uuid, status="exempt")
    edit(committee, uuid, status="temporarily_away")
    committee.receive(branch_a.send(COMMITTEE))
    page = pages[COMMITTEE]
    page.refresh()
    tab = page.conflicts
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1 and tab.theirs.text() != "", timeout=10_000)
    assert tab.table.item(0, 3).text() == "Tình trạng"
    from handbook_desktop.domain.states import MemberStatus

    assert (tab.ours.text(), tab.theirs.text()) == (MemberStatus.TEMPORARILY_AWAY.label, MemberStatus.EXEMPT.label)
    page.tabs.setCurrentWidget(tab)
    page.grab().save("/tmp/sync_conflicts.png")
    qtbot.mouseClick(tab.take_theirs, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 0, timeout=10_000)
    assert "Không có xung đột" in tab.hint.text()


def test_units_page_lists_the_branches(qtbot, branch_a, committee):
    from datetime import date

    from handbook_desktop.ui.pages.units import UnitsPage

    add_members(branch_a, ["Nguyễn Văn An", "Trần Thị Bình"])
    committee.receive(branch_a.send(COMMITTEE))
    context = context_for(committee)
    page = UnitsPage(context, today=date(2026, 11, 15))
    qtbot.addWidget(page)
    page.resize(1200, 400)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10_000)
    rows = {page.table.item(r, 0).text(): r for r in range(2)}
    row = rows[BRANCH_A]
    assert page.table.item(row, 4).text() == "2"
    assert page.table.item(row, 2).text().startswith("số 1,")
    assert "Đảng viên chính thức 2" in page.table.item(row, 4).toolTip()
    page.table.selectRow(row)
    assert page.detail.text() == "Chi bộ Khu dân cư số 1: Đảng viên chính thức 2"
    assert page.table.item(rows["CB-B"], 2).text() == "chưa nhận gói nào"
    page.grab().save("/tmp/units_page.png")
    context.runner.shutdown()


def test_revoke_a_key_and_see_a_refused_package_through_the_page(qtbot, pages, branch_a, committee, tmp_path):
    """Issue 12 in the window: a package outside its sender's scope shows each row and writes nothing;
    the committee revokes the branch's key with a confirmation."""
    from sqlalchemy import select

    from handbook_desktop.store.models import AuditLog
    from test_sync_trust import committee_record, data_checksum, forge

    (uuid,) = add_members(committee, ["Nguyễn Thị B"])  # the committee's own member, not CB-A's
    outside = committee_record(committee, "member", uuid)
    outside["f"]["phone"] = "0900000000"
    path = tmp_path / "goi.hbsync"
    path.write_bytes(forge(branch_a, COMMITTEE, [outside]))
    page = pages[COMMITTEE]
    before = data_checksum(committee)
    page.import_file(path)
    qtbot.waitUntil(lambda: page.preview_dialog is not None and page.preview_dialog.isVisible(), timeout=20000)
    dialog = page.preview_dialog
    assert "bị từ chối toàn bộ" in dialog.summary.text()
    row = dialog.tree.topLevelItem(0).child(0)
    assert row.text(1) == "Từ chối" and "chi bộ CB-A không được sửa" in row.text(2)
    dialog.grab().save("/tmp/sync_refused_preview.png")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "bị từ chối toàn bộ" in page.last_message, timeout=20000)
    assert data_checksum(committee) == before
    assert list(tmp_path.glob("*bien-nhan*.hbsync"))
    # Revoke CB-A's key from the list of trusted units.
    page.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.peers.rowCount() >= 1, timeout=20000)
    (index,) = [i for i in range(page.peers.rowCount()) if page.peers.item(i, 0).text() == BRANCH_A]
    page.peers.selectRow(index)
    qtbot.mouseClick(page.revoke_button, Qt.MouseButton.LeftButton)
    box = page.revoke_box
    assert BRANCH_A in box.text()
    (yes,) = [button for button in box.buttons() if button.text() == "Thu hồi"]
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã thu hồi 1 khóa" in page.message.text(), timeout=20000)
    with committee.database.read() as session:
        assert session.scalars(select(AuditLog).where(AuditLog.action == "sync_revoke")).first() is not None
    qtbot.waitUntil(lambda: any(page.peers.item(i, 0).text() == BRANCH_A and page.peers.item(i, 3).text() == ""
                                for i in range(page.peers.rowCount())), timeout=20000)


def test_the_preview_names_the_sender_and_shows_its_columns_whole(qtbot, pages, branch_a, committee, tmp_path):
    """Seen in the committee's fit walk (issue 11 §5): «Gói số 2 từ đơn vị CB-001», the per-table tally cut to
    «Thay đổi: 1, …» in a fixed 120 px column; long names in a fixed 430 px one."""
    from PySide6.QtGui import QFontMetrics

    uuids = add_members(branch_a, ["Tôn Nữ Thị Phương Thảo Nguyên Hạnh", "Công Tằng Tôn Nữ Hoàng Anh"])
    branch_page, committee_page = pages[BRANCH_A], pages[COMMITTEE]
    qtbot.waitUntil(lambda: branch_page.peer_combo.count() == 1 and committee_page.peer_combo.count() >= 1,
                    timeout=10_000)
    usb = tmp_path / "usb"
    usb.mkdir()
    branch_page.export_to(COMMITTEE, usb)
    qtbot.waitUntil(lambda: bool(list(usb.glob("*.hbsync"))), timeout=10_000)
    (first,) = usb.glob("*.hbsync")
    committee.receive(first.read_bytes())
    edit(branch_a, uuids[0], occupation="Giáo viên trường trung học cơ sở Nguyễn Trãi")
    for old in usb.glob("*.hbsync"):
        old.unlink()
    branch_page.export_to(COMMITTEE, usb)
    qtbot.waitUntil(lambda: bool(list(usb.glob("*.hbsync"))), timeout=10_000)
    (second,) = usb.glob("*.hbsync")
    add_members(branch_a, [])  # nothing more: the second package holds the change only
    committee_page.import_file(second)
    qtbot.waitUntil(lambda: committee_page.preview_dialog is not None and committee_page.preview_dialog.isVisible(),
                    timeout=10_000)
    dialog = committee_page.preview_dialog
    heading = dialog.findChild(type(dialog.summary), "pageTitle")
    assert "từ Chi bộ Khu dân cư số 1 (CB-A)" in heading.text()
    tree = dialog.tree
    metrics = QFontMetrics(tree.font())
    top = tree.topLevelItem(0)
    items = [top] + [top.child(i) for i in range(top.childCount())]
    for item in items:
        indent = tree.indentation() * (2 if item is not top else 1)
        assert metrics.horizontalAdvance(item.text(0)) + indent <= tree.columnWidth(0) or \
            item.toolTip(0) == item.text(0), item.text(0)
        assert metrics.horizontalAdvance(item.text(1)) + 6 <= tree.columnWidth(1), item.text(1)
    assert tree.columnWidth(0) <= dialog.width() // 2  # «Chi tiết» keeps room
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
