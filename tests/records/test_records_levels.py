"""The organisation as it is (issue 15 §7): `init` asks the parent's level; levels are data (rule
unit.levels); a đảng ủy phường directly under the Thành ủy is a first-class case (window and CLI)."""

from __future__ import annotations

import json  # noqa: F401

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from handbook_desktop.cli import main
from handbook_desktop.store.database import Database
from handbook_desktop.store.models import Unit


def _units(path):
    with Database.open(path) as database, database.read() as session:
        return {u.code: (u.level, u.parent.code if u.parent else None)
                for u in session.scalars(select(Unit))}


def test_init_a_ward_committee_under_the_city_committee(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HANDBOOK_PASSWORD", "matkhau123")
    path = tmp_path / "phuong.sqlite3"
    code = main(["--db", str(path), "init", "--unit-code", "DU-CUANAM", "--unit-name", "Đảng ủy phường Cửa Nam",
                 "--level", "dang-uy-xa-phuong", "--parent-code", "TU-HN", "--parent-name", "Thành ủy Hà Nội",
                 "--json"])
    assert code == 0, capsys.readouterr().err
    assert _units(path) == {"DU-CUANAM": ("dang-uy-xa-phuong", "TU-HN"), "TU-HN": ("tinh-thanh-uy", None)}
    branch = tmp_path / "chibo.sqlite3"
    assert main(["--db", str(branch), "init", "--unit-code", "CB-1", "--unit-name", "Chi bộ Khu dân cư số 1",
                 "--parent-code", "DU-CUANAM", "--parent-name", "Đảng ủy phường Cửa Nam",
                 "--parent-level", "dang-uy-xa-phuong"]) == 0
    assert _units(branch)["DU-CUANAM"] == ("dang-uy-xa-phuong", None)
    plain = tmp_path / "mac-dinh.sqlite3"
    assert main(["--db", str(plain), "init", "--unit-code", "CB-2", "--unit-name", "Chi bộ 2",
                 "--parent-code", "DU-X", "--parent-name", "Đảng ủy X"]) == 0
    assert _units(plain)["DU-X"] == ("dang-uy-co-so", None)  # was always 'đảng bộ bộ phận'
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(tmp_path / "sai.sqlite3"), "init", "--unit-code", "CB-3", "--unit-name", "Chi bộ 3",
              "--parent-level", "quan-uy"])
    assert stopped.value.code == 2 and "quan-uy" in capsys.readouterr().err
    assert not (tmp_path / "sai.sqlite3").exists() or not _units(tmp_path / "sai.sqlite3")


def test_setup_dialog_asks_the_parent_level(qtbot, tmp_path, monkeypatch, type_text):
    from handbook_desktop.ui.setup_dialog import SetupDialog

    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    path = tmp_path / "moi.sqlite3"
    database = Database.open(path)
    try:
        dialog = SetupDialog(database)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.parent_level.currentData() == "dang-uy-co-so"  # a branch: the usual level above
        dialog.level.setCurrentIndex(dialog.level.findData("dang-uy-xa-phuong"))
        assert dialog.parent_level.currentData() == "tinh-thanh-uy"
        assert dialog.parent_level.currentText() == "Tỉnh ủy / Thành ủy"
        type_text(dialog.unit_name, "Đảng ủy phường Cửa Nam")
        qtbot.keyClicks(dialog.unit_code, "DU-CUANAM")
        type_text(dialog.parent_name, "Thành ủy Hà Nội")
        qtbot.keyClicks(dialog.parent_code, "TU-HN")
        qtbot.keyClicks(dialog.password, "mat-khau-1")
        qtbot.keyClicks(dialog.password2, "mat-khau-1")
        dialog.grab().save("/tmp/records-time/setup.png")
        qtbot.keyClick(dialog.password2, Qt.Key.Key_Return)
        assert dialog.result() == SetupDialog.DialogCode.Accepted
    finally:
        database.close()
    assert _units(path) == {"DU-CUANAM": ("dang-uy-xa-phuong", "TU-HN"), "TU-HN": ("tinh-thanh-uy", None)}


