"""Issue 18 §2: the dry run of a big package summarises by table; records are listed up to a limit
or all on request (``--details``), never hundreds of megabytes of JSON by default."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sync_sites import COMMITTEE, PASSWORD
from test_sync_roundtrip import add_members


def test_the_preview_lists_up_to_a_limit_and_counts_everything(branch_a, committee, tmp_path):
    add_members(branch_a, [f"Nguyễn Văn Số {n}" for n in range(12)])
    data = branch_a.send(COMMITTEE)
    result = committee.preview(data)
    assert result.totals["new"] == 24
    short = result.public(limit=5)
    (members,) = [table for table in short["tables"] if table["table"] == "member"]
    assert members["count"] == 12 and members["totals"] == {"new": 12}
    assert len(members["records"]) == 5 and members["left_off"] == 7
    assert members["records"][0]["label"] == "Nguyễn Văn Số 0"
    whole = result.public(limit=None)
    (members,) = [table for table in whole["tables"] if table["table"] == "member"]
    assert len(members["records"]) == 12 and members["left_off"] == 0

    branch_a.database.close()
    committee.database.close()
    package = tmp_path / "goi.hbsync"
    package.write_bytes(data)
    env = dict(os.environ, HANDBOOK_PASSWORD=PASSWORD)
    for extra, limit in (([], 200), (["--details"], None)):
        done = subprocess.run([sys.executable, "-m", "handbook_desktop", "--db", str(committee.path), "sync",
                               "import", str(package), "--dry-run", "--json", *extra], capture_output=True,
                              text=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
        assert done.returncode == 0, done.stderr
        dry = json.loads(done.stdout)
        assert dry["records_limit"] == limit and dry["totals"]["total"] == 24
        assert {table["table"]: table["count"] for table in dry["tables"]} == {"member": 12, "member_event": 12}


def _records_of(site, data: bytes) -> list[dict]:
    from handbook_desktop.services.sync import package

    plain = package.decrypt(package.read(data), site.keyring)
    return [json.loads(line) for line in plain.decode("utf-8").splitlines()]


def test_a_package_written_in_small_batches_is_the_same_package(branch_a, committee, monkeypatch):
    """Export streams (capture → JSON lines → zlib → AES-GCM a batch at a time); with batches of two
    records the package holds exactly what capture finds, in order, and the other side takes it."""
    from sqlalchemy import select

    from handbook_desktop.services.sync import capture as capture_module
    from handbook_desktop.store.models import SyncPeer, SyncRow

    add_members(branch_a, [f"Lê Thị Lô {n}" for n in range(5)])
    with branch_a.database.read() as session:
        peer = session.scalars(select(SyncPeer).where(SyncPeer.unit_code == COMMITTEE)).one()
        expected, _states = capture_module.capture(session, peer, full=False)
    monkeypatch.setattr(capture_module, "BATCH", 2)
    data = branch_a.send(COMMITTEE)
    assert _records_of(committee, data) == expected
    with branch_a.database.read() as session:  # every row remembered as sent, one state each
        sent = session.execute(select(SyncRow.row_uuid, SyncRow.sent_version, SyncRow.sent_package).where(
            SyncRow.peer_code == COMMITTEE)).all()
    assert sorted(row.row_uuid for row in sent) == sorted(record["u"] for record in expected)
    assert len({row.sent_package for row in sent}) == 1 and all(row.sent_version == 1 for row in sent)
    result = committee.receive(data)
    assert result.status == "applied" and result.totals["new"] == len(expected)
    again = branch_a.send(COMMITTEE, full=True)  # the second time the states exist: updated, not doubled
    assert len(_records_of(committee, again)) == len(expected)
    with branch_a.database.read() as session:
        assert session.scalar(select(func_count()).select_from(SyncRow).where(SyncRow.peer_code == COMMITTEE)) \
            == len(expected)


def func_count():
    from sqlalchemy import func

    return func.count()


from test_sync_trust import committee_record, committee_with_b, data_checksum, forge  # noqa: E402,F401


def test_import_in_runs_refuses_whole_when_a_later_run_reaches_outside(branch_a, committee, committee_with_b,
                                                                       monkeypatch):
    """Runs of two records: the branch's own records are written first, then a record of another
    branch arrives in a later run; everything written is rolled back and the package refused whole."""
    from handbook_desktop.services.sync import stream

    monkeypatch.setattr(stream, "BATCH", 2)
    a, b = committee_with_b
    more = add_members(branch_a, ["Đỗ Văn Một", "Đỗ Văn Hai", "Đỗ Văn Ba"])
    own = [committee_record(branch_a, "member", uuid) for uuid in a + more]
    for record in own:
        record["b"] = None if record["u"] in more else record["b"]
    outside = committee_record(committee, "member", b[0])
    outside["f"]["phone"] = "0900000000"
    before = data_checksum(committee)
    data = forge(branch_a, COMMITTEE, own + [outside])
    dry = committee.preview(data)
    assert dry.status == "refused" and len(dry.plans) == 1
    assert data_checksum(committee) == before
    result = committee.receive(data)
    assert result.status == "refused" and [plan.uuid for plan in result.plans] == [b[0]]
    assert data_checksum(committee) == before  # the runs written before it were rolled back
    from handbook_desktop.services.sync import package

    receipt = json.loads(package.decrypt(package.read(result.receipts[0].data), branch_a.keyring))
    assert len(receipt["records"]) == len(own) + 1 and {r["o"] for r in receipt["records"]} == {"rejected"}


def test_runs_out_of_table_order_are_read_whole_and_give_the_same_result(branch_a, committee, monkeypatch):
    from handbook_desktop.services.sync import stream

    monkeypatch.setattr(stream, "BATCH", 2)
    add_members(branch_a, [f"Vũ Thị Ngược {n}" for n in range(3)])
    data = branch_a.send(COMMITTEE)
    records = _records_of(committee, data)
    events = [r for r in records if r["t"] == "member_event"]
    members = [r for r in records if r["t"] == "member"]
    shuffled = events[:1] + members + events[1:]  # one event before the members it belongs to
    in_order = committee.preview(data)
    assert in_order.summary is not None and in_order.totals["new"] == len(records)
    assert committee.receive(data).totals["new"] == len(records)
    again = forge(branch_a, COMMITTEE, shuffled)
    result = committee.receive(again)  # the same rows again, out of order: read whole, all unchanged
    assert result.summary is None and result.totals["unchanged"] == len(records), result.public()


def test_a_package_from_above_streams_in_runs_and_reads_whose_rows_were(branch_a, branch_b, committee,
                                                                          monkeypatch):
    """Decisions down stream too (issue 18 §2). In runs of two records, a member the committee
    transfers from A to B reaches both with its whole history: at A the member's row is written in
    an earlier run than the record of the move, and whose it was is still read as before the package
    (A's), not as the database shows it after that run (B's), so the move is A's to keep."""
    from datetime import date

    from sqlalchemy import select

    from handbook_desktop.services.sync import importer, stream
    from handbook_desktop.services.sync.committee import transfer_member
    from handbook_desktop.store.models import Member, Unit
    from sync_sites import ACTOR, BRANCH_A, BRANCH_B

    monkeypatch.setattr(stream, "BATCH", 2)
    uuids = add_members(branch_a, ["Hoàng Văn Hải", "Hoàng Văn Hà", "Hoàng Thị Hoa"])
    branch_a.receive(committee.receive(branch_a.send(COMMITTEE)).receipts[0].data)
    transfer_member(committee.database, ACTOR, uuids[0], BRANCH_B, date(2026, 10, 1), decision_number="15-QĐ/ĐU")
    opened = []
    real = importer.open_package
    monkeypatch.setattr(importer, "open_package", lambda *args: opened.append(real(*args)) or opened[-1])
    result_b = branch_b.receive(committee.send(BRANCH_B))
    result_a = branch_a.receive(committee.send(BRANCH_A))
    assert result_b.status == "applied" and result_a.status == "applied", (result_b.public(), result_a.public())
    assert opened and all(isinstance(item.body, stream.RecordStream) for item in opened)
    for site, code in ((branch_a, BRANCH_B), (branch_b, BRANCH_B)):
        with site.database.read() as session:
            moved = session.scalars(select(Member).where(Member.uuid == uuids[0])).one()
            assert session.get(Unit, moved.unit_id).code == code
            assert sorted(event.kind for event in moved.events) == [
                "admitted", "transfer_in_official", "transfer_out_official"]
    with branch_b.database.read() as session:  # B holds only the member it now has
        assert session.scalars(select(Member.uuid).where(Member.uuid.in_(uuids[1:]))).all() == []
