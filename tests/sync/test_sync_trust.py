"""Trust at the committee (issue 12): each attack tried with a branch's real key and the program's
own package code, against a committee with two branches. Every one is refused with nothing written
and a Vietnamese reason; genuine work (round trips, transfers, rotations) still goes through."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from sqlalchemy import select

from sync_sites import ACTOR, BRANCH_A, BRANCH_B, COMMITTEE, PASSWORD, checksum
from test_sync_roundtrip import add_members, member
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.sync.package import PackageRefused
from handbook_desktop.store.models import Member, MemberEvent, SyncPeerKey, Unit

BOOKKEEPING = ("audit_log", "sync_inbox", "sync_outbox", "setting")


def data_checksum(site) -> str:
    """Every table but the package bookkeeping: what 'nothing written' means for a refused package."""
    return checksum(site.path, skip=BOOKKEEPING)


def committee_record(site, table: str, uuid: str) -> dict:
    """A row of the committee as a travelling record (what an attacker would copy and edit)."""
    from handbook_desktop.services.sync.capture import UuidMaps, serialise
    from handbook_desktop.services.sync.tables import table_by_name

    item = table_by_name()[table]
    with site.database.read() as session:
        row = session.execute(select(item.table).where(item.table.c.uuid == uuid)).one()
        record = serialise(item, row, UuidMaps(session))
    record["b"] = record["v"]
    record["v"] += 1
    return record


def forge(sender, to: str, records: list[dict], *, sequence: int | None = None, keyring=None) -> bytes:
    """A package signed with the sender's real key, carrying whatever records it likes."""
    from handbook_desktop.services.sync.exchange import _seal, peer_or_refuse
    from handbook_desktop.store.models import SyncOutbox

    keyring = keyring or sender.keyring
    with sender.database.immediate() as session:
        peer = peer_or_refuse(session, to)
        last = session.scalars(select(SyncOutbox).where(SyncOutbox.peer_code == to, SyncOutbox.kind != "receipt")
                               .order_by(SyncOutbox.sequence.desc())).first()
        number = sequence if sequence is not None else (last.sequence if last else 0) + 1
        counts: dict[str, int] = {}
        for record in records:
            counts[record["t"]] = counts.get(record["t"], 0) + 1
        plain = "\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records).encode("utf-8")
        result = _seal(session, keyring, peer, "changes", number, last.manifest_hash if last else None, counts,
                       plain, "admin")
    return result.data


@pytest.fixture
def committee_with_b(branch_a, branch_b, committee):
    """CB-A and CB-B have each sent their members up; the committee transferred one into CB-B."""
    a = add_members(branch_a, ["Nguyễn Văn An"])
    b = add_members(branch_b, ["Nguyễn Thị B", "Trần Văn C", "Lê Thị D"])
    for site in (branch_a, branch_b):
        site.receive(committee.receive(site.send(COMMITTEE)).receipts[0].data)
    from handbook_desktop.services.sync.committee import transfer_member

    transfer_member(committee.database, ACTOR, b[2], BRANCH_A, date(2026, 10, 1), decision_number="15-QĐ/ĐU")
    return a, b


