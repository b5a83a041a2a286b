"""CCCD and phone numbers in the sync preview (window and command line) and in every --json output are
masked unless the person asks to reveal them, which is audited (issue 13, point 9)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from handbook_desktop.cli.common import masked_json
from handbook_desktop.domain.text import mask_digits
from handbook_desktop.store.models import AuditLog
from sync_sites import COMMITTEE
from test_sync_cli import run
from test_sync_gui import context_for
from test_sync_roundtrip import add_members, edit

CCCD, NEW_CCCD = "001070012345", "001070054321"
PHONE, NEW_PHONE = "0912345678", "0987654321"


def _reveals(database) -> list[tuple[str, str]]:
    with database.read() as session:
        rows = session.execute(select(AuditLog.username, AuditLog.detail).where(AuditLog.action == "reveal")).all()
    return [(username, json.dumps(detail, ensure_ascii=False)) for username, detail in rows]


@pytest.fixture
def changed_numbers(branch_a, committee):
    """The committee knows a member of branch A; the branch then changes her CCCD and phone."""
    (uuid,) = add_members(branch_a, ["Phạm Thị Hoa"], national_id=CCCD)
    committee.receive(branch_a.send(COMMITTEE))
    edit(branch_a, uuid, national_id=NEW_CCCD, phone=NEW_PHONE)
    return branch_a.send(COMMITTEE)


def _tree_text(dialog) -> str:
    parts = []
    for top in range(dialog.tree.topLevelItemCount()):
        parent = dialog.tree.topLevelItem(top)
        for row in range(parent.childCount()):
            item = parent.child(row)
            parts += [item.text(c) + " " + item.toolTip(c) for c in range(3)]
    return " ".join(parts)


def test_window_preview_masks_numbers_until_revealed(qtbot, branch_a, committee, changed_numbers, tmp_path):
    from handbook_desktop.ui.pages.sync import SyncPage

    page = SyncPage(context_for(committee))
    page.set_keyring(committee.keyring)
    qtbot.addWidget(page)
    package = tmp_path / "goi.hbsync"
    package.write_bytes(changed_numbers)
    try:
        page.import_file(package)
        qtbot.waitUntil(lambda: page.preview_dialog is not None and page.preview_dialog.isVisible(), timeout=20_000)
        dialog = page.preview_dialog
        text = _tree_text(dialog)
        assert f"{mask_digits(CCCD)} → {mask_digits(NEW_CCCD)}" in text, text
        assert f"{mask_digits(PHONE)} → {mask_digits(NEW_PHONE)}" in text, text
        for number in (CCCD, NEW_CCCD, PHONE, NEW_PHONE):
            assert number not in text
        assert dialog.reveal.isVisible() and _reveals(committee.database) == []
        qtbot.mouseClick(dialog.reveal, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.reveal.height() // 2))
        text = _tree_text(dialog)
        assert f"{CCCD} → {NEW_CCCD}" in text and f"{PHONE} → {NEW_PHONE}" in text, text
        ((username, detail),) = _reveals(committee.database)
        assert username == "admin" and "sync_preview" in detail and "goi.hbsync" in detail
        qtbot.mouseClick(dialog.reveal, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.reveal.height() // 2))
        assert NEW_CCCD not in _tree_text(dialog)  # unticked: masked again, no second audit line
        assert len(_reveals(committee.database)) == 1
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    finally:
        page.context.runner.shutdown()


def test_command_line_preview_json_masks_unless_reveal(branch_a, committee, changed_numbers, tmp_path):
    package = tmp_path / "goi.hbsync"
    package.write_bytes(changed_numbers)
    committee.database.close()
    done = run("--db", str(committee.path), "sync", "import", str(package), "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    for number in (CCCD, NEW_CCCD, PHONE, NEW_PHONE):
        assert number not in done.stdout
    changes = [c for t in json.loads(done.stdout)["tables"] for r in t["records"] for c in r["changes"]]
    assert {"field": "national_id", "old": mask_digits(CCCD), "new": mask_digits(NEW_CCCD)}.items() <= \
        next(c for c in changes if c["field"] == "national_id").items()
    text = run("--db", str(committee.path), "sync", "import", str(package), "--dry-run")
    assert text.returncode == 0 and mask_digits(NEW_PHONE) in text.stdout and NEW_PHONE not in text.stdout
    shown = run("--db", str(committee.path), "sync", "import", str(package), "--dry-run", "--json", "--reveal")
    assert shown.returncode == 0, shown.stderr
    assert NEW_CCCD in shown.stdout and NEW_PHONE in shown.stdout


def test_member_show_json_masks_unless_reveal(branch_a):
    (uuid,) = add_members(branch_a, ["Đỗ Văn Minh"], national_id=CCCD)
    branch_a.database.close()
    done = run("--db", str(branch_a.path), "members", "show", uuid, "--json")
    assert done.returncode == 0, done.stderr
    detail = json.loads(done.stdout)
    assert detail["national_id"] == mask_digits(CCCD) and detail["phone"] == mask_digits(PHONE)
    assert detail["uuid"] == uuid  # ids are left whole
    done = run("--db", str(branch_a.path), "members", "show", uuid, "--json", "--reveal")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["national_id"] == CCCD
    text = run("--db", str(branch_a.path), "members", "show", uuid)
    assert mask_digits(CCCD) in text.stdout and CCCD not in text.stdout


def test_masked_json_keeps_ids_and_masks_free_text():
    uuid = "53db4391-c8e2-496a-9358-123456789012"  # a uuid whose last group is twelve digits
    data = {"uuid": uuid, "national_id": CCCD, "package_hash": "123456789012",
            "message": f"Trùng số CCCD {CCCD} và điện thoại {PHONE}",
            "changes": [{"field": "phone", "old": PHONE, "new": NEW_PHONE}, {"field": "full_name", "old": "A",
                                                                         "new": "B"}]}
    shown = masked_json(data)
    assert shown["uuid"] == uuid and shown["package_hash"] == "123456789012"
    assert shown["national_id"] == mask_digits(CCCD)
    assert CCCD not in shown["message"] and PHONE not in shown["message"]
    assert shown["changes"][0] == {"field": "phone", "old": mask_digits(PHONE), "new": mask_digits(NEW_PHONE)}
    assert shown["changes"][1] == {"field": "full_name", "old": "A", "new": "B"}
