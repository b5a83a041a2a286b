"""Every bench in bench/, one after the other, and one table of ours / floor (issue 18 §7).

    python bench/run_all.py [--members 2000] [--only sync,members] [--timeout 3600]

Each bench measures its own floor in the same run (one transaction for inserts, the reader alone
for sheets, a bare window for the window, the same key events into a bare line edit for search …)
and prints one line per figure::

    BENCH <name> ours=<value> floor=<value> [bound=<value>]

which this runner collects. The default size is the CI's (2,000 members, a few minutes on two
cores); ``--members 50000`` or ``200000`` gives the issue's figures. The machine's load average is
printed first: on a shared machine the figures say so.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LINE = re.compile(r"^BENCH (\S+) ours=(\S+) floor=(\S+)(?: bound=(\S+))?")


def commands(members: int, demo: Path) -> dict[str, list[str]]:
    """The argument list of each bench for a register of ``members``."""
    return {
        "demo": ["bench_demo.py", "--members", str(members)],
        "members": ["bench_members.py", "--db", str(demo), "--queries", "30"],
        "package": ["bench_package.py", "--db", str(demo), "--repeat", "1"],
        "sync": ["bench_sync.py", "--branches", str(max(2, min(150, members // 300))), "--members", str(members),
                 "--meetings", str(max(10, members // 25))],
        "sheets": ["bench_sheets.py", "--rows", str(min(members, 20_000))],
        "backup": ["bench_backup.py", "--members", str(members)],
        "meetings": ["bench_meetings.py", "--members", str(members)],
        "reports": ["bench_reports.py", "--db", str(demo)],
        "todo": ["bench_todo.py", "--members", str(members)],
        "pages": ["bench_pages.py", "--db", str(demo)],
        "memory": ["bench_memory.py", "--db", str(demo)],
        "forms": ["bench_forms.py", "--count", str(max(20, min(500, members // 100)))],
    }


def _number(text: str | None) -> float | None:
    try:
        return float(text.rstrip("x×")) if text else None
    except ValueError:
        return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2000, help="register size (default: CI-sized 2000)")
    parser.add_argument("--only", help="comma-separated bench names (demo, members, package, sync, …)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed to each bench")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-all-"))
    env = dict(os.environ, HANDBOOK_HOME=str(folder / "home"), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.members} members")
    demo = folder / "demo.sqlite3"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "handbook_desktop", "--db", str(demo), "demo", "--members",
                    str(args.members), "--seed", "3"], check=True, stdout=subprocess.DEVNULL, env=env)
    print(f"shared demo made in {time.perf_counter() - started:.0f} s")
    chosen = commands(args.members, demo)
    if args.only:
        chosen = {name: chosen[name] for name in args.only.split(",")}
    rows, missing = [], []
    for name, argv in chosen.items():
        copy = folder / f"{name}.sqlite3"  # a bench that writes gets its own copy of the demo
        argv = [str(copy) if item == str(demo) else item for item in argv]
        if str(copy) in argv:
            copy.write_bytes(demo.read_bytes())
        started = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, str(HERE / argv[0]), *argv[1:]], capture_output=True, text=True,
                                  env=env, timeout=args.timeout)
            output, code = done.stdout, done.returncode
        except subprocess.TimeoutExpired as error:
            output, code = (error.stdout or b"").decode() if isinstance(error.stdout, bytes) else (error.stdout or ""), -1
        seconds = time.perf_counter() - started
        found = [LINE.match(line) for line in output.splitlines()]
        found = [match for match in found if match]
        print(f"{name}: {seconds:.0f} s, exit {code}, {len(found)} figures", flush=True)
        if not found:
            missing.append(name)
        for match in found:
            rows.append((name, match.group(1), _number(match.group(2)), _number(match.group(3)), match.group(4)))
    print()
    print(f"{'bench':10} {'figure':34} {'ours':>10} {'floor':>10} {'ours/floor':>10}  bound")
    for name, figure, ours, floor, bound in rows:
        ratio = f"{ours / floor:.1f}×" if ours is not None and floor else "—"
        print(f"{name:10} {figure:34} {ours if ours is not None else '—':>10} {floor if floor is not None else '—':>10} "
              f"{ratio:>10}  {bound or ''}")
    if missing:
        print(f"\nno BENCH line (floor not measured yet): {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
