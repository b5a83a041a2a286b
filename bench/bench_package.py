"""A committee's whole register as one package to the city (issue 18 §2): time and peak memory of
writing it, of the city's dry run, and of reading it, each in its own process, against floors
measured in the same run.

    python bench/bench_package.py [--members 50000 | --db COMMITTEE.sqlite3] [--repeat 3]

The committee is a demo (``demo --members N``, or a copy of ``--db``); the city is a fresh
``tinh-thanh-uy`` installation; both trust each other's identity cards. Floors: for the export, the
same rows read with one plain SELECT per table and written as JSON lines to a zlib stream (what a
package holds, without the program's work); for the dry run, decrypting the package and parsing its
lines. Peak memory is each child process's own (VmHWM). Bound: 800 MB at any size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import peak_mb  # noqa: E402 (bench/_common.py, beside this script)

PASSWORD = "demo1234"
HERE = Path(__file__).resolve().parent


def _child(phase: str, folder: Path) -> dict:
    env = dict(os.environ, HANDBOOK_HOME=str(folder / "home"),
               PYTHONPATH=os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--folder", str(folder)],
                          capture_output=True, text=True, env=env, timeout=7200)
    if done.returncode != 0:
        raise SystemExit(f"{phase} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _unlock(*paths: Path) -> None:
    """An encrypted database (SQLCipher, when installed) opens once its key is known to the process:
    the administrator's password unwraps it, as signing in does."""
    from handbook_desktop.store import datakey

    for path in paths:
        ring = datakey.load_keyring(path) if path.exists() else None
        key = datakey.unlock(ring, "admin", PASSWORD) if ring else None
        if key is not None:
            datakey.remember(key)


