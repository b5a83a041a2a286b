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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"demo --members {args.members}: {elapsed:.1f} s; {info['members']} members in {info['units']} units; "
          f"database {size:.0f} MB; peak memory {peak:.0f} MB; cores {os.cpu_count()}")


if __name__ == "__main__":
    main()
