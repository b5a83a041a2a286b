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
