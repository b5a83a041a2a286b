"""How long `demo --members N` takes (issue 2: 50,000 members in under a minute on 2 cores).

Usage: python bench/bench_demo.py [--members 50000] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HANDBOOK_HOME"] = folder
        from handbook_desktop.services.demo import generate
        from handbook_desktop.services.info import database_info
        from handbook_desktop.services.progress import drain
        from handbook_desktop.store.database import Database

        path = Path(folder) / "bench.sqlite3"
        started = time.perf_counter()
        with Database.open(path) as database:
            drain(generate(database, members=args.members, seed=args.seed, today=date(2026, 11, 15)))
            elapsed = time.perf_counter() - started
            info = database_info(database)
        size = path.stat().st_size / 1e6
        floor = _floor(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"demo --members {args.members}: {elapsed:.1f} s; {info['members']} members in {info['units']} units; "
          f"database {size:.0f} MB; peak memory {peak:.0f} MB; cores {os.cpu_count()}")
    print(f"floor: every row of the demo's tables inserted again with plain sqlite3 executemany in one "
          f"transaction: {floor:.1f} s")
    print(f"BENCH demo_s ours={elapsed:.2f} floor={floor:.2f}")
    print(f"BENCH demo_peak_mb ours={peak:.0f} floor=0 bound=800")


def _floor(path: Path) -> float:
    """The same rows, already made, written into an empty copy of the schema in one transaction:
    what the demo costs without generating anything."""
    import sqlite3

    source = sqlite3.connect(path)
    target_path = path.with_name("floor.sqlite3")
    target = sqlite3.connect(target_path, isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=FULL")
    tables = [row for row in source.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'member_fts%' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    for _name, sql in tables:
        target.execute(sql)
    for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"):
        target.execute(sql)
    started = time.perf_counter()
    target.execute("BEGIN IMMEDIATE")
    for name, _sql in tables:
        cursor = source.execute(f'SELECT * FROM "{name}"')
        marks = ", ".join("?" * len(cursor.description))
        while True:
            rows = cursor.fetchmany(5000)
            if not rows:
                break
            target.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    target.execute("COMMIT")
    seconds = time.perf_counter() - started
    target.close()
    source.close()
    return seconds


if __name__ == "__main__":
    main()
