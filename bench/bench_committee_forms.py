"""Committee forms at scale (issue 14): each form rendered by the command line on a copy of a committee's
database, as a user does (``forms render CODE --out …``), ``repeat`` times; median wall time and the
child's peak memory. Floor: the same command line opening the database and doing nothing (``signers
show``), plus python-docx opening and saving the produced document once.

    HANDBOOK_PASSWORD=demo1234 python bench/bench_forms.py --committee /work/data/demo50k.sqlite3
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(arguments: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MB) and output of one command-line run in its own process."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "handbook_desktop", *arguments], env=env, cwd=HERE.parent,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = child.stdout.read().decode(errors="replace")
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(arguments)}: {output}")
    return seconds, usage.ru_maxrss / 1024, output


def _name_a_signer(db: Path, env: dict) -> None:
    _s, _m, shown = _run(["--db", str(db), "signers", "show"], env)
    if "Bí thư: chưa có" not in shown:
        return
    _s, _m, found = _run(["--db", str(db), "signers", "find", "Nguyễn Văn Anh"], env)
    lines = [line for line in found.splitlines() if line.strip()]
    uuid = next((line for line in lines if "Bí thư" in line), lines[0]).split()[-1]  # a branch's bí thư
    _run(["--db", str(db), "signers", "set", "--role", "secretary", "--member", uuid], env)


def _floor(document: Path, copy: Path) -> float:
    script = ("import sys, time, docx; t = time.perf_counter(); docx.Document(sys.argv[1]).save(sys.argv[2]); "
              "print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", script, str(document), str(copy)], capture_output=True,
                                text=True, check=True).stdout)


def committee_forms(source: Path, codes: list[str], repeat: int) -> int:
    if "HANDBOOK_PASSWORD" not in os.environ:
        raise SystemExit("HANDBOOK_PASSWORD: the password of the database's administrator")
    work = Path(tempfile.mkdtemp(prefix="bench-committee-forms-"))
    try:
        from handbook_desktop.store.datakey import copy_database

        db = work / "committee.sqlite3"
        copy_database(source, db)
        env = dict(os.environ, HANDBOOK_HOME=str(work / "home"), PYTHONPATH=str(HERE.parent))
        _name_a_signer(db, env)
        print(f"load average: {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
        for code in codes:
            out = work / "form.docx"
            runs, openings = [], []
            for _ in range(repeat):  # the floor's opening measured beside each run (the load moves)
                openings.append(_run(["--db", str(db), "signers", "show"], env)[0])
                runs.append(_run(["--db", str(db), "forms", "render", code, "--out", str(out)], env))
            opening = statistics.median(openings)
            seconds = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            # in a child too: a child forked from a parent holding a big document reports that memory as its own
            floor = opening + _floor(out, work / "floor.docx")
            print(f"{code}: {seconds:.1f} s (runs {', '.join(f'{r[0]:.1f}' for r in runs)}), peak {peak:.0f} MB, "
                  f"{out.stat().st_size / 1e6:.1f} MB .docx; floor {floor:.1f} s "
                  f"(opening {opening:.1f} s + python-docx open/save)")
            print(f"BENCH committee_form_{code}_s ours={seconds:.2f} floor={floor:.2f}")
        print(f"load average after: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(committee_forms(Path(sys.argv[1]), (sys.argv[2] if len(sys.argv) > 2 else "DS-ĐV,BC-THÁNG,4-HHĐ,1-TĐV")
                             .split(","), 3))
