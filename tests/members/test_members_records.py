"""Member records through the services: validation, duplicates, trash, history, search, order."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import select

from handbook_desktop.services import audit
from handbook_desktop.services.errors import PermissionDenied
from handbook_desktop.services.members import (
    DuplicateMember, MemberFilter, MemberInvalid, count_members, create_member, delete_member, fetch_page,
    get_member, member_detail, member_history, restore_member, update_member,
)
from handbook_desktop.store.models import AuditLog

TODAY = date(2026, 11, 15)

BASE = {
    "full_name": "Nguyễn Văn Đức", "gender": "male", "date_of_birth": date(1980, 5, 3),
    "decision_date": date(2005, 2, 1), "ceremony_date": date(2005, 3, 1), "official_date": date(2006, 3, 1),
    "national_id": "001080012345", "party_card_number": "01.234567", "record_number": "123456HN",
    "phone": "0912345678", "status": "official",
}


def _create(db, actor, values, **kw):
    with db.session() as session:
        member, warnings = create_member(session, actor, values, today=TODAY, **kw)
        return member.uuid, [w.message for w in warnings]


def _blocking_fields(db, actor, values) -> set[str]:
    with pytest.raises(MemberInvalid) as caught:
        _create(db, actor, values)
    return {issue.field for issue in caught.value.issues if issue.blocking}


def test_a_complete_record_is_stored_with_its_audit_entries(db, secretary):
    uuid, warnings = _create(db, secretary, BASE)
    assert warnings == []
    with db.read() as session:
        member = get_member(session, uuid)
        assert member.name_fold == "nguyen van duc"
        assert member.national_id == "001080012345"
        entries = session.scalars(select(AuditLog).where(AuditLog.entity_uuid == uuid)).all()
    # One line for the new record, every field set inside it (issue 18 §3: not one line per field).
    (line,) = entries
    assert line.action == "create" and line.field is None
    changes = {field: (old, new) for field, old, new in audit.read_changes(line)}
    assert changes["full_name"] == (None, "Nguyễn Văn Đức")
    assert changes["national_id"] == (None, "0010******45")  # never in clear in the log
    assert "001080012345" not in line.changes
    assert all(e.username == "admin" for e in entries)


def test_a_change_of_several_fields_is_one_audit_line_with_the_fields_inside(db, secretary):
    uuid, _ = _create(db, secretary, BASE)
    with db.session() as session:
        _, _, changed = update_member(session, secretary, uuid, {"occupation": "Kỹ sư", "phone": "0987654321",
                                                                 "notes": "đã sửa"})
    assert changed == 3
    with db.read() as session:
        lines = session.scalars(select(AuditLog).where(AuditLog.entity_uuid == uuid, AuditLog.action == "update")).all()
        (line,) = lines
        changes = {field: (old, new) for field, old, new in audit.read_changes(line)}
        history = member_history(session, uuid)
    assert set(changes) == {"occupation", "phone", "notes"}
    assert changes["phone"] == ("0912****78", "0987****21")
    # The record's history still shows a row per field, with its label.
    shown = {row["field_label"]: row["new"] for row in history if row["action"] == "update"}
    assert shown["Nghề nghiệp"] == "Kỹ sư" and shown["Ghi chú"] == "đã sửa"


@pytest.mark.parametrize("change, field", [
    ({"official_date": date(2005, 2, 20)}, "official_date"),  # official before the ceremony
    ({"date_of_birth": date(2006, 1, 1)}, "date_of_birth"),  # birth after admission
    ({"date_of_birth": date(1990, 1, 1)}, "decision_date"),  # 15 at admission: under the rule's 18
    ({"national_id": "12345678901"}, "national_id"),  # 11 digits
    ({"national_id": "00108001234A"}, "national_id"),
    ({"ceremony_date": date(2005, 1, 1)}, "ceremony_date"),  # ceremony before the decision
    ({"date_of_birth": date(2030, 1, 1)}, "date_of_birth"),  # in the future
    ({"full_name": "   "}, "full_name"),
])
def test_impossible_data_is_refused_and_nothing_is_written(db, secretary, change, field):
    assert field in _blocking_fields(db, secretary, {**BASE, **change})
    with db.read() as session:
        assert count_members(session, MemberFilter(on=TODAY)) == 0


def test_the_age_minimum_comes_from_the_rule_table(db, secretary):
    from handbook_desktop.services.rules import rule_book

    decision = date(2020, 2, 1)
    with db.read() as session:
        minimum = rule_book(session).value("admission.age_min_years", decision)
    dates = {"decision_date": decision, "ceremony_date": date(2020, 3, 1), "official_date": date(2021, 3, 1),
             "national_id": None, "party_card_number": None}
    born = date(2020 - minimum, 2, 1)  # exactly the minimum age on the decision date: allowed
    _create(db, secretary, {**BASE, **dates, "date_of_birth": born})
    too_young = date(2020 - minimum, 2, 2)
    assert "decision_date" in _blocking_fields(
        db, secretary, {**BASE, **dates, "full_name": "Lê Thị Hoa", "date_of_birth": too_young})


def test_odd_formats_are_warned_not_blocked(db, secretary):
    uuid, warnings = _create(db, secretary, {**BASE, "party_card_number": "1234567", "record_number": "12-AB",
                                             "phone": "912345678"})
    assert any("Số thẻ đảng viên '1234567'" in w for w in warnings)
    assert any("Số lý lịch" in w for w in warnings)
    assert any("Excel có thể đã bỏ số 0" in w for w in warnings)
    with db.read() as session:
        assert get_member(session, uuid).party_card_number == "1234567"


@pytest.mark.parametrize("other, reason", [
    ({"full_name": "Trần Văn Bình", "national_id": "001080012345", "party_card_number": None}, "cùng số CCCD"),
    ({"full_name": "Trần Văn Bình", "national_id": None, "party_card_number": "01.234567"}, "cùng số thẻ"),
    ({"full_name": "nguyễn văn đức", "national_id": None, "party_card_number": None}, "cùng họ tên và ngày sinh"),
])
def test_duplicates_are_warned_and_can_be_confirmed(db, secretary, other, reason):
    _create(db, secretary, BASE)
    with pytest.raises(DuplicateMember) as caught:
        _create(db, secretary, {**BASE, **other})
    assert reason in str(caught.value)
    assert "001080012345" not in str(caught.value)  # masked in messages
    _create(db, secretary, {**BASE, **other}, allow_duplicates=True)
    with db.read() as session:
        assert count_members(session, MemberFilter(on=TODAY)) == 2


def test_update_writes_old_and_new_per_field_and_history_shows_them(db, secretary):
    uuid, _ = _create(db, secretary, BASE)
    with db.session() as session:
        _, _, changed = update_member(session, secretary, uuid, {"hometown": "Nam Định", "status": "exempt",
                                                                 "official_date": date(2006, 3, 2)}, today=TODAY)
    assert changed == 3
    with db.read() as session:
        history = member_history(session, uuid)
    latest: dict = {}
    for entry in history:  # newest first
        if entry["action"] == "update":
            latest.setdefault(entry["field"], entry)
    assert latest["status"]["old"] == "Đảng viên chính thức" and latest["status"]["new"] == "Miễn công tác và sinh hoạt"
    assert latest["official_date"]["old"] == "01/03/2006" and latest["official_date"]["new"] == "02/03/2006"
    assert latest["hometown"]["new"] == "Nam Định"


def test_update_refuses_a_stale_version(db, secretary):
    from handbook_desktop.services.errors import UserError

    uuid, _ = _create(db, secretary, BASE)
    with db.session() as session:
        update_member(session, secretary, uuid, {"hometown": "Huế"}, today=TODAY)
    with pytest.raises(UserError), db.session() as session:
        update_member(session, secretary, uuid, {"hometown": "Vinh"}, expected_version=1, today=TODAY)


def test_soft_delete_hides_and_restore_brings_back(db, secretary):
    uuid, _ = _create(db, secretary, BASE)
    with db.session() as session:
        delete_member(session, secretary, uuid)
    with db.read() as session:
        assert count_members(session, MemberFilter(on=TODAY)) == 0
        assert [r["uuid"] for r in fetch_page(session, MemberFilter(deleted=True, on=TODAY), 0, 10)] == [uuid]
    with db.session() as session:
        restore_member(session, secretary, uuid)
    with db.read() as session:
        assert count_members(session, MemberFilter(on=TODAY)) == 1
        actions = [h["action"] for h in member_history(session, uuid)]
    assert actions[:2] == ["restore", "delete"]


def test_a_viewer_cannot_change_anything(db, secretary, viewer):
    uuid, _ = _create(db, secretary, BASE)
    with pytest.raises(PermissionDenied):
        _create(db, viewer, {**BASE, "full_name": "Lê Văn Tám"})
    with pytest.raises(PermissionDenied), db.session() as session:
        delete_member(session, viewer, uuid)


def test_member_detail_has_the_record_and_its_events(demo_db):
    with demo_db.read() as session:
        rows = fetch_page(session, MemberFilter(statuses=("official",), on=TODAY), 0, 1)
        member = get_member(session, rows[0]["uuid"])
        detail = member_detail(session, member)
    assert detail["uuid"] == member.uuid and detail["status"] == "official"
    assert {e["kind"] for e in detail["events"]} >= {"admitted", "official"}
    assert detail["unit_code"] == "CB-DEMO"


@pytest.mark.parametrize("query", ["nguyen van duc", "Nguyen Van Duc", "duc", "Đức", "NGUYỄN VĂN ĐỨC", "van  duc"])
def test_search_ignores_case_and_diacritics(db, secretary, query):
    target, _ = _create(db, secretary, BASE)
    _create(db, secretary, {"full_name": "Trần Thị Hoa", "date_of_birth": date(1970, 1, 1), "status": "candidate"})
    with db.read() as session:
        found = [r["uuid"] for r in fetch_page(session, MemberFilter(search=query, on=TODAY), 0, 50)]
    assert found == [target]


@pytest.mark.parametrize("query, hit", [
    ("01.234567", True), ("01234567", True), ("01.23", True), ("001080012345", True), ("0010800123", False),
    ("0912345678", True), ("0912 345", True), ("0999", False), ("+84 912 345", True), ("0123", True),
    ("2345678", False), ("duc 0912", True), ("hoa 0912", False), ("4567", False),
])
def test_search_by_card_full_cccd_and_phone(db, secretary, query, hit):
    target, _ = _create(db, secretary, BASE)
    with db.read() as session:
        found = [r["uuid"] for r in fetch_page(session, MemberFilter(search=query, on=TODAY), 0, 50)]
    assert found == ([target] if hit else [])


def test_search_follows_an_edited_phone_and_card(db, secretary):
    target, _ = _create(db, secretary, BASE)
    with db.session() as session:
        update_member(session, secretary, target, {"phone": "0388 111 222", "party_card_number": "07.654321"})
    with db.read() as session:
        def found(query):
            return [r["uuid"] for r in fetch_page(session, MemberFilter(search=query, on=TODAY), 0, 50)]
        assert found("0388111") == [target] and found("07.65") == [target]
        assert found("0912") == [] and found("01.23") == []


# Given name first, then middle, then family; Vietnamese letters (a < ă < â, d < đ, u < ư …) before tones.
VIETNAMESE_ORDER = [
    "Đặng Văn An", "Bùi Thị Anh", "Nguyễn Thị Anh", "Trần Văn Anh", "Lê Thị Ánh", "Phạm Thị Ân",
    "Hoàng Văn Bình", "Vũ Văn Dũng", "Ngô Văn Dương", "Lê Văn Đạt", "Trần Văn Đức", "Nguyễn Thị Hà",
    "Nguyễn Thị Hạnh", "Đỗ Văn Hùng", "Nguyễn Văn Hưng", "Phan Thị Lan", "Mai Văn Long", "Dương Văn Nam",
    "Đào Văn Nam", "Lê Thị Oanh", "Phạm Văn Tú", "Lê Văn Tư", "Trần Thị Uyên", "Đinh Văn Ước", "Nguyễn Thị Yến",
]


def test_the_list_is_in_vietnamese_order(db, secretary):
    import random

    names = VIETNAMESE_ORDER[:]
    random.Random(3).shuffle(names)
    for index, name in enumerate(names):
        # Some names arrive decomposed (NFD), as from a Mac or an old Word file.
        written = unicodedata.normalize("NFD", name) if index % 3 == 0 else name
        _create(db, secretary, {"full_name": written, "date_of_birth": date(1960, 1, 1 + index),
                                "status": "candidate"})
    with db.read() as session:
        listed = [r["full_name"] for r in fetch_page(session, MemberFilter(on=TODAY), 0, 100)]
    assert listed == VIETNAMESE_ORDER


def test_filters_by_status_position_gender_and_age(demo_db):
    with demo_db.read() as session:
        everyone = fetch_page(session, MemberFilter(on=TODAY), 0, 1000)
        women_over_75 = fetch_page(session, MemberFilter(gender="female", age_min=76, on=TODAY), 0, 1000)
        probationary = fetch_page(session, MemberFilter(statuses=("probationary",), on=TODAY), 0, 1000)
        secretaries = fetch_page(session, MemberFilter(positions=("secretary",), on=TODAY), 0, 1000)
    from handbook_desktop.domain.dates import age_on

    expected = [r["uuid"] for r in everyone if r["gender"] == "female" and age_on(r["date_of_birth"], TODAY) >= 76]
    assert [r["uuid"] for r in women_over_75] == expected and expected
    assert probationary and all(r["status"] == "probationary" for r in probationary)
    assert len(secretaries) == 1


@pytest.mark.parametrize("chain", [
    ["n", "ng", "nguyen", "nguyen v", "nguyen van", "nguyen van a"],
    ["t", "tr", "tra", "tran t", "tran th", "tran thi h"],
    ["h", "ha", "han", "hanh"],
])
def test_narrowing_within_few_matches_finds_what_a_full_search_finds(demo_db, chain):
    """The list looks only among the previous matches once they fit in a page; that must give
    exactly the members the full search gives, at every keystroke of the chain."""
    from handbook_desktop.services.members import first_page, narrows
    from handbook_desktop.services.members.query import too_short

    previous, previous_filter, narrowed_steps = None, None, 0
    with demo_db.read() as session:
        for typed in chain:
            flt = MemberFilter(search=typed, on=TODAY, statuses=("official", "probationary"))
            full = first_page(session, flt, 100)
            within = previous.ids if previous is not None and previous.total <= 100 else None
            if within is not None:
                assert narrows(previous_filter, flt)
                narrowed = first_page(session, flt, 100, within=within)
                assert narrowed.ids == full.ids and narrowed.total == full.total
                narrowed_steps += 1
            # one or two letters do not search (issue 18 §4): the list is the unfiltered one
            assert full.short == too_short(typed)
            assert full.total == count_members(session, flt.with_search("") if full.short else flt)
            previous, previous_filter = full, flt
    assert narrowed_steps >= (2 if len(chain) > 4 else 1)  # the chain did reach the narrowing


def test_what_narrows_and_what_does_not():
    from handbook_desktop.services.members import narrows

    def f(text, **kw):
        return MemberFilter(search=text, on=TODAY, **kw)

    assert narrows(f("ng"), f("ngu")) and narrows(f("tran"), f("tran v")) and narrows(f("Trần"), f("tran van"))
    assert not narrows(f("ngu"), f("ng"))  # a backspace widens
    assert not narrows(f(""), f("a"))
    assert not narrows(f("tran"), f("tran", gender="female"))  # another filter: asked afresh
    assert not narrows(f("an 0912"), f("an 09123"))  # numbers: a whole CCCD finds what a part did not