def test_a_level_added_only_as_data_is_a_level_everywhere(tmp_path, monkeypatch, capsys):
    """Issue 15 §7: a level written into the rule table (here a new version of unit.levels in the
    shipped TOML, as a release would ship it) needs no code: init takes it, the documents' header and
    the Nhật ký name it."""
    import shutil

    from handbook_desktop import paths
    from handbook_desktop.services import levels, rules
    from handbook_desktop.services.auditlog import display_value
    from handbook_desktop.services.forms.context import unit_header_context

    folder = tmp_path / "rules"
    shutil.copytree(paths.resource("rules"), folder)
    (folder / "zz_levels.toml").write_text(
        '[[rule]]\nkey = "unit.levels"\nvalue = [{ code = "chi-bo", label = "Chi bộ", above = "dang-uy-khoi" }, '
        '{ code = "dang-uy-khoi", label = "Đảng ủy Khối cơ quan", above = "tinh-thanh-uy" }, '
        '{ code = "tinh-thanh-uy", label = "Tỉnh ủy / Thành ủy", above = "" }]\n'
        'effective_from = 2026-01-01\nsource = "thử: một cấp chỉ có trong bảng quy định"\n', encoding="utf-8")
    real = rules.shipped_rules
    monkeypatch.setattr(rules, "shipped_rules", lambda folder_=None: real(folder_ or folder))
    levels._shipped_book.cache_clear()
    levels._shipped_labels.cache_clear()
    try:
        monkeypatch.setenv("HANDBOOK_PASSWORD", "matkhau123")
        path = tmp_path / "khoi.sqlite3"
        code = main(["--db", str(path), "init", "--unit-code", "DUK-HN", "--unit-name", "Đảng ủy Khối các cơ quan",
                     "--level", "dang-uy-khoi", "--parent-code", "TU-HN", "--parent-name", "Thành ủy Hà Nội"])
        assert code == 0, capsys.readouterr().err
        assert _units(path) == {"DUK-HN": ("dang-uy-khoi", "TU-HN"), "TU-HN": ("tinh-thanh-uy", None)}
        branch = tmp_path / "cb.sqlite3"
        assert main(["--db", str(branch), "init", "--unit-code", "CB-K1", "--unit-name", "Chi bộ Văn phòng",
                     "--parent-code", "DUK-HN", "--parent-name", "Đảng ủy Khối các cơ quan"]) == 0
        assert _units(branch)["DUK-HN"] == ("dang-uy-khoi", None)  # the usual level above, from the data
        with Database.open(path) as database, database.read() as session:
            assert unit_header_context(session)["level_label"] == "Đảng ủy Khối cơ quan"
        assert display_value("dang-uy-khoi") == "Đảng ủy Khối cơ quan"
    finally:
        levels._shipped_book.cache_clear()
        levels._shipped_labels.cache_clear()


def test_whether_a_level_decides_is_data_too(tmp_path, monkeypatch):
    """Issue 15 §7: a level known only as data decides for its branches (and so may relay their records
    and its own decisions up, issue 18 §1) when the rule says ``decides = true`` — no enum member — and
    decides nothing without the flag (a card claiming it gets no more than a branch's rights)."""
    import shutil

    from handbook_desktop import paths
    from handbook_desktop.services import levels, rules
    from handbook_desktop.services.sync.tables import may_decide_under

    folder = tmp_path / "rules"
    shutil.copytree(paths.resource("rules"), folder)
    (folder / "zz_levels.toml").write_text(
        '[[rule]]\nkey = "unit.levels"\nvalue = [{ code = "chi-bo", label = "Chi bộ", above = "dang-uy-khoi" }, '
        '{ code = "dang-uy-khoi", label = "Đảng ủy Khối cơ quan", above = "tinh-thanh-uy", decides = true }, '
        '{ code = "to-cong-tac", label = "Tổ công tác", above = "tinh-thanh-uy" }, '
        '{ code = "tinh-thanh-uy", label = "Tỉnh ủy / Thành ủy", above = "", decides = true }]\n'
        'effective_from = 2026-01-01\nsource = "thử: một cấp chỉ có trong bảng quy định"\n', encoding="utf-8")
    real = rules.shipped_rules
    monkeypatch.setattr(rules, "shipped_rules", lambda folder_=None: real(folder_ or folder))
    levels._shipped_book.cache_clear()
    levels._shipped_labels.cache_clear()
    try:
        assert levels.issues_decisions("dang-uy-khoi") and may_decide_under("dang-uy-khoi", "tinh-thanh-uy")
        assert not levels.issues_decisions("to-cong-tac") and not may_decide_under("to-cong-tac", "tinh-thanh-uy")
        assert not levels.issues_decisions("chi-bo") and not may_decide_under("chi-bo", "dang-uy-khoi")
        assert not may_decide_under("dang-uy-khoi", "chi-bo")  # not on its way up
        assert not levels.issues_decisions("cap-khong-co")
    finally:
        monkeypatch.undo()  # before the caches fill again with the real table
        levels._shipped_book.cache_clear()
        levels._shipped_labels.cache_clear()
    # The shipped table says it for the levels the code knows, and agrees with them.
    from handbook_desktop.domain.states import UnitLevel

    for level in UnitLevel:
        assert levels.issues_decisions(level.value) == level.issues_decisions, level
