"""The command line: identity, trust, export, import (dry run and apply), status — as a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sync_sites import BRANCH_A, COMMITTEE, PASSWORD, checksum
from test_sync_roundtrip import add_members


def run(*args, password=PASSWORD):
    env = dict(os.environ, HANDBOOK_PASSWORD=password)
    return subprocess.run([sys.executable, "-m", "handbook_desktop", *args], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=120)


def test_sync_from_the_command_line(branch_a, committee, tmp_path):
    add_members(branch_a, ["Nguyễn Văn An", "Trần Thị Bình"])
    branch_a.database.close()
    committee.database.close()
    card = tmp_path / "a.card"
    done = run("--db", str(branch_a.path), "sync", "identity", "--out", str(card), "--json")
    assert done.returncode == 0, done.stderr
    identity = json.loads(done.stdout)
    assert identity["unit_code"] == BRANCH_A and len(identity["fingerprint"].split()) == 8
    refused = run("--db", str(committee.path), "sync", "trust", str(card), "--fingerprint", "00000 11111")
    assert refused.returncode == 1 and "không khớp" in refused.stderr
    out = tmp_path / "goi"
    out.mkdir()
    done = run("--db", str(branch_a.path), "sync", "export", "--to", COMMITTEE, "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    exported = json.loads(done.stdout)
    assert exported["sequence"] == 1 and exported["counts"] == {"member": 2, "member_event": 2}
    assert "Nguy" not in exported["file_name"]
    lost = tmp_path / "lai"
    lost.mkdir()
    done = run("--db", str(branch_a.path), "sync", "export", "--to", COMMITTEE, "--out", str(lost), "--again",
               exported["package_id"], "--json")
    assert done.returncode == 0, done.stderr
    again = json.loads(done.stdout)
    assert (again["package_id"], again["sequence"]) == (exported["package_id"], 1)
    assert Path(again["file"]).read_bytes() == Path(exported["file"]).read_bytes()
    before = checksum(committee.path, skip=())
    done = run("--db", str(committee.path), "sync", "import", exported["file"], "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    dry = json.loads(done.stdout)
    assert dry["status"] == "dry_run" and dry["totals"]["new"] == 4 and dry["totals"]["total"] == 4
    member_rows = [r for t in dry["tables"] if t["table"] == "member" for r in t["records"]]
    assert {r["label"] for r in member_rows} == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert all(r["outcome_label"] == "Mới" for r in member_rows)
    assert checksum(committee.path, skip=()) == before
    wrong = run("--db", str(committee.path), "sync", "import", exported["file"], password="sai-mat-khau")
    assert wrong.returncode == 1 and "mật khẩu" in wrong.stderr.lower()
    done = run("--db", str(committee.path), "sync", "import", exported["file"])
    assert done.returncode == 0, done.stderr
    assert "2 mới" not in done.stdout and "Đã nhập gói số 1" in done.stdout
    receipts = list(out.glob("*bien-nhan*.hbsync"))
    assert len(receipts) == 1
    again = run("--db", str(committee.path), "sync", "import", exported["file"], "--json")
    assert json.loads(again.stdout)["status"] == "already"
    done = run("--db", str(branch_a.path), "sync", "import", str(receipts[0]))
    assert done.returncode == 0 and "Biên nhận gói số 1" in done.stdout, done.stderr
    status = json.loads(run("--db", str(branch_a.path), "sync", "status", "--json").stdout)
    (peer,) = status["peers"]
    assert peer["unit_code"] == COMMITTEE and peer["sent"] == 1 and peer["unacknowledged"] == []
    bad = tmp_path / "hong.hbsync"
    bad.write_bytes(b"PK" + b"\0" * 100)
    done = run("--db", str(committee.path), "sync", "import", str(bad))
    assert done.returncode == 1 and "không nhập" in done.stderr or "hỏng" in done.stderr
