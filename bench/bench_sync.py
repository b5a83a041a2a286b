"""A committee imports 150 branch packages (50,000 members, 2,000 meetings), compared with a plain
sqlite3 bulk insert of the same rows into the same schema.

The packages are real: signed by each branch's own Ed25519 key, encrypted to the committee's
X25519 key, checked, previewed and applied through the same import pipeline as the window (one
transaction per package; one verified backup before the batch, as when a USB stick of packages is
imported at once; ``--backup-each`` takes one before every package).

The floor is one transaction for all the rows (issue 18 §3: it was one per branch, 150 commits).

Usage: python bench/bench_sync.py [--branches 150] [--members 50000] [--meetings 2000] [--backup-each] [--repeat 3]

Each measured phase runs in its own process (its peak memory is its own); ``BENCH_PROFILE=path``
writes a cProfile of each phase to ``path.import`` / ``path.floor``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid as _uuid
from datetime import date, timedelta
from pathlib import Path

from _common import peak_mb  # noqa: E402 (bench/_common.py, beside this script)

PASSWORD = "matkhau123"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--branches", type=int, default=150)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--meetings", type=int, default=2_000)
    parser.add_argument("--backup-each", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(_phase(args.phase, Path(args.folder))))
        return
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HANDBOOK_HOME"] = folder
        run(Path(folder), args)


def _card(keyring_sign, sign_public, box_public, unit: dict) -> dict:
    from handbook_desktop.services.sync.keys import CARD_FORMAT, b64, canonical, fingerprint, key_id_of

    body = {"format": CARD_FORMAT, "unit": unit, "key_id": key_id_of(sign_public), "sign_public": b64(sign_public),
            "box_public": b64(box_public), "fingerprint": fingerprint(sign_public, box_public),
            "created_at": "2026-11-01T00:00:00+00:00"}
    body["signature"] = b64(keyring_sign.sign(canonical(body)))
    return body


def run(folder: Path, args) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from sqlalchemy import select

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.services.demo.people import person
    from handbook_desktop.store.events import member_shadow_columns
    from handbook_desktop.services.progress import drain
    from handbook_desktop.services.setup import HomeUnitSpec, initialise
    from handbook_desktop.services.sync import package
    from handbook_desktop.services.sync.importer import import_package
    from handbook_desktop.services.sync.keys import Keyring, key_id_of, trust_card, unlock
    from handbook_desktop.services.sync.tables import table_by_name, to_json
    from handbook_desktop.store import datakey
    from handbook_desktop.store.database import Database
    from handbook_desktop.store.migrate import head_revision
    from handbook_desktop.store.models import SyncKey

    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    actor = Actor("admin", "secretary")
    rng = random.Random(7)
    today = date(2026, 11, 15)
    path = folder / "committee.sqlite3"
    database = Database.open(path)
    initialise(database, HomeUnitSpec("DU-BENCH", "Đảng ủy phường Đo Tốc Độ", "dang-uy-co-so"), "admin", PASSWORD)
    committee = unlock(database, PASSWORD)
    with database.read() as session:
        committee_box = session.scalars(select(SyncKey)).one().box_public
    tables = table_by_name()
    member_table, meeting_table = tables["member"], tables.get("meeting")
    use_meetings = meeting_table is not None
    print(f"tables travelling: {', '.join(tables)}")
    print("second table in the packages: " + ("meeting" if use_meetings else "member_event (no meeting table yet)"))

    # 150 branches: own keys, trusted by the committee through their identity cards.
    branches = []
    started = time.perf_counter()
    for index in range(args.branches):
        sign, box = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
        sign_public, box_public = sign.public_key().public_bytes(*raw), box.public_key().public_bytes(*raw)
        unit = {"uuid": str(_uuid.UUID(int=rng.getrandbits(128), version=4)), "code": f"CB-{index + 1:03d}",
                "name": f"Chi bộ Khu dân cư số {index + 1}", "level": "chi-bo", "parent_code": "DU-BENCH"}
        card = _card(sign, sign_public, box_public, unit)
        trust_card(database, actor, card, card["fingerprint"])
        keyring = Keyring(unit["code"], key_id_of(sign_public), {key_id_of(sign_public): sign},
                          {key_id_of(sign_public): box})
        branches.append((unit, keyring))
    print(f"trusting {args.branches} branches: {time.perf_counter() - started:.1f} s")

    # The rows each branch sends (made once, used for both the packages and the plain insert).
    per_branch_members = [args.members // args.branches + (1 if i < args.members % args.branches else 0)
                          for i in range(args.branches)]
    per_branch_meetings = [args.meetings // args.branches + (1 if i < args.meetings % args.branches else 0)
                           for i in range(args.branches)]
    payloads, plain_rows = [], []
    member_columns = [c for c in member_table.columns if c not in ("uuid", "version")]
    for (unit, _keyring), members, meetings in zip(branches, per_branch_members, per_branch_meetings):
        records, rows = [], {"member": [], "second": []}
        member_uuids = []
        for _ in range(members):
            row, events = person(rng, today, 0, unit["code"])
            row.update(member_shadow_columns(row["full_name"], row.get("phone"), row.get("party_card_number")))
            fields = {name: to_json(member_table.table.c[name], row.get(name)) for name in member_columns}
            fields["unit_id"] = unit["uuid"]
            fields["updated_at"] = "2026-11-01T00:00:00+00:00"
            records.append({"t": "member", "u": row["uuid"], "v": 1, "b": None, "f": fields})
            rows["member"].append((row, unit["uuid"]))
            member_uuids.append(row["uuid"])
        for number in range(meetings):
            meeting_uuid = str(_uuid.UUID(int=rng.getrandbits(128), version=4))
            day = today - timedelta(days=30 * number + rng.randint(0, 5))
            if use_meetings:
                fields = {"unit_id": unit["uuid"], "kind": "thematic" if number % 4 == 3 else "regular",
                          "state": "finalised", "meeting_date": day.isoformat(), "start_time": "19:30",
                          "place": "Nhà văn hóa khu dân cư", "topic": None, "origin_unit": unit["code"],
                          "updated_at": "2026-11-01T00:00:00+00:00", "deleted_at": None}
                table_name = "meeting"
            else:
                fields = {"member_id": rng.choice(member_uuids), "kind": "note", "event_date": day.isoformat(),
                          "origin_unit": unit["code"], "updated_at": "2026-11-01T00:00:00+00:00", "deleted_at": None}
                table_name = "member_event"
            records.append({"t": table_name, "u": meeting_uuid, "v": 1, "b": None, "f": fields})
            rows["second"].append((table_name, meeting_uuid, fields))
        payloads.append(records)
        plain_rows.append(rows)

    started = time.perf_counter()
    files = []
    for (unit, keyring), records in zip(branches, payloads):
        counts = {}
        for record in records:
            counts[record["t"]] = counts.get(record["t"], 0) + 1
        manifest = {"package_id": str(_uuid.uuid4()), "kind": "changes", "sender": unit["code"],
                    "recipient": "DU-BENCH", "sender_key": keyring.active_id, "recipient_key": committee.active_id,
                    "sequence": 1, "previous": None, "acknowledged": 0, "schema": head_revision(),
                    "app_version": "bench", "created_at": "2026-11-15T00:00:00+00:00", "counts": counts}
        plain = "\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                          for r in records).encode("utf-8")
        data, _manifest = package.build(manifest, plain, keyring, committee_box)
        files.append(data)
    build_time = time.perf_counter() - started
    size = sum(len(data) for data in files) / 1e6
    print(f"building {len(files)} packages ({size:.1f} MB): {build_time:.1f} s")

    database.close()  # the same file (schema, units, encryption when SQLCipher is installed), before the import
    clean = folder / "clean.sqlite3"
    datakey.copy_database(path, clean)
    for index, data in enumerate(files):
        (folder / f"{index:04d}.hbsync").write_bytes(data)
    with open(folder / "plain.pickle", "wb") as handle:
        pickle.dump({"plain_rows": plain_rows, "member_columns": member_columns, "use_meetings": use_meetings},
                    handle)
    (folder / "options.json").write_text(json.dumps({"backup_each": args.backup_each}))
    del files, payloads, plain_rows

    figures: dict[str, list[dict]] = {"import": [], "floor": []}
    for _ in range(args.repeat):
        for phase in ("import", "floor"):
            target = folder / ("committee.sqlite3" if phase == "import" else "plain.sqlite3")
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            datakey.copy_database(clean, target)
            figures[phase].append(_child(phase, folder))
    ours, floor = figures["import"], figures["floor"]
    first = ours[0]
    print(f"import of {len(list(folder.glob('*.hbsync')))} packages through the pipeline ({first['new']} records new, "
          f"{first['rejected']} rejected): " + ", ".join(f"{item['seconds']:.1f} s" for item in ours))
    print("plain sqlite3 insert of the same rows in one transaction: " +
          ", ".join(f"{item['seconds']:.2f} s" for item in floor) + f" ({floor[0]['members']} members)")
    seconds, floor_seconds = (statistics.median(item["seconds"] for item in runs) for runs in (ours, floor))
    cpu, floor_cpu = (statistics.median(item["cpu"] for item in runs) for runs in (ours, floor))
    peak, floor_peak = (statistics.median(item["peak_mb"] for item in runs) for runs in (ours, floor))
    print(f"median of {args.repeat}: {seconds:.2f} s / {floor_seconds:.2f} s = {seconds / floor_seconds:.1f}× "
          f"(CPU {cpu:.2f} s / {floor_cpu:.2f} s = {cpu / floor_cpu:.1f}×); peak memory {peak:.0f} MB "
          f"(floor {floor_peak:.0f} MB); {args.members / seconds:,.0f} members per second; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"BENCH package_import_s ours={seconds:.2f} floor={floor_seconds:.2f} bound=3x")
    print(f"BENCH package_import_cpu_s ours={cpu:.2f} floor={floor_cpu:.2f} bound=3x")
    print(f"BENCH package_import_peak_mb ours={peak:.0f} floor={floor_peak:.0f} bound=800")


def _child(phase: str, folder: Path) -> dict:
    """One measured phase in its own process (its peak memory is its own)."""
    env = dict(os.environ, HANDBOOK_HOME=str(folder),
               PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")]))
    profile = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"] + f".{phase}"] if os.environ.get("BENCH_PROFILE") else []
    done = subprocess.run([sys.executable, *profile, str(Path(__file__).resolve()), "--phase", phase, "--folder", str(folder)],
                          capture_output=True, text=True, env=env, timeout=7200)
    if done.returncode != 0:
        raise SystemExit(f"{phase} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _phase(phase: str, folder: Path) -> dict:
    from handbook_desktop.services.auth import Actor
    from handbook_desktop.services.progress import drain
    from handbook_desktop.services.sync.importer import import_package
    from handbook_desktop.services.sync.keys import unlock
    from handbook_desktop.store import datakey
    from handbook_desktop.store.database import Database

    for name in ("committee.sqlite3", "plain.sqlite3"):  # the key, unwrapped as signing in does
        ring = datakey.load_keyring(folder / name)
        key = datakey.unlock(ring, "admin", PASSWORD) if ring else None
        if key is not None:
            datakey.remember(key)
    if phase == "import":
        database = Database.open(folder / "committee.sqlite3")
        keyring = unlock(database, PASSWORD)
        files = [path.read_bytes() for path in sorted(folder.glob("*.hbsync"))]
        backup_each = json.loads((folder / "options.json").read_text())["backup_each"]
        actor = Actor("admin", "secretary")
        totals = {"new": 0, "rejected": 0}
        started, cpu = time.perf_counter(), time.process_time()
        for index, data in enumerate(files):
            result = drain(import_package(database, actor, keyring, data, backup=backup_each or index == 0))
            totals["new"] += result.totals["new"]
            totals["rejected"] += result.totals["rejected"]
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        database.close()
        return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), **totals}
    with open(folder / "plain.pickle", "rb") as handle:
        return _floor(folder / "plain.sqlite3", pickle.load(handle))


def _floor(plain_db: Path, saved: dict) -> dict:
    """The same rows with plain executemany into the same kind of file, one transaction."""
    from handbook_desktop.store import datakey

    plain_rows, member_columns, use_meetings = saved["plain_rows"], saved["member_columns"], saved["use_meetings"]
    connection = datakey.connect(plain_db)
    connection.isolation_level = None
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    units = dict(connection.execute("SELECT uuid, id FROM unit"))
    names = [c for c in member_columns if c not in ("updated_at", "deleted_at")] + ["name_fold", "name_sort",
                                                                                    "search_key"]
    member_sql = (f"INSERT INTO member (uuid, version, updated_at, {', '.join(names)}) "
                  f"VALUES (?, 1, '2026-11-01 00:00:00', {', '.join('?' * len(names))})")
    started, cpu = time.perf_counter(), time.process_time()
    connection.execute("BEGIN IMMEDIATE")  # the floor is one transaction for every row (issue 18 §3)
    for rows in plain_rows:
        values = []
        for row, unit_uuid in rows["member"]:
            row = dict(row, unit_id=units[unit_uuid])
            values.append([row["uuid"]] + [_sql(row.get(name)) for name in names])
        connection.executemany(member_sql, values)
        member_ids = {} if use_meetings else dict(connection.execute("SELECT uuid, id FROM member"))
        for table_name, row_uuid, fields in rows["second"]:
            fields = dict(fields)
            if "unit_id" in fields:
                fields["unit_id"] = units[fields["unit_id"]]
            if "member_id" in fields:
                fields["member_id"] = member_ids[fields["member_id"]]
            fields["updated_at"] = "2026-11-01 00:00:00"
            columns = list(fields)
            connection.execute(f"INSERT INTO {table_name} (uuid, version, {', '.join(columns)}) "
                               f"VALUES (?, 1, {', '.join('?' * len(columns))})", [row_uuid] + list(fields.values()))
    connection.execute("COMMIT")
    plain_time, cpu = time.perf_counter() - started, time.process_time() - cpu
    counted = connection.execute("SELECT COUNT(*) FROM member").fetchone()[0]
    connection.close()
    return {"seconds": plain_time, "cpu": cpu, "peak_mb": peak_mb(), "members": counted}


def _sql(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


if __name__ == "__main__":
    main()