def phase(name: str, folder: Path) -> dict:
    from handbook_desktop.services.auth import Actor
    from handbook_desktop.store.database import Database

    _unlock(folder / "committee.sqlite3", folder / "committee-clean.sqlite3", folder / "city.sqlite3")

    actor = Actor("admin", "secretary")
    if name == "setup":
        from handbook_desktop.services.setup import HomeUnitSpec, initialise
        from handbook_desktop.services.sync.keys import read_identity_card, trust_card, unlock, write_identity_card

        committee = Database.open(folder / "committee.sqlite3")
        with committee.read() as session:
            from sqlalchemy import select

            from handbook_desktop.store.models import Unit

            home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
            parent = session.get(Unit, home.parent_id) if home.parent_id else None
        city_code = parent.code if parent is not None else "TU-HN"
        city = Database.open(folder / "city.sqlite3")
        initialise(city, HomeUnitSpec(city_code, "Thành ủy (thử tốc độ)", "tinh-thanh-uy"), "admin", PASSWORD)
        cards = {}
        for label, database in (("committee", committee), ("city", city)):
            cards[label] = folder / f"{label}.card"
            write_identity_card(database, unlock(database, PASSWORD), cards[label])
        card = read_identity_card(cards["city"])
        trust_card(committee, actor, card, card["fingerprint"])
        card = read_identity_card(cards["committee"])
        trust_card(city, actor, card, card["fingerprint"])
        committee.close()
        city.close()
        (folder / "city_code").write_text(city_code)
        shutil.copyfile(folder / "committee.sqlite3", folder / "committee-clean.sqlite3")
        return {"city": city_code}
    if name == "export":
        from handbook_desktop.services.sync.exchange import export_package
        from handbook_desktop.services.sync.keys import unlock

        shutil.copyfile(folder / "committee-clean.sqlite3", folder / "committee.sqlite3")
        for suffix in ("-wal", "-shm"):
            Path(str(folder / "committee.sqlite3") + suffix).unlink(missing_ok=True)
        database = Database.open(folder / "committee.sqlite3")
        keyring = unlock(database, PASSWORD)
        started = time.perf_counter()
        result = export_package(database, actor, keyring, (folder / "city_code").read_text(), full=True)
        seconds = time.perf_counter() - started
        (folder / "package.hbsync").write_bytes(result.data)
        database.close()
        return {"seconds": seconds, "peak_mb": peak_mb(), "records": sum(result.counts.values()),
                "bytes": len(result.data)}
    if name == "export_floor":
        import sqlite3
        import zlib

        connection = sqlite3.connect(folder / "committee-clean.sqlite3")
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE '%uuid%' AND name NOT LIKE 'sync_%' "
            "AND name NOT IN ('audit_log', 'app_user')")]
        started = time.perf_counter()
        compressor, size, records = zlib.compressobj(6), 0, 0
        for table in names:
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            columns = [item[0] for item in cursor.description]
            while True:
                rows = cursor.fetchmany(2000)
                if not rows:
                    break
                lines = "\n".join(json.dumps({"t": table, "f": dict(zip(columns, row))}, ensure_ascii=False,
                                             default=str, sort_keys=True) for row in rows)
                size += len(compressor.compress(lines.encode("utf-8")))
                records += len(rows)
        size += len(compressor.flush())
        return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "records": records, "bytes": size}
    if name == "preview":
        from handbook_desktop.services.sync.importer import preview
        from handbook_desktop.services.sync.keys import unlock

        database = Database.open(folder / "city.sqlite3")
        keyring = unlock(database, PASSWORD)
        data = (folder / "package.hbsync").read_bytes()
        started = time.perf_counter()
        result = preview(database, keyring, data)
        seconds = time.perf_counter() - started
        summary = json.dumps(result.public())
        database.close()
        return {"seconds": seconds, "peak_mb": peak_mb(), "json_bytes": len(summary), "totals": result.totals}
    if name == "preview_floor":
        from handbook_desktop.services.sync import package
        from handbook_desktop.services.sync.keys import unlock

        database = Database.open(folder / "city.sqlite3")
        keyring = unlock(database, PASSWORD)
        data = (folder / "package.hbsync").read_bytes()
        started = time.perf_counter()
        plain = package.decrypt(package.read(data), keyring)
        count = sum(1 for line in plain.splitlines() if json.loads(line))
        return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "records": count}
    raise SystemExit(f"unknown phase {name}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--db", help="an existing committee database (copied; never written)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("export", "preview"), help="measure one of the two")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.folder))))
        return 0
    folder = Path(tempfile.mkdtemp(prefix="bench-package-"))
    try:
        target = folder / "committee.sqlite3"
        env = dict(os.environ, HANDBOOK_HOME=str(folder / "home"),
                   PYTHONPATH=os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]))
        if args.db:
            shutil.copyfile(args.db, target)
        else:
            subprocess.run([sys.executable, "-m", "handbook_desktop", "--db", str(target), "demo", "--members",
                            str(args.members), "--seed", "3"], check=True, stdout=subprocess.DEVNULL, env=env)
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"setup: {_child('setup', folder)}")
        figures: dict[str, list[dict]] = {}
        for _ in range(args.repeat):
            for name in ("export", "export_floor", "preview", "preview_floor"):
                if args.only and not name.startswith(args.only) and not (args.only == "preview" and name == "export"
                                                                        and name not in figures):
                    continue
                figures.setdefault(name, []).append(_child(name, folder))
        def median(name, key):
            return statistics.median(item[key] for item in figures[name])
        export = figures["export"][0]
        print(f"package: {export['records']} records, {export['bytes'] / 1e6:.1f} MB")
        if "preview" in figures:
            preview = figures["preview"][0]
            print(f"dry-run JSON {preview['json_bytes'] / 1e3:.0f} kB; totals {preview['totals']}")
        for ours, floor, label in (("export", "export_floor", "package_export"),
                                   ("preview", "preview_floor", "package_dry_run")):
            if floor not in figures:
                continue
            seconds, floor_seconds = median(ours, "seconds"), median(floor, "seconds")
            print(f"{label}: {seconds:.1f} s (floor {floor_seconds:.1f} s, {seconds / floor_seconds:.1f}×), "
                  f"peak {median(ours, 'peak_mb'):.0f} MB (floor {median(floor, 'peak_mb'):.0f} MB; bound 800)")
            print(f"BENCH {label}_s ours={seconds:.2f} floor={floor_seconds:.2f}")
            print(f"BENCH {label}_peak_mb ours={median(ours, 'peak_mb'):.0f} floor={median(floor, 'peak_mb'):.0f} "
                  f"bound=800")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
