"""The import writes the dry run's plan when nothing it was made from has changed, and plans again
inside its transaction when something has (issue 18 §3): the database (another window, a sync
package), the file, or the choices."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from handbook_desktop.services.excel import importer
from handbook_desktop.services.excel.importer import apply_import, plan_import
from handbook_desktop.services.members import MemberFilter, count_members, create_member, fetch_page

TODAY = date(2026, 11, 15)


def _sheet(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức"])
    for number, (name, born) in enumerate(rows, start=1):
        sheet.append([number, name, born, "01/01/2005", "01/01/2006"])
    workbook.save(path)
    return path


@pytest.fixture
def sheet(tmp_path):
    return _sheet(tmp_path / "ds.xlsx", [("Nguyễn Văn An", "01/02/1980"), ("Trần Thị Bình", "03/04/1981")])


@pytest.fixture
def plans(monkeypatch):
    """How many times rows were planned."""
    made = []
    real = importer._plan_import

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "_plan_import", counting)
    return made


def test_the_import_writes_the_dry_runs_plan_without_planning_again(db, secretary, sheet, plans):
    with db.read() as session:
        preview = plan_import(session, sheet, today=TODAY)
    done = apply_import(db, secretary, sheet, today=TODAY)
    assert done is preview and done.applied and len(plans) == 1
    with db.read() as session:
        assert count_members(session, MemberFilter(on=TODAY)) == 2
    again = apply_import(db, secretary, sheet, today=TODAY)  # an applied plan is never written twice
    assert again is not preview and len(plans) == 2 and again.counts()["created"] == 0


def test_a_member_added_since_the_dry_run_makes_the_import_plan_again(db, secretary, sheet, plans):
    with db.read() as session:
        preview = plan_import(session, sheet, today=TODAY)
    assert preview.counts()["created"] == 2
    with db.session() as session:  # another window adds one of the sheet's members meanwhile
        create_member(session, secretary, {"full_name": "Nguyễn Văn An", "date_of_birth": date(1980, 2, 1),
                                           "decision_date": date(2005, 1, 1), "ceremony_date": date(2005, 1, 1),
                                           "official_date": date(2006, 1, 1)}, today=TODAY)
    done = apply_import(db, secretary, sheet, today=TODAY, plan=preview)
    assert done is not preview and len(plans) == 2
    assert done.counts()["created"] == 1 and done.counts()["unchanged"] == 1
    with db.read() as session:
        names = [r["full_name"] for r in fetch_page(session, MemberFilter(on=TODAY), 0, 10)]
    assert sorted(names) == ["Nguyễn Văn An", "Trần Thị Bình"]  # no second copy


def test_an_edited_member_since_the_dry_run_makes_the_import_plan_again(db, secretary, sheet, plans):
    from handbook_desktop.services.members import update_member

    with db.session() as session:
        member, _ = create_member(session, secretary, {"full_name": "Trần Thị Bình", "date_of_birth": date(1981, 4, 3),
                                                    "decision_date": date(2005, 1, 1)}, today=TODAY)
        uuid = member.uuid
    with db.read() as session:
        preview = plan_import(session, sheet, today=TODAY)
    assert {row.full_name: row.action for row in preview.rows}["Trần Thị Bình"] == "update"
    with db.session() as session:  # the official date typed in meanwhile: the row now changes nothing
        update_member(session, secretary, uuid, {"official_date": date(2006, 1, 1), "ceremony_date": date(2005, 1, 1)},
                      today=TODAY)
    done = apply_import(db, secretary, sheet, today=TODAY)
    assert done is not preview and len(plans) == 2
    assert {row.full_name: row.action for row in done.rows}["Trần Thị Bình"] == "unchanged"


def test_a_changed_file_or_other_choices_make_the_import_plan_again(db, secretary, sheet, plans, tmp_path):
    with db.read() as session:
        preview = plan_import(session, sheet, today=TODAY)
    _sheet(sheet, [("Nguyễn Văn An", "01/02/1980"), ("Trần Thị Bình", "03/04/1981"), ("Lê Văn Cường", "05/06/1982")])
    done = apply_import(db, secretary, sheet, today=TODAY, plan=preview)
    assert done is not preview and done.counts()["created"] == 3 and len(plans) == 2
    with db.read() as session:
        preview = plan_import(session, sheet, today=TODAY)
    done = apply_import(db, secretary, sheet, today=date(2026, 11, 16), plan=preview)  # another day
    assert done is not preview and len(plans) == 4


def test_the_reused_plan_is_still_all_or_nothing(db, secretary, sheet, plans, monkeypatch):
    with db.read() as session:
        preview = plan_import(session, sheet, today=TODAY)
    real = importer.create_rows

    def failing(session, actor, rows):
        real(session, actor, rows)
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "create_rows", failing)
    with pytest.raises(RuntimeError):
        apply_import(db, secretary, sheet, today=TODAY, plan=preview)
    with db.read() as session:
        assert count_members(session, MemberFilter(on=TODAY)) == 0
    monkeypatch.setattr(importer, "create_rows", real)
    done = apply_import(db, secretary, sheet, today=TODAY, plan=preview)  # nothing changed: the same plan
    assert done is preview and len(plans) == 1
    with db.read() as session:
        assert count_members(session, MemberFilter(on=TODAY)) == 2


def test_an_imported_sheet_is_in_the_search_index_and_the_index_keeps_its_trigger(db, secretary, sheet):
    """The import indexes its new members in one statement (store.search_index.bulk_insert) and
    puts the insert trigger back: a member added afterwards is indexed as before."""
    from sqlalchemy import text

    from handbook_desktop.store import search_index

    def indexed(word):
        with db.read() as session:
            return set(session.scalars(text(f"SELECT rowid FROM {search_index.FTS} WHERE {search_index.FTS} MATCH :q"),
                                       {"q": f'"{word}"'}))

    def triggers():
        with db.read() as session:
            return set(session.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='member'")))

    before = triggers()
    assert f"{search_index.FTS}_ai" in before
    apply_import(db, secretary, sheet, today=TODAY)
    assert triggers() == before
    assert len(indexed("nguyen van an")) == 1 and len(indexed("binh")) == 1
    with db.read() as session:
        assert [r["full_name"] for r in fetch_page(session, MemberFilter(search="tran thi", on=TODAY), 0, 5)] == \
            ["Trần Thị Bình"]
    with db.session() as session:
        create_member(session, secretary, {"full_name": "Phạm Văn Cường", "date_of_birth": date(1970, 1, 1)},
                      today=TODAY)
    assert len(indexed("cuong")) == 1
    with db.immediate() as session:  # the index agrees with its content table
        session.execute(text(f"INSERT INTO {search_index.FTS}({search_index.FTS}) VALUES ('integrity-check')"))


def test_a_register_larger_than_the_sheet_is_matched_through_its_keys_as_if_read_whole(db, secretary, tmp_path,
                                                                                        monkeypatch):
    """A committee's register bigger than the sheet's keys is read by one query per key kind
    (cards, CCCDs, folded names); every row is decided as with the whole register read."""
    from sqlalchemy import select

    from handbook_desktop.services.excel import matching
    from handbook_desktop.services.members import delete_member
    from handbook_desktop.store.models import Member

    with db.session() as session:
        for number in range(40):  # the rest of the register, sharing no key with the sheet
            create_member(session, secretary, {"full_name": f"Hồ Văn Khác {number}", "date_of_birth": date(1960, 1, 1)},
                          today=TODAY)
        create_member(session, secretary, {"full_name": "Nguyễn Văn An", "date_of_birth": date(1980, 2, 1),
                                           "party_card_number": "01.000001"}, today=TODAY)
        create_member(session, secretary, {"full_name": "Lê Thị Cúc", "national_id": "001180000001"}, today=TODAY)
        for _ in range(2):  # two people of one name and no dates: asked
            create_member(session, secretary, {"full_name": "Phan Văn Đông"}, allow_duplicates=True, today=TODAY)
        gone, _ = create_member(session, secretary, {"full_name": "Trần Văn Ê", "date_of_birth": date(1970, 3, 3)},
                                today=TODAY)
        gone_uuid = gone.uuid
    with db.session() as session:
        delete_member(session, secretary, gone_uuid)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Số CCCD"])
    sheet.append([1, "Nguyễn Văn An", "01/02/1980", "01.000001", None])  # by card
    sheet.append([2, "Lê Thị Cúc", None, None, "001180000001"])  # by CCCD
    sheet.append([3, "Phan Văn Đông", None, None, None])  # two records fit: asked
    sheet.append([4, "Trần Văn Ê", "03/03/1970", None, None])  # in the trash
    sheet.append([5, "Đỗ Văn Mới", "04/04/1984", "01.000001", None])  # the card of row 2 again
    path = tmp_path / "ds.xlsx"
    workbook.save(path)
    with db.read() as session:
        assert session.scalar(select(Member.id).order_by(Member.id.desc()).limit(1)) > 12
        keyed = plan_import(session, path, today=TODAY)
    monkeypatch.setattr(matching, "_CHUNK", 2)  # many chunks: the same answer
    with db.read() as session:
        chunked = plan_import(session, path, today=TODAY)
    monkeypatch.setattr(matching.MemberIndex, "__init__", _whole_register(matching.MemberIndex.__init__))
    with db.read() as session:
        whole = plan_import(session, path, today=TODAY)
    assert keyed.to_json() == whole.to_json() == chunked.to_json()
    actions = [row.action for row in whole.rows]
    assert actions == ["unchanged", "unchanged", "ask", "rejected", "rejected"], [r.message for r in whole.rows]
    assert len(whole.rows[2].candidates) == 2
    assert "Thùng rác" in whole.rows[3].message and "Trùng với dòng 2" in whole.rows[4].message


def _whole_register(init):
    def whole(self, session, keys=None):
        init(self, session)  # no keys: the whole register
    return whole
