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
