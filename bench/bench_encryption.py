"""Encryption at rest (issue 13 §3): the same database plain and encrypted — conversion, open, backup.

    python bench/bench_encryption.py --db /work/data/demo50k.sqlite3   (a plain database; copied, never written)

Copies the plain database twice into a temporary folder, converts one copy (services.encryption:
a verified backup, then the encrypted copy checked and swapped in), then times on each: opening it
(Database.open and the home unit, after the door's password for the encrypted one) and a backup
(online backup API, integrity check and row counts, manifest). The search keystroke p95 is
bench/bench_members.py --db on each copy (this script prints the two commands).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(label: str, work, repeat: int = 1):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    best, worst = min(times), max(times)
    print(f"{label:<44} {best:7.2f} s" + (f"  (of {repeat}: worst {worst:.2f} s)" if repeat > 1 else ""))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a plain database (admin / demo1234)")
    parser.add_argument("--password", default="demo1234")
    parser.add_argument("--keep", action="store_true", help="keep the two copies (for bench_members.py)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-encryption-"))
    os.environ["HANDBOOK_HOME"] = str(folder / "home")
    from handbook_desktop.services import access
    from handbook_desktop.services.backup import create_backup
    from handbook_desktop.services.encryption import convert_if_plain
    from handbook_desktop.store import datakey
    from handbook_desktop.store.database import Database

    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine: wall times inflated)")
    plain, encrypted = folder / "plain.sqlite3", folder / "encrypted.sqlite3"
    shutil.copyfile(args.db, plain)
    shutil.copyfile(args.db, encrypted)
    with Database.open(encrypted) as database:
        result = timed("conversion (backup first, export, checks)", lambda: convert_if_plain(database))
        print(f"  of which the verified plain backup was made first; {len(result.backups_encrypted)} backup(s) "
              "encrypted after")
    datakey.forget_all()
    timed("door: password opens the key (Argon2id)", lambda: access.unlock(encrypted, "admin", args.password))
    for name, path in (("plain", plain), ("encrypted", encrypted)):
        def opening():
            database = Database.open(path)
            database.home_unit()
            database.close()

        timed(f"open {name}", opening, repeat=3)
    for name, path in (("plain", plain), ("encrypted", encrypted)):
        with Database.open(path) as database:
            timed(f"backup {name} (copy + integrity + counts)", lambda: create_backup(database, second_folder=None),
                  repeat=2)
    size = {name: path.stat().st_size / 1e6 for name, path in (("plain", plain), ("encrypted", encrypted))}
    print(f"file size: plain {size['plain']:.0f} MB, encrypted {size['encrypted']:.0f} MB")
    if args.keep:
        print(f"search p95: python bench/bench_members.py --db {plain}  and  --db {encrypted}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
