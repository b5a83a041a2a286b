"""Benchmark: 500 phiếu đảng viên (2-HSĐV) merged into one .docx — must take under a minute.

    /tmp/venv/bin/python bench/bench_forms.py [--count 500] [--demo]
    HANDBOOK_PASSWORD=demo1234 python bench/bench_forms.py --committee /work/data/demo50k.sqlite3

With --demo the contexts come from a fresh demo database (the real path: build_context per member);
without, from the sample context with 500 different names. With --committee the committee's forms
(DS-ĐV, BC-THÁNG, 4-HHĐ, 1-TĐV) are rendered on a copy of that database through the command line, as a
user does, three times each (bench_committee_forms.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--committee", help="a committee database (copied, never written): its forms at scale")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--forms", default="DS-ĐV,BC-THÁNG,4-HHĐ,1-TĐV")
    args = parser.parse_args()
    if args.committee:
        from bench_committee_forms import committee_forms

        return committee_forms(Path(args.committee), args.forms.split(","), args.repeat)
    from handbook_desktop.services import forms
    from handbook_desktop.services.progress import drain

    with tempfile.TemporaryDirectory() as work:
        start = time.perf_counter()
        if args.demo:
            import os

            os.environ["HANDBOOK_HOME"] = work
            from handbook_desktop.services.auth import SYSTEM
            from handbook_desktop.services.demo import generate
            from handbook_desktop.services.forms.build import build_context, current_members
            from handbook_desktop.store.database import Database

            database = Database.open(Path(work) / "bench.sqlite3")
            drain(generate(database, members=min(args.count, 300), seed=5))
            made = time.perf_counter()
            print(f"demo database: {made - start:.1f} s")
            start = made
            with database.read() as session:
                people = current_members(session)
                contexts = [build_context(session, "2-HSĐV", actor=SYSTEM, member_uuid=people[i % len(people)].uuid)
                            for i in range(args.count)]
            database.close()
        else:
            from handbook_desktop.services.forms.samples import sample_context

            contexts = []
            for i in range(args.count):
                context = sample_context("2-HSĐV")
                context["member"]["full_name_upper"] = f"ĐẢNG VIÊN SỐ {i + 1}"
                contexts.append(context)
        built = time.perf_counter()
        out = drain(forms.render_batch("2-HSĐV", contexts, Path(work) / "phieu.docx"))
        done = time.perf_counter()
        size = out.stat().st_size
        print(f"contexts: {built - start:.2f} s; render + merge {args.count} phiếu: {done - built:.2f} s; "
              f"file {size / 1e6:.1f} MB; total {done - start:.2f} s")
        import docx

        floor_started = time.perf_counter()  # the floor: the same document opened and saved once
        docx.Document(str(out)).save(str(Path(work) / "floor.docx"))
        floor = time.perf_counter() - floor_started
        print(f"floor: the merged document opened and saved by python-docx: {floor:.2f} s")
        print(f"BENCH forms_batch_s ours={done - built:.2f} floor={floor:.2f} bound=60")
        return 0 if done - start < 60 else 1


if __name__ == "__main__":
    raise SystemExit(main())