def test_a_branch_cannot_touch_another_branchs_members(branch_a, committee, committee_with_b):
    _a, b = committee_with_b
    renamed = committee_record(committee, "member", b[0])
    renamed["f"].update(full_name="Nguyễn Thị Bê", national_id="001199000001", phone="0900000000")
    deleted = committee_record(committee, "member", b[1])
    deleted["f"]["deleted_at"] = "2026-11-01T00:00:00+00:00"
    expelled = committee_record(committee, "member", b[1])
    expelled["f"]["status"] = "expelled"
    with committee.database.read() as session:
        unit_b = session.scalars(select(Unit).where(Unit.code == BRANCH_B)).one().uuid
        transfer_events = [event.uuid for event in session.scalars(select(MemberEvent).where(
            MemberEvent.kind.like("transfer_%")))]
    made_up = {"t": "member", "u": "5a1f0000-0000-4000-8000-000000000001", "v": 1, "b": None,
               "f": {"full_name": "Người Bịa Đặt", "unit_id": unit_b, "status": "official",
                     "party_card_number": "99999999", "origin_unit": BRANCH_A, "gender": "male",
                     "updated_at": "2026-11-01T00:00:00+00:00", "deleted_at": None}}
    moved = committee_record(committee, "member_event", transfer_events[0])
    moved["f"]["event_date"] = "2020-01-01"
    gone = committee_record(committee, "member_event", transfer_events[1])
    gone["f"]["deleted_at"] = "2026-11-01T00:00:00+00:00"
    attacks = {"đổi tên, CCCD, điện thoại": [renamed], "xóa": [deleted], "khai trừ": [expelled],
               "thêm đảng viên bịa vào CB-B": [made_up], "sửa sự kiện chuyển sinh hoạt": [moved],
               "xóa sự kiện chuyển sinh hoạt": [gone]}
    for name, records in attacks.items():
        data = forge(branch_a, COMMITTEE, records)
        before = data_checksum(committee)
        preview = committee.preview(data)
        assert preview.status == "refused", (name, preview.public())
        result = committee.receive(data)
        assert result.status == "refused", (name, result.public())
        assert data_checksum(committee) == before, name
        assert all(plan.outcome == "rejected" and "CB-A" in plan.reason for plan in result.plans), name
        receipt = branch_a.receive(result.receipts[0].data)
        assert receipt.receipt_summary["totals"]["rejected"] == len(records)
        assert [row["reason"] for row in receipt.receipt_summary["rejected"]] == [p.reason for p in result.plans]
    assert member(committee, b[0])["full_name"] == "Nguyễn Thị B"
    assert member(committee, b[1])["status"] == "official" and member(committee, b[1])["deleted_at"] is None
    # The preview names the row in Vietnamese: whose it is and who may not change it.
    data = forge(branch_a, COMMITTEE, [renamed])
    (plan,) = committee.preview(data).plans
    assert plan.reason == "Đảng viên Nguyễn Thị B (CB-B): chi bộ CB-A không được sửa"
    assert "Nguyễn Thị Bê" not in plan.reason


def test_one_outside_record_refuses_the_whole_package(branch_a, committee, committee_with_b):
    a, b = committee_with_b
    from test_sync_roundtrip import edit

    edit(branch_a, a[0], occupation="Giáo viên")
    own = [r for r in _captured(branch_a) if r["t"] == "member"]
    outside = committee_record(committee, "member", b[0])
    outside["f"]["phone"] = "0900000000"
    before = data_checksum(committee)
    result = committee.receive(forge(branch_a, COMMITTEE, own + [outside]))
    assert result.status == "refused" and len(result.plans) == 1
    assert data_checksum(committee) == before
    assert member(committee, a[0])["occupation"] != "Giáo viên"
    # The branch's own change was not acknowledged: its next genuine package carries it again.
    branch_a.receive(result.receipts[0].data)
    again = committee.receive(branch_a.send(COMMITTEE))
    assert again.status == "applied", again.public()
    assert member(committee, a[0])["occupation"] == "Giáo viên"


def _captured(site):
    from handbook_desktop.services.sync.capture import capture
    from handbook_desktop.store.models import SyncPeer

    with site.database.read() as session:
        peer = session.scalars(select(SyncPeer).where(SyncPeer.unit_code == COMMITTEE)).one()
        records, _states = capture(session, peer, full=False)
    return records


def test_a_refused_package_is_not_a_reason_to_send_other_branchs_data_down(branch_a, committee, committee_with_b):
    _a, b = committee_with_b
    mention = committee_record(committee, "member", b[0])
    mention["f"]["notes"] = "ghi chú"
    committee.receive(forge(branch_a, COMMITTEE, [mention]))
    down = branch_a.receive(committee.send(BRANCH_A))
    assert down.status == "applied"
    assert b[0] not in {plan.uuid for plan in down.plans}
    with branch_a.database.read() as session:
        assert session.scalars(select(Member).where(Member.uuid == b[0])).first() is None


