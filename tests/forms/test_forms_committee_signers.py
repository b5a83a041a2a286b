"""A committee names its own bí thư and phó bí thư (issue 14): a member of one of its branches found by a
search, or a name typed for someone registered elsewhere; on the command line and in Cài đặt. Each
committee-issued document (DS-ĐV, BC-THÁNG, 1-TĐV, 1-SHĐ, 2-SHĐ) is printed at a committee and read
back with python-docx: it signs with the person named, whose name is read a second way (the member
row, the typed text); without one, or when the one named has left, it is refused with the reason."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from handbook_desktop.services.errors import UserError

TODAY = date(2026, 11, 15)
FORMS = ("DS-ĐV", "BC-THÁNG", "1-TĐV", "1-SHĐ", "2-SHĐ")


def _subjects(database) -> dict[str, dict]:
    from handbook_desktop.store.models import Member, MemberEvent

    with database.read() as session:
        def about(kind):
            return session.scalars(select(Member.uuid).join(MemberEvent, MemberEvent.member_id == Member.id)
                                   .where(MemberEvent.kind == kind)).first()

        return {"1-SHĐ": {"member_uuid": about("transfer_out_official")},
                "2-SHĐ": {"member_uuid": about("transfer_out_temporary")}}


def _cli(capsys, database, *args) -> tuple[int, str, str]:
    from handbook_desktop.cli import main

    capsys.readouterr()
    code = main(["--db", str(database.file), "signers", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _signature(path) -> list[str]:
    """The signature block as printed: the right cell of the last table, line by line, blanks dropped."""
    cell = Document(str(path)).tables[-1].rows[0].cells[1]
    return [p.text.strip() for p in cell.paragraphs if p.text.strip()]


def _print_all(database, secretary, tmp_path, tag: str, **options) -> dict[str, list[str]]:
    from handbook_desktop.services.forms.build import export_form

    subjects = _subjects(database)
    signatures = {}
    for code in FORMS:
        out = export_form(database, secretary, code, tmp_path / f"{tag}-{code}.docx", on=TODAY,
                          **subjects.get(code, {}), **options)
        left = [p.text for p in Document(str(out)).tables[0].rows[0].cells[0].paragraphs]
        assert left[1].startswith("ĐẢNG ỦY PHƯỜNG"), (code, left)  # the committee issues it
        signatures[code] = _signature(out)
    return signatures


def test_committee_documents_sign_with_the_bi_thu_it_names(committee, tmp_path, secretary, capsys):
    from handbook_desktop.services.forms.build import export_form
    from handbook_desktop.store.models import Member, Setting, Unit

    database = committee
    subjects = _subjects(database)
    assert all(s["member_uuid"] for s in subjects.values())
    # the demo names its signers; start from a committee that has named nobody
    for role in ("secretary", "deputy"):
        assert _cli(capsys, database, "clear", "--role", role)[0] == 0
    for code in FORMS:
        with pytest.raises(UserError, match="đơn vị chưa có bí thư .*Cài đặt → Người ký văn bản"):
            export_form(database, secretary, code, tmp_path / f"none-{code}.docx", on=TODAY, **subjects.get(code, {}))
        assert not (tmp_path / f"none-{code}.docx").exists()

    # found by a search without diacritics, among the branches' members, namesakes told apart
    with database.read() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        chosen = session.scalars(select(Member).join(Unit, Unit.id == Member.unit_id).where(
            Unit.parent_id == home.id, Member.party_position == "secretary", Member.status == "official")
            .order_by(Member.id)).first()
        chosen_uuid, chosen_name, branch = chosen.uuid, chosen.full_name, chosen.unit.name
    from handbook_desktop.domain.text import fold

    code, out, _ = _cli(capsys, database, "find", fold(chosen_name).split()[-1], "--json")
    found = json.loads(out)
    assert code == 0 and chosen_uuid in [f["uuid"] for f in found]
    label = next(f["label"] for f in found if f["uuid"] == chosen_uuid)
    assert label.startswith(chosen_name) and branch in label and "sinh 19" in label
    code, out, err = _cli(capsys, database, "set", "--role", "secretary", "--member", chosen_uuid)
    assert code == 0, err
    assert f"Bí thư: {chosen_name} (ký: BÍ THƯ, {branch})" in out

    signatures = _print_all(database, secretary, tmp_path, "named")
    with database.read() as session:  # the second way: the member row and the stored setting
        name = session.scalars(select(Member.full_name).where(Member.uuid == chosen_uuid)).one()
        stored = json.loads(session.get(Setting, f"signers.{home.code}").value_json)
    assert stored["secretary"]["member_uuid"] == chosen_uuid
    for code, lines in signatures.items():
        assert lines[0] == "T/M ĐẢNG ỦY" and lines[1] == "BÍ THƯ" and lines[-1] == name, (code, lines)

    # a phó bí thư thường trực registered elsewhere, typed, signs on the bí thư's behalf
    code, out, err = _cli(capsys, database, "set", "--role", "deputy", "--name", "  Trần   Minh Quang ",
                          "--title", "Phó Bí thư Thường trực")
    assert code == 0, err
    signatures = _print_all(database, secretary, tmp_path, "deputy", deputy=True)
    for code, lines in signatures.items():
        assert lines[:3] == ["T/M ĐẢNG ỦY", "K/T BÍ THƯ", "PHÓ BÍ THƯ THƯỜNG TRỰC"], (code, lines)
        assert lines[-1] == "Trần Minh Quang", (code, lines)
    code, out, _ = _cli(capsys, database, "show", "--json")
    shown = {row["role"]: row for row in json.loads(out)}
    assert shown["secretary"]["source"] == "member" and shown["deputy_secretary"]["source"] == "typed"

    # the bí thư named transfers away: refused with that reason, not signed by someone gone
    from handbook_desktop.services.auth import SYSTEM
    from handbook_desktop.services.procedures import status

    with database.session() as session:
        status.transfer_out(session, SYSTEM, chosen_uuid, day=date(2026, 11, 10), destination="Chi bộ Tổ 9",
                            dues_paid_to=date(2026, 11, 1))
    with pytest.raises(UserError, match=f"đồng chí {chosen_name} được chọn làm bí thư không còn sinh hoạt"):
        export_form(database, secretary, "DS-ĐV", tmp_path / "gone.docx", on=TODAY)


def test_naming_a_signer_refuses_what_cannot_sign_and_changes_nothing(committee, secretary, viewer):
    from handbook_desktop.services import signers
    from handbook_desktop.store.models import Member, Setting, Unit

    database = committee
    with database.read() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        before = session.get(Setting, f"signers.{home.code}").value_json
        candidate = session.scalars(select(Member.uuid).where(Member.status == "candidate")).first()
        official = session.scalars(select(Member.uuid).where(Member.status == "official")).first()
    with database.session() as session:  # a member of a unit outside the committee's tree
        outside = Unit(code="CB-NGOAI", name="Chi bộ nơi khác", level="chi-bo", origin_unit="CB-NGOAI")
        session.add(outside)
        session.flush()
        stranger = Member(unit_id=outside.id, full_name="Ngô Văn Lạ", status="official", origin_unit="CB-NGOAI")
        session.add(stranger)
        session.flush()
        stranger_uuid = stranger.uuid
    cases = [
        (dict(role="secretary", member_uuid=candidate), "Quần chúng|không ký văn bản"),
        (dict(role="secretary", member_uuid=stranger_uuid), "Không tìm thấy đảng viên này trong các chi bộ"),
        (dict(role="secretary", member_uuid=official, name="Lê Văn A"), "không cả hai"),
        (dict(role="secretary"), "không cả hai"),
        (dict(role="deputy", name="Quang"), "đủ họ và tên"),
        (dict(role="deputy", name="Trần Minh Quang", title="Chủ tịch"), "Bí thư"),
        (dict(role="treasurer", name="Trần Minh Quang"), "bí thư \\(secretary\\) hoặc phó bí thư"),
    ]
    for options, reason in cases:
        role = options.pop("role")
        with pytest.raises(UserError, match=reason):
            with database.session() as session:
                signers.set_signer(session, secretary, role, **options)
    from handbook_desktop.services.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        with database.session() as session:
            signers.set_signer(session, viewer, "secretary", name="Trần Minh Quang")
    with database.read() as session:
        assert session.get(Setting, f"signers.{home.code}").value_json == before


def send_text(widget, text: str) -> None:
    """One key event per character (qtbot.keyClicks asserts on Vietnamese letters)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def test_the_settings_page_names_the_committee_signers(qtbot, committee, secretary):
    """Cài đặt → Người ký văn bản: search, pick with the keyboard, save; type a name for the deputy."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from handbook_desktop.services.forms.context import unit_header_context
    from handbook_desktop.services.signers import clear_signer
    from handbook_desktop.store.models import Member
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.pages.settings.page import SettingsPage
    from handbook_desktop.ui.pages.settings.signers_box import SignerDialog
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.tasks import TaskRunner

    database = committee
    with database.session() as session:
        for role in ("secretary", "deputy"):
            clear_signer(session, secretary, role)
        chosen = session.scalars(select(Member).where(Member.party_position == "secretary",
                                                      Member.status == "official").order_by(Member.id)).first()
        chosen_name, born = chosen.full_name, chosen.date_of_birth.year
    application()
    home = database.home_unit()
    page = SettingsPage(AppContext(database, secretary, TaskRunner(), ChangeHub(), home.code, home.name, home.level))
    qtbot.addWidget(page)
    page.show()
    box = page.signers_box
    assert "chưa có" in box.labels["secretary"].text()
    qtbot.mouseClick(box.change_buttons["secretary"], Qt.MouseButton.LeftButton)
    dialog = box.findChild(SignerDialog)
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5_000)
    dialog.search.setFocus()
    send_text(dialog.search, chosen_name)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    labels = [dialog.results.item(i).text() for i in range(dialog.results.count())]
    assert any(text.startswith(f"{chosen_name} (sinh {born}") for text in labels), labels
    row = next(i for i, text in enumerate(labels) if text.startswith(f"{chosen_name} (sinh {born}"))
    dialog.results.setFocus()
    dialog.results.setCurrentRow(row)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert box.labels["secretary"].text().startswith(chosen_name) and "BÍ THƯ" in box.labels["secretary"].text()

    qtbot.mouseClick(box.change_buttons["deputy_secretary"], Qt.MouseButton.LeftButton)
    dialog = [d for d in box.findChildren(SignerDialog) if d.isVisible()][-1]
    qtbot.mouseClick(dialog.typed, Qt.MouseButton.LeftButton)
    assert dialog.name.isEnabled() and not dialog.search.isEnabled()
    send_text(dialog.name, "Quang")  # a single word is not a full name: said inside the dialog
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert "đủ họ và tên" in dialog.error.text() and dialog.isVisible()
    dialog.name.clear()
    send_text(dialog.name, "Trần Minh Quang")
    dialog.title.setCurrentIndex(dialog.title.findText("Phó Bí thư Thường trực"))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert box.labels["deputy_secretary"].text() == "Trần Minh Quang (nhập tay) — ký: PHÓ BÍ THƯ THƯỜNG TRỰC"
    with database.read() as session:  # what the documents will print, read a second way
        header = unit_header_context(session)
    assert (header["secretary"], header["deputy_secretary"]) == (chosen_name, "Trần Minh Quang")
    qtbot.mouseClick(box.clear_buttons["deputy_secretary"], Qt.MouseButton.LeftButton)
    assert "chưa có" in box.labels["deputy_secretary"].text()
