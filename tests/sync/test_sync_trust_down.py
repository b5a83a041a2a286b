"""Trust seen from the branch (issue 12): what a package from the committee may touch, revoking the
committee's key at the branch, and repairing the loops and false cards older versions let in.

The attacks use the committee's real key and the program's own package code (``forge``)."""

from __future__ import annotations

import json
import sqlite3
import uuid as _uuid

import pytest
from sqlalchemy import select

from sync_sites import ACTOR, BRANCH_A, BRANCH_B, COMMITTEE, checksum
from test_sync_roundtrip import add_members, member
from test_sync_trust import committee_record, data_checksum, forge
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.sync.package import PackageRefused
from handbook_desktop.store.models import AuditLog, Member, MemberEvent, Unit
from handbook_desktop.store import datakey  # noqa: E402  (keyed when encrypted)


@pytest.fixture
def both_sent(branch_a, branch_b, committee):
    """Both branches' members at the committee; CB-A has had one package down (it knows TU-HN)."""
    a = add_members(branch_a, ["Nguyễn Văn An"])
    b = add_members(branch_b, ["Nguyễn Thị B", "Trần Văn C"])
    for site in (branch_a, branch_b):
        site.receive(committee.receive(site.send(COMMITTEE)).receipts[0].data)
    down = branch_a.receive(committee.send(BRANCH_A, full=True))
    committee.receive(down.receipts[0].data)
    return a, b


def _uuid_of(site, code):
    with site.database.read() as session:
        return session.scalars(select(Unit.uuid).where(Unit.code == code)).one()


def test_another_branchs_records_sent_down_are_not_kept(branch_a, committee, both_sent):
    a, b = both_sent
    other = committee_record(committee, "member", b[0])  # CB-B's member, in full
    with committee.database.read() as session:
        event = session.scalars(select(MemberEvent).join(Member).where(Member.uuid == b[0])).first().uuid
    history = committee_record(committee, "member_event", event)
    made_up = {"t": "member", "u": str(_uuid.uuid4()), "v": 1, "b": None,
               "f": {"full_name": "Người Lạ", "unit_id": _uuid_of(committee, BRANCH_B), "status": "official",
                     "origin_unit": COMMITTEE, "gender": "male", "national_id": "001199000009",
                     "updated_at": "2026-11-01T00:00:00+00:00", "deleted_at": None}}
    unit_b = committee_record(committee, "unit", _uuid_of(committee, BRANCH_B))
    own = committee_record(committee, "member", a[0])
    own["f"]["party_card_number"] = "01.111222"  # a decision about CB-A's own member: taken
    result = branch_a.receive(forge(committee, BRANCH_A, [unit_b, other, history, made_up, own]))
    assert result.status == "applied", result.public()
    outcomes = {plan.uuid: (plan.outcome, plan.reason) for plan in result.plans}
    for uuid in (b[0], made_up["u"]):
        assert outcomes[uuid][0] == "rejected" and "không thuộc CB-A" in outcomes[uuid][1], outcomes[uuid]
    assert outcomes[event][0] == "rejected"  # hangs on a member not kept here
    assert outcomes[own["u"]][0] == "changed"
    with branch_a.database.read() as session:
        assert session.scalars(select(Member).where(Member.uuid.in_([b[0], made_up["u"]]))).first() is None
        assert session.scalars(select(MemberEvent).where(MemberEvent.uuid == event)).first() is None
    assert member(branch_a, a[0])["party_card_number"] == "01.111222"
    receipt = committee.receive(result.receipts[0].data)
    assert receipt.receipt_summary["totals"]["rejected"] == 3