def test_after_a_transfer_the_old_branch_hears_of_the_move_once_and_then_nothing(branch_a, branch_b, committee):
    from handbook_desktop.services.sync.committee import transfer_member
    from test_sync_roundtrip import edit

    (uuid,) = add_members(branch_a, ["Hoàng Văn Hải"])
    branch_a.receive(committee.receive(branch_a.send(COMMITTEE)).receipts[0].data)
    transfer_member(committee.database, ACTOR, uuid, BRANCH_B, date(2026, 10, 1))
    branch_b.receive(committee.receive(branch_b.send(COMMITTEE)).receipts[0].data)
    moved_b = branch_b.receive(committee.send(BRANCH_B))
    committee.receive(moved_b.receipts[0].data)
    moved_a = branch_a.receive(committee.send(BRANCH_A))
    assert uuid in {plan.uuid for plan in moved_a.plans}
    committee.receive(moved_a.receipts[0].data)
    edit(branch_b, uuid, phone="0987654321", permanent_address="Số 5 ngõ 7")
    committee.receive(branch_b.send(COMMITTEE))
    later = branch_a.receive(committee.send(BRANCH_A))
    assert uuid not in {plan.uuid for plan in later.plans}
    assert member(branch_a, uuid)["phone"] == "0912345678"
    # The old branch's copy is no longer its own: an edit to it stays home, its packages still go through.
    edit(branch_a, uuid, notes="ghi ở chi bộ cũ")
    up = committee.receive(branch_a.send(COMMITTEE))
    assert up.status == "applied" and uuid not in {plan.uuid for plan in up.plans}


# --- identities -----------------------------------------------------------------------------------


