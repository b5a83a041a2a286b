"""Incremental packages add up to a full snapshot; a kill in the middle of applying loses nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from handbook_desktop.store import datakey  # keyed when encrypted
from sync_sites import BRANCH_A, COMMITTEE, PASSWORD, checksum, open_site, table_digests
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.models import Member
from test_sync_roundtrip import add_members, records

NAMES = st.sampled_from(["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Đỗ Minh Đức"])
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), NAMES),
        st.tuples(st.just("edit"), st.integers(0, 20), st.sampled_from(["notes", "occupation", "phone"]),
                  st.text(alphabet="abcđêơ0123456789 ", min_size=1, max_size=12)),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("send")),
    ),
    min_size=1, max_size=14,
)


def _apply_step(site, step, uuids):
    if step[0] == "add":
        uuids.extend(add_members(site, [step[1]]))
    elif step[0] in ("edit", "delete") and uuids:
        with site.database.session() as session:
            member = session.scalars(select(Member).where(Member.uuid == uuids[step[1] % len(uuids)])).one()
            if step[0] == "edit":
                setattr(member, step[2], step[3])
            elif member.deleted_at is None:
                member.deleted_at = utcnow()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_incremental_packages_leave_the_committee_as_one_full_snapshot(_sync_templates, tmp_path_factory, steps):
    folder = tmp_path_factory.mktemp("prop")
    branch = open_site(_sync_templates, BRANCH_A, folder / "branch")
    stepwise = open_site(_sync_templates, COMMITTEE, folder / "stepwise")
    at_once = open_site(_sync_templates, COMMITTEE, folder / "at-once")
    try:
        uuids: list[str] = []
        for step in steps + [("send",)]:
            if step[0] == "send":
                result = stepwise.receive(branch.send(COMMITTEE))
                assert result.status == "applied" and result.totals["rejected"] == 0
                branch.receive(result.receipts[0].data)
            else:
                _apply_step(branch, step, uuids)
        # The same branch, as if it had never sent anything, sends one full snapshot.
        branch.database.close()
        fresh = folder / "fresh"
        fresh.mkdir()
        copy = fresh / f"{BRANCH_A}.sqlite3"
        with datakey.connect(branch.path) as source, \
                datakey.connect(copy, key=datakey.key_for_file(branch.path), create=True) as target:
            source.backup(target)
        with datakey.connect(copy) as connection:
            connection.execute("DELETE FROM sync_outbox")
            connection.execute("DELETE FROM sync_inbox")
            connection.execute("DELETE FROM sync_row")
        from handbook_desktop.store.database import Database

        branch.database = Database.open(copy)
        assert at_once.receive(branch.send(COMMITTEE, full=True)).status == "applied"
        assert records(stepwise) == records(at_once) == records(branch)
    finally:
        for site in (branch, stepwise, at_once):
            site.database.close()


KILL_SCRIPT = r"""
import os, sys, time
from pathlib import Path
from handbook_desktop.services.auth import Actor
from handbook_desktop.services.sync.importer import import_package
from handbook_desktop.services.sync.keys import unlock
from handbook_desktop.store.database import Database
from handbook_desktop.store import datakey  # noqa: E402  (keyed when encrypted)
import os as _os
from handbook_desktop.services.access import unlock as _unlock
_unlock(sys.argv[1], "admin", sys.argv[3])  # an encrypted file opens with its key (issue 13)

database = Database.open(sys.argv[1])
keyring = unlock(database, sys.argv[3])
work = import_package(database, Actor("admin", "secretary"), keyring, Path(sys.argv[2]).read_bytes())
for step in work:
    if step.done > 0 and step.message.startswith("Đang ghi"):
        print("MID", flush=True)
        time.sleep(120)
print("END", flush=True)
"""


@pytest.mark.slow
def test_a_kill_in_the_middle_of_applying_leaves_the_committee_as_it_was(branch_a, committee, tmp_path):
    add_members(branch_a, [f"Nguyễn Văn Thử {n}" for n in range(1500)])
    package = tmp_path / "goi.hbsync"
    package.write_bytes(branch_a.send(COMMITTEE))
    committee.database.close()
    before = table_digests(committee.path, skip=())
    script = tmp_path / "kill_me.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script), str(committee.path), str(package), PASSWORD],
                               stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        line = process.stdout.readline()
        assert line.strip() == "MID"
        time.sleep(0.3)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    after = table_digests(committee.path, skip=())
    assert after == before, f"changed by a killed import: {sorted(n for n in after if after[n] != before.get(n))}"
    from handbook_desktop.store.database import Database

    committee.database = Database.open(committee.path)  # the stale lock is taken over
    with committee.database.read() as session:
        assert session.scalars(select(Member)).first() is None
    assert committee.receive(package.read_bytes()).totals["new"] == 3000
