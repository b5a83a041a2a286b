"""Backups at committee size: create (plain and encrypted), verify, restore, and the data check.

Usage: python bench/bench_backup.py [--members 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(label: str, work):
    started = time.perf_counter()
    result = work()
    print(f"{label:<42} {time.perf_counter() - started:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HANDBOOK_HOME"] = folder
        from handbook_desktop.services import backup
        from handbook_desktop.services.auth import SYSTEM
        from handbook_desktop.services.datacheck import run_check
        from handbook_desktop.services.demo import generate
        from handbook_desktop.services.progress import drain
        from handbook_desktop.store.database import Database

        path = Path(folder) / "bench.sqlite3"
        database = Database.open(path)
        timed(f"demo with {args.members} members", lambda: drain(
            generate(database, members=args.members, seed=args.seed, today=date(2026, 11, 15))))
        size = path.stat().st_size / 1024 / 1024
        print(f"database size {size:.1f} MB")
        import shutil

        started = time.perf_counter()
        plain = timed("backup (online API + verify + manifest)", lambda: backup.create_backup(database)).info
        ours = time.perf_counter() - started
        started = time.perf_counter()
        shutil.copyfile(path, Path(folder) / "copy.sqlite3")
        floor = time.perf_counter() - started
        print(f"{'floor: a plain copy of the file':<42} {floor:7.2f} s")
        print(f"BENCH backup_s ours={ours:.2f} floor={floor:.2f}")
        sealed = timed("encrypted backup (Argon2id + AES-GCM)",
                       lambda: backup.create_backup(database, password="mat-khau-sao-luu")).info
        timed("verify plain backup again", lambda: backup.verify_backup(plain))
        timed("verify encrypted backup (decrypt + check)",
              lambda: backup.verify_backup(sealed, password="mat-khau-sao-luu"))
        report = timed("data check (integrity, links, rules)", lambda: run_check(database))
        print(f"  -> {report.summary()}")
        timed("restore (backup current, prepare, swap, verify)",
              lambda: backup.restore_backup(path, plain, actor=SYSTEM, database=database))
        database.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