def forged_card(unit: dict) -> dict:
    """A self-signed card with fresh keys claiming whatever unit it likes."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from handbook_desktop.services.sync.keys import CARD_FORMAT, b64, canonical, fingerprint, key_id_of

    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    sign, box = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    sign_public, box_public = sign.public_key().public_bytes(*raw), box.public_key().public_bytes(*raw)
    body = {"format": CARD_FORMAT, "unit": unit, "key_id": key_id_of(sign_public), "sign_public": b64(sign_public),
            "box_public": b64(box_public), "fingerprint": fingerprint(sign_public, box_public),
            "created_at": "2026-11-01T00:00:00+00:00"}
    body["signature"] = b64(sign.sign(canonical(body)))
    return body


def _unit(site, code):
    with site.database.read() as session:
        unit = session.scalars(select(Unit).where(Unit.code == code)).one()
        return {"uuid": unit.uuid, "code": unit.code, "name": unit.name, "level": unit.level}


def test_cards_cannot_impersonate_or_make_a_loop(branch_a, committee, committee_with_b):
    from handbook_desktop.services.info import database_info
    from handbook_desktop.services.sync.keys import trust_card

    a_unit, home = _unit(committee, BRANCH_A), _unit(committee, COMMITTEE)
    cases = {
        "CB03 với mã định danh của CB-A": dict(a_unit, code="CB03", name="Chi bộ giả", parent_code=COMMITTEE),
        "CB03 với mã định danh của cấp ủy": dict(home, code="CB03", level="chi-bo", parent_code=COMMITTEE),
        "mã CB-A với khóa khác": dict(a_unit, parent_code=COMMITTEE),
        "mã CB-A, mã định danh khác": dict(a_unit, uuid="5a1f0000-0000-4000-8000-0000000000aa",
                                           parent_code=COMMITTEE),
        "mã của chính cấp ủy": dict(home, uuid="5a1f0000-0000-4000-8000-0000000000bb", parent_code="TU-HN"),
    }
    before = checksum(committee.path, skip=("audit_log",))
    for name, unit in cases.items():
        card = forged_card(unit)
        with pytest.raises(UserError) as refused:
            trust_card(committee.database, ACTOR, card, card["fingerprint"])
        assert "không tin cậy" in str(refused.value) or "vòng lặp" in str(refused.value), (name, str(refused.value))
    assert checksum(committee.path, skip=("audit_log",)) == before
    started = time.monotonic()
    info = database_info(committee.database)
    assert time.monotonic() - started < 30 and info is not None
    # A new branch goes where the committee puts it, whatever its card says.
    card = forged_card({"uuid": "5a1f0000-0000-4000-8000-0000000000cc", "code": "CB-C", "name": "Chi bộ 3",
                        "level": "chi-bo", "parent_code": BRANCH_A})
    assert trust_card(committee.database, ACTOR, card, card["fingerprint"])["relation"] == "child"
    with committee.database.read() as session:
        new = session.scalars(select(Unit).where(Unit.code == "CB-C")).one()
        assert session.get(Unit, new.parent_id).code == COMMITTEE


def test_a_unit_package_that_would_make_a_loop_is_refused(branch_a, committee):
    """A package from above may not make the tree a loop at the branch either."""
    down = committee_record(committee, "unit", _unit(committee, COMMITTEE)["uuid"])
    down["f"]["parent_id"] = _unit(branch_a, BRANCH_A)["uuid"]
    before = data_checksum(branch_a)
    with pytest.raises(PackageRefused, match="vòng lặp"):
        branch_a.receive(forge(committee, BRANCH_A, [down]))
    assert data_checksum(branch_a) == before


# --- keys -----------------------------------------------------------------------------------------


def _card(site, tmp_path, name):
    from handbook_desktop.services.sync.keys import read_identity_card, write_identity_card

    path = tmp_path / name
    write_identity_card(site.database, site.keyring, path)
    return read_identity_card(path)


def test_rotation_retires_the_old_key(branch_a, committee, tmp_path):
    from handbook_desktop.services.sync.keys import rotate_keys, trust_card, unlock

    add_members(branch_a, ["Nguyễn Văn An"])
    before_rotation = branch_a.send(COMMITTEE)
    old = branch_a.keyring
    rotate_keys(branch_a.database, ACTOR, PASSWORD)
    branch_a.keyring = unlock(branch_a.database, PASSWORD)
    card = _card(branch_a, tmp_path, "a2.card")
    assert trust_card(committee.database, ACTOR, card, card["fingerprint"])["how"] == "rotation"
    # Made before the rotation: still verifies. Made after it with the old key: refused.
    assert committee.receive(before_rotation).status == "applied"
    add_members(branch_a, ["Trần Thị Bình"])
    stolen = forge(branch_a, COMMITTEE, _captured(branch_a), keyring=old)
    before = data_checksum(committee)
    with pytest.raises(PackageRefused, match="khóa cũ"):
        committee.preview(stolen)
    assert data_checksum(committee) == before
    # The genuine next package, signed with the new key, goes through.
    from handbook_desktop.store.models import SyncOutbox

    with branch_a.database.session() as session:  # the forged one used number 2: forget it
        session.delete(session.scalars(select(SyncOutbox).where(SyncOutbox.sequence == 2)).one())
    assert committee.receive(branch_a.send(COMMITTEE)).status == "applied"


def test_revoke_and_re_enrol(branch_a, committee, tmp_path):
    from handbook_desktop.services.sync.keys import create_keys, trust_card, unlock
    from handbook_desktop.services.sync.trust import revoke
    from handbook_desktop.store.models import AuditLog, SyncKey

    add_members(branch_a, ["Nguyễn Văn An"])
    package = branch_a.send(COMMITTEE)
    revoke(committee.database, ACTOR, BRANCH_A)
    with pytest.raises(PackageRefused, match="thu hồi"):
        committee.receive(package)
    with committee.database.read() as session:
        assert session.scalars(select(AuditLog).where(AuditLog.action == "sync_revoke")).first() is not None
    # The branch lost its key: a fresh one, not signed by the old.
    with branch_a.database.session() as session:
        for row in session.scalars(select(SyncKey)):
            session.delete(row)
        session.flush()
        create_keys(session, PASSWORD)
    branch_a.keyring = unlock(branch_a.database, PASSWORD)
    card = _card(branch_a, tmp_path, "a-lost.card")
    with pytest.raises(UserError, match="không khớp"):
        trust_card(committee.database, ACTOR, card, "12345 67890", re_enrol=True)
    assert trust_card(committee.database, ACTOR, card, card["fingerprint"], re_enrol=True)["how"] == "re_enrol"
    with committee.database.read() as session:
        assert session.scalars(select(AuditLog).where(AuditLog.action == "sync_re_enrol")).first() is not None
    # The old key stays refused; the new one's first package starts the numbering again.
    with pytest.raises(PackageRefused, match="thu hồi"):
        committee.receive(package)
    result = committee.receive(branch_a.send(COMMITTEE))
    assert result.status == "applied", result.public()
    assert result.totals["new"] == 2


def test_a_new_key_without_the_old_ones_signature_is_not_accepted(branch_a, committee, tmp_path):
    from handbook_desktop.services.sync.keys import create_keys, trust_card, unlock
    from handbook_desktop.store.models import SyncKey

    with branch_a.database.session() as session:
        for row in session.scalars(select(SyncKey)):
            session.delete(row)
        session.flush()
        create_keys(session, PASSWORD)
    branch_a.keyring = unlock(branch_a.database, PASSWORD)
    card = _card(branch_a, tmp_path, "a-other.card")
    with pytest.raises(UserError, match="khóa cũ ký chuyển giao"):
        trust_card(committee.database, ACTOR, card, card["fingerprint"])


# --- bounded work, fingerprints -------------------------------------------------------------------


def test_a_huge_package_number_is_refused_at_once(branch_a, committee):
    add_members(branch_a, ["Nguyễn Văn An"])
    for number in (2 ** 62 - 1, 5000):
        data = forge(branch_a, COMMITTEE, _captured(branch_a), sequence=number)
        before = checksum(committee.path, skip=())
        started = time.monotonic()
        with pytest.raises(PackageRefused, match="không hợp lệ"):
            committee.preview(data)
        with pytest.raises(PackageRefused, match="không hợp lệ"):
            committee.receive(data)
        assert time.monotonic() - started < 20
        assert checksum(committee.path, skip=()) == before


def test_fingerprints_use_the_whole_digest_and_read_the_same_on_both_sides(branch_a, committee):
    import os

    from handbook_desktop.services.sync.keys import fingerprint
    from handbook_desktop.services.sync.status import sync_status

    groups = [fingerprint(os.urandom(32), os.urandom(32)).split() for _ in range(200)]
    for position in range(8):
        assert len({group[position] for group in groups}) > 150, position
    mine = sync_status(branch_a.database)["fingerprint"]
    (theirs,) = [p["fingerprint"] for p in sync_status(committee.database)["peers"] if p["unit_code"] == BRANCH_A]
    assert mine == theirs and not mine.endswith("00000")
    with committee.database.read() as session:
        stored = {key.fingerprint for key in session.scalars(select(SyncPeerKey))}
    assert mine in stored


def test_the_command_line_refuses_names_the_rows_and_revokes(branch_a, committee, committee_with_b, tmp_path):
    from test_sync_cli import run

    _a, b = committee_with_b
    outside = committee_record(committee, "member", b[0])
    outside["f"]["phone"] = "0900000000"
    path = tmp_path / "goi.hbsync"
    path.write_bytes(forge(branch_a, COMMITTEE, [outside]))
    committee.database.close()
    before = checksum(committee.path, skip=BOOKKEEPING)
    done = run("--db", str(committee.path), "sync", "import", str(path), "--receipt-dir", str(tmp_path))
    assert done.returncode == 1, done.stdout
    assert "bị từ chối toàn bộ" in done.stderr
    assert "Đảng viên Nguyễn Thị B (CB-B): chi bộ CB-A không được sửa" in done.stderr
    assert list(tmp_path.glob("*bien-nhan*.hbsync"))
    assert checksum(committee.path, skip=BOOKKEEPING) == before
    done = run("--db", str(committee.path), "sync", "revoke", BRANCH_A, "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["revoked"]) == 1
    from handbook_desktop.services.sync.status import sync_status
    from handbook_desktop.store.database import Database

    with Database.open(committee.path) as database:
        (peer,) = [p for p in sync_status(database)["peers"] if p["unit_code"] == BRANCH_A]
        assert peer["fingerprint"] is None and peer["keys"][0]["revoked_at"] is not None


def test_a_branch_cannot_lift_the_committees_decisions_and_is_not_blocked_by_trying(branch_a, committee):
    """Lifting an expulsion is refused field by field (the committee's value travels back); an edit
    to an event the committee issued stays at the branch: neither blocks the branch's packages."""
    from test_sync_roundtrip import edit

    (uuid,) = add_members(branch_a, ["Nguyễn Văn An"])
    branch_a.receive(committee.receive(branch_a.send(COMMITTEE)).receipts[0].data)
    edit(committee, uuid, status="expelled")
    with committee.database.session() as session:
        row = session.scalars(select(Member).where(Member.uuid == uuid)).one()
        session.add(MemberEvent(member_id=row.id, kind="expelled", event_date=date(2026, 10, 1),
                                decision_number="20-QĐ/ĐU", origin_unit=COMMITTEE))
    down = branch_a.receive(committee.send(BRANCH_A))
    committee.receive(down.receipts[0].data)
    assert member(branch_a, uuid)["status"] == "expelled"
    edit(branch_a, uuid, status="official", occupation="Kỹ sư")
    with branch_a.database.session() as session:
        event = session.scalars(select(MemberEvent).where(MemberEvent.kind == "expelled")).one()
        event.note = "sửa ở chi bộ"
    up = committee.receive(branch_a.send(COMMITTEE))
    assert up.status == "applied", up.public()
    (plan,) = [p for p in up.plans if p.uuid == uuid]
    assert "Tình trạng" in plan.reason and ("occupation", None, "Kỹ sư") in plan.changes
    assert {p.table for p in up.plans} == {"member"}  # the committee's event was not sent back up
    assert member(committee, uuid)["status"] == "expelled"


def test_a_change_that_breaks_a_unique_rule_is_refused_not_a_crash(branch_a, committee):
    """Found by the property test: an attendance moved onto a member already on the roll of the same
    meeting made the apply fail with an IntegrityError; now that record is refused with a reason."""
    from scope_forge import meeting as _meeting

    uuids = add_members(branch_a, ["Nguyễn Văn An", "Trần Thị Bình"])
    _meeting(branch_a, uuids)
    branch_a.receive(committee.receive(branch_a.send(COMMITTEE)).receipts[0].data)
    from handbook_desktop.store.models.meetings import MeetingAttendance

    with committee.database.read() as session:
        second = session.scalars(select(MeetingAttendance).order_by(MeetingAttendance.id.desc())).first().uuid
    moved = committee_record(committee, "attendance", second)
    moved["f"]["member_id"] = uuids[0]
    result = committee.receive(forge(branch_a, COMMITTEE, [moved]))
    assert result.status == "applied"
    (plan,) = result.plans
    assert plan.outcome == "rejected" and plan.reason.startswith("Trùng với một bản ghi đã có")
    with committee.database.read() as session:
        row = session.scalars(select(MeetingAttendance).where(MeetingAttendance.uuid == second)).one()
        assert session.get(Member, row.member_id).uuid == uuids[1]