def test_outside_the_committees_own_scope_is_refused_whole(branch_a, committee, both_sent):
    a, _b = both_sent
    city = _uuid_of(branch_a, "TU-HN")
    stranger = {"t": "unit", "u": str(_uuid.uuid4()), "v": 1, "b": None,
                "f": {"code": "DU-KHAC", "name": "Đảng ủy khác", "level": "dang-uy-co-so", "parent_id": city,
                      "origin_unit": COMMITTEE, "updated_at": "2026-11-01T00:00:00+00:00", "deleted_at": None}}
    stranger_member = {"t": "member", "u": str(_uuid.uuid4()), "v": 1, "b": None,
                       "f": {"full_name": "Người Ngoài", "unit_id": stranger["u"], "status": "official",
                             "origin_unit": COMMITTEE, "gender": "male",
                             "updated_at": "2026-11-01T00:00:00+00:00", "deleted_at": None}}
    moved_out = committee_record(committee, "unit", _uuid_of(committee, BRANCH_A))
    moved_out["f"]["parent_id"] = city  # CB-A taken out from under the committee
    moved_member = committee_record(committee, "member", a[0])
    moved_member["f"]["unit_id"] = stranger["u"]
    renamed = committee_record(committee, "unit", _uuid_of(committee, BRANCH_A))
    renamed["f"]["code"] = "CB-A-MOI"  # packages and cards name the branch by its code
    attacks = {"đổi mã của CB-A": [renamed], "đơn vị ngoài phạm vi": [stranger], "đảng viên ở đơn vị ngoài phạm vi": [stranger, stranger_member],
               "chuyển CB-A ra khỏi cấp ủy": [moved_out], "chuyển đảng viên ra ngoài": [stranger, moved_member]}
    for name, records in attacks.items():
        data = forge(committee, BRANCH_A, records)
        before = data_checksum(branch_a)
        preview = branch_a.preview(data)
        assert preview.status == "refused", (name, preview.public())
        result = branch_a.receive(data)
        assert result.status == "refused", (name, result.public())
        assert data_checksum(branch_a) == before, name
        assert any(f"cấp ủy {COMMITTEE}" in plan.reason for plan in result.plans), (name, result.public())
        receipt = committee.receive(result.receipts[0].data)  # the committee learns each row and why
        assert receipt.receipt_summary["totals"]["rejected"] == len(records), name
        named = {row["uuid"]: row["reason"] for row in receipt.receipt_summary["rejected"]}
        assert all(named[plan.uuid] == plan.reason for plan in result.plans), name
    assert member(branch_a, a[0])["unit"] == _uuid_of(branch_a, BRANCH_A)
    # Genuine work still goes down afterwards.
    from test_sync_roundtrip import edit

    edit(committee, a[0], party_card_number="01.333444")
    assert branch_a.receive(committee.send(BRANCH_A)).status == "applied"
    assert member(branch_a, a[0])["party_card_number"] == "01.333444"


