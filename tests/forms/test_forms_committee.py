"""A committee installation issues its own documents: header of the đảng ủy, numbers …/ĐU."""

from __future__ import annotations

from datetime import date

from docx import Document

from handbook_desktop.services.forms.build import export_form
from handbook_desktop.services.setup import HomeUnitSpec, initialise
from handbook_desktop.store.database import Database
from handbook_desktop.store.models import Member, Unit


def test_committee_card_list_and_header(tmp_path, secretary):
    with Database.open(tmp_path / "du.sqlite3") as database:
        initialise(database, HomeUnitSpec("DU-HK", "Đảng ủy phường Hoàn Kiếm", "dang-uy-co-so", "TU-HN",
                                          "Đảng bộ Thành phố Hà Nội", "Hà Nội", date(2025, 7, 1)),
                   "admin", "matkhau123")
        with database.immediate() as session:
            home = session.query(Unit).filter_by(code="DU-HK").one()
            branch = Unit(code="CB-1", name="Chi bộ Khu dân cư số 1", level="chi-bo", parent_id=home.id)
            session.add(branch)
            session.flush()
            lost = Member(unit_id=branch.id, full_name="Trần Văn Bảo", status="official",
                          date_of_birth=date(1980, 1, 2), decision_date=date(2010, 5, 1),
                          official_date=date(2011, 5, 1))
            session.add(lost)
            session.flush()
            lost_uuid = lost.uuid
        import pytest

        from handbook_desktop.services.errors import UserError

        # nobody waits for a card: an empty list is refused, not numbered
        with pytest.raises(UserError, match="Không có đảng viên nào mất hoặc hỏng thẻ"):
            export_form(database, secretary, "1-TĐV", tmp_path / "empty.docx", on=date(2026, 3, 5))
        from handbook_desktop.services.auth import SYSTEM
        from handbook_desktop.services.procedures import status

        with database.session() as session:
            status.card_event(session, SYSTEM, lost_uuid, "card_lost", date(2026, 2, 1))
        # a committee with nobody in the secretary's post: refused with the reason, not signed blank
        with pytest.raises(UserError, match="chưa có bí thư"):
            export_form(database, secretary, "1-TĐV", tmp_path / "blank.docx", on=date(2026, 3, 5))
        assert not (tmp_path / "blank.docx").exists()
        with database.immediate() as session:
            home = session.query(Unit).filter_by(code="DU-HK").one()
            session.add(Member(unit_id=home.id, full_name="Lê Văn Đảng", status="official", party_position="secretary",
                               date_of_birth=date(1970, 1, 2), decision_date=date(1995, 5, 1),
                               official_date=date(1996, 5, 1)))
        out = export_form(database, secretary, "1-TĐV", tmp_path / "the.docx", on=date(2026, 3, 5))
        document = Document(str(out))
        left = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
        assert left[:2] == ["ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "ĐẢNG ỦY PHƯỜNG HOÀN KIẾM"]
        assert "Số 01-DS/ĐU" in left
        signer = document.tables[-1].rows[0].cells[1].text
        assert signer.startswith("T/M ĐẢNG ỦY\nBÍ THƯ") and signer.endswith("Lê Văn Đảng")
        recipients = document.tables[-1].rows[0].cells[0].text
        assert "Thành ủy Hà Nội (để báo cáo)," in recipients and "Lưu văn phòng." in recipients


def test_committee_names():
    from handbook_desktop.services.forms.context import committee_of

    assert committee_of("Đảng bộ phường Hoàn Kiếm") == "Đảng ủy phường Hoàn Kiếm"
    assert committee_of("Đảng bộ Thành phố Hà Nội") == "Thành ủy Hà Nội"
    assert committee_of("Đảng bộ tỉnh Bắc Ninh") == "Tỉnh ủy Bắc Ninh"
    assert committee_of("Đảng ủy Khối cơ quan") == "Đảng ủy Khối cơ quan"