def test_a_branch_revokes_the_committees_key(branch_a, committee, both_sent, tmp_path):
    from test_sync_cli import run
    from test_sync_roundtrip import edit

    a, _b = both_sent
    edit(committee, a[0], party_card_number="01.555666")
    package = committee.send(BRANCH_A)
    branch_a.database.close()
    done = run("--db", str(branch_a.path), "sync", "revoke", COMMITTEE, "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["revoked"]) == 1
    from handbook_desktop.store.database import Database

    branch_a.database = Database.open(branch_a.path)
    before = checksum(branch_a.path, skip=())
    with pytest.raises(PackageRefused, match="thu hồi"):
        branch_a.preview(package)
    with pytest.raises(PackageRefused, match="thu hồi"):
        branch_a.receive(package)
    assert checksum(branch_a.path, skip=()) == before
    with branch_a.database.read() as session:
        line = session.scalars(select(AuditLog).where(AuditLog.action == "sync_revoke")).one()
        assert COMMITTEE in line.detail
    # The branch cannot send to a committee it no longer trusts either.
    from handbook_desktop.services.sync.exchange import export_package

    with pytest.raises(UserError):
        export_package(branch_a.database, ACTOR, branch_a.keyring, COMMITTEE)


# --- repairing an older database ---------------------------------------------------------------


def _break(site) -> None:
    """What the old code let a card write: the committee its own parent, two branches under each
    other, and a trusted card CB03 that reuses CB-A's id."""
    site.database.close()
    with datakey.connect(site.path) as connection:
        connection.execute("UPDATE unit SET parent_id = id WHERE is_home = 1")
        ids = dict(connection.execute("SELECT code, id FROM unit WHERE code IN (?, ?)", (BRANCH_A, BRANCH_B)))
        connection.execute("UPDATE unit SET parent_id = ? WHERE id = ?", (ids[BRANCH_B], ids[BRANCH_A]))
        connection.execute("UPDATE unit SET parent_id = ? WHERE id = ?", (ids[BRANCH_A], ids[BRANCH_B]))
        (a_uuid,) = connection.execute("SELECT uuid FROM unit WHERE code = ?", (BRANCH_A,)).fetchone()
        connection.execute("INSERT INTO sync_peer (unit_code, unit_uuid, unit_name, level, relation, trusted_at, "
                           "trusted_by) VALUES ('CB03', ?, 'Chi bộ giả', 'chi-bo', 'child', '2026-01-01', 'admin')",
                           (a_uuid,))
        (peer_id,) = connection.execute("SELECT id FROM sync_peer WHERE unit_code = 'CB03'").fetchone()
        connection.execute("INSERT INTO sync_peer_key (peer_id, key_id, sign_public, box_public, fingerprint, "
                           "trusted_at) SELECT ?, 'fa15e' || key_id, sign_public, box_public, fingerprint, trusted_at "
                           "FROM sync_peer_key LIMIT 1", (peer_id,))


def test_an_older_databases_loops_and_false_cards_are_listed_then_repaired(committee, tmp_path):
    from test_sync_cli import run

    _break(committee)
    done = run("--db", str(committee.path), "members", "list", "--json")  # finished (it never did)
    assert done.returncode == 0, done.stderr
    before = checksum(committee.path, skip=())
    done = run("--db", str(committee.path), "sync", "repair", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "Sẽ sửa 3 vấn đề" in done.stdout
    assert f"vòng lặp: {COMMITTEE} → {COMMITTEE}" in done.stdout
    assert f"{BRANCH_A} → {BRANCH_B} → {BRANCH_A}" in done.stdout
    assert "CB03" in done.stdout and f"của đơn vị {BRANCH_A}" in done.stdout
    assert checksum(committee.path, skip=()) == before  # the dry run writes nothing
    done = run("--db", str(committee.path), "sync", "repair", "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["problems"]) == 3
    with datakey.connect(committee.path) as connection:
        parents = dict(connection.execute(
            "SELECT u.code, p.code FROM unit u LEFT JOIN unit p ON p.id = u.parent_id").fetchall())
        actions = [row[0] for row in connection.execute("SELECT action FROM audit_log WHERE action IN "
                                                        "('unit_loop_repair', 'sync_revoke')")]
        revoked = connection.execute("SELECT revoked_at FROM sync_peer_key k JOIN sync_peer p ON p.id = k.peer_id "
                                     "WHERE p.unit_code = 'CB03'").fetchone()[0]
    assert parents[COMMITTEE] == "TU-HN" and parents[BRANCH_A] == COMMITTEE and parents[BRANCH_B] == BRANCH_A
    assert sorted(actions) == ["sync_revoke", "unit_loop_repair", "unit_loop_repair"]
    assert revoked is not None
    done = run("--db", str(committee.path), "sync", "repair", "--dry-run")
    assert "không có vấn đề" in done.stdout
    done = run("--db", str(committee.path), "info", "--json")
    assert done.returncode == 0, done.stderr


def test_the_repair_is_all_or_nothing(committee, monkeypatch):
    from handbook_desktop.services.sync import repair
    from handbook_desktop.store.database import Database

    _break(committee)
    before = checksum(committee.path, skip=())
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise UserError("Hết chỗ trên ổ đĩa (giả lập).")

    monkeypatch.setattr(repair, "record", failing)
    with Database.open(committee.path) as database:
        assert len(repair.tree_problems(database)) == 3
        with pytest.raises(UserError):
            repair.repair_tree(database, ACTOR, backup=False)
    assert checksum(committee.path, skip=()) == before
    committee.database = Database.open(committee.path)


def test_the_window_lists_then_repairs_and_a_branch_revokes_from_its_page(qtbot, committee, branch_a):
    from PySide6.QtCore import Qt

    from test_sync_gui import context_for
    from handbook_desktop.store.database import Database
    from handbook_desktop.ui.pages.sync import SyncPage

    _break(committee)
    committee.database = Database.open(committee.path)
    pages = []
    for site in (committee, branch_a):
        page = SyncPage(context_for(site))
        page.set_keyring(site.keyring)
        qtbot.addWidget(page)
        page.resize(1100, 650)
        pages.append(page)
    page, branch_page = pages
    before = checksum(committee.path, skip=())
    qtbot.mouseClick(page.repair_button, Qt.MouseButton.LeftButton)
    box = page.repair_box
    assert "Tìm thấy 3 vấn đề (chưa sửa gì)" in box.text() and "CB03" in box.text()
    assert checksum(committee.path, skip=()) == before
    box.grab().save("/tmp/sync_repair_box.png")
    qtbot.mouseClick(box.repair_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã sửa 3 vấn đề" in page.message.text(), timeout=20000)
    qtbot.mouseClick(page.repair_button, Qt.MouseButton.LeftButton)
    assert "không có vấn đề" in page.repair_box.text()
    # The branch revokes its committee's key from its own page.
    qtbot.waitUntil(lambda: branch_page.peers.rowCount() == 1, timeout=20000)
    branch_page.peers.selectRow(0)
    qtbot.mouseClick(branch_page.revoke_button, Qt.MouseButton.LeftButton)
    assert COMMITTEE in branch_page.revoke_box.text()
    (yes,) = [button for button in branch_page.revoke_box.buttons() if button.text() == "Thu hồi"]
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã thu hồi 1 khóa" in branch_page.message.text(), timeout=20000)
    with branch_a.database.read() as session:
        assert COMMITTEE in session.scalars(select(AuditLog).where(AuditLog.action == "sync_revoke")).one().detail
    for each in pages:
        each.context.runner.shutdown()


def test_a_branch_card_calling_itself_a_committee_decides_nothing(branch_a, committee, both_sent):
    """A card names its own level: a branch that claims to be a đảng ủy is not trusted as one, and
    a peer already trusted with such a level (an older database) still sends as a branch."""
    from test_sync_trust import _unit, forged_card
    from test_sync_roundtrip import edit
    from handbook_desktop.services.sync.keys import trust_card
    from handbook_desktop.store.models import SyncPeer

    card = forged_card({"uuid": str(_uuid.uuid4()), "code": "CB-GIA", "name": "Đảng ủy giả",
                        "level": "dang-uy-co-so", "parent_code": COMMITTEE})
    with pytest.raises(UserError, match="không thể trực thuộc"):
        trust_card(committee.database, ACTOR, card, card["fingerprint"])
    a, _b = both_sent
    with committee.database.session() as session:
        session.scalars(select(SyncPeer).where(SyncPeer.unit_code == BRANCH_A)).one().level = "dang-uy-co-so"
    edit(branch_a, a[0], party_card_number="09.999999", occupation="Thợ điện")
    up = committee.receive(branch_a.send(COMMITTEE))
    assert up.status == "applied"
    (plan,) = [p for p in up.plans if p.uuid == a[0]]
    assert "Số thẻ đảng viên" in plan.reason
    assert member(committee, a[0])["party_card_number"] != "09.999999"
    assert member(committee, a[0])["occupation"] == "Thợ điện"
    assert _unit(committee, BRANCH_A)["level"] == "chi-bo"


def test_a_committee_that_lost_its_key_is_re_enrolled_at_the_branch(branch_a, committee, both_sent, tmp_path):
    from test_sync_roundtrip import edit
    from test_sync_trust import _card
    from handbook_desktop.services.sync.keys import create_keys, trust_card, unlock
    from handbook_desktop.store.models import SyncKey
    from sync_sites import PASSWORD

    a, _b = both_sent
    old_package = committee.send(BRANCH_A)
    with committee.database.session() as session:
        for row in session.scalars(select(SyncKey)):
            session.delete(row)
        session.flush()
        create_keys(session, PASSWORD)
    committee.keyring = unlock(committee.database, PASSWORD)
    card = _card(committee, tmp_path, "du-moi.card")
    with pytest.raises(UserError, match="khóa cũ ký chuyển giao"):
        trust_card(branch_a.database, ACTOR, card, card["fingerprint"])
    assert trust_card(branch_a.database, ACTOR, card, card["fingerprint"], re_enrol=True)["how"] == "re_enrol"
    with pytest.raises(PackageRefused, match="thu hồi"):
        branch_a.receive(old_package)
    # The branch sends its card again; the committee's next package, under the new key, goes through.
    branch_card = _card(branch_a, tmp_path, "cb-a.card")
    trust_card(committee.database, ACTOR, branch_card, branch_card["fingerprint"])
    edit(committee, a[0], party_card_number="01.888999")
    result = branch_a.receive(committee.send(BRANCH_A))
    assert result.status == "applied", result.public()
    assert member(branch_a, a[0])["party_card_number"] == "01.888999"
