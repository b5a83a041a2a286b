"""Member sheets at scale (issue 16, point 7; issue 18, point 3): a 20,000-row dry run and the real
import against the reader alone, and the readers against each other.

    python bench/bench_sheets.py [--rows 20000] [--db PATH] [--ours-only]

Writes a 20,000-row sheet laid out as branches keep theirs (title, two header rows with merged
parents, groups, totals and a signature block), then times, in the same run:

- the floor: python-calamine alone (the reader the program uses, bounds checked first);
- openpyxl read_only and xlrd (.xls) on the same rows (left out with ``--ours-only``);
- the dry run (``plan_import``);
- the real import as the dialog makes it: the dry run first (not timed), then ``apply_import``, which
  writes the dry run's plan when nothing changed since (the backup, the writes, one audit line per
  record) — on a fresh copy of an empty branch database or of ``--db`` each time;
- a second floor for the import's writes: the very rows the import wrote (members and audit lines)
  inserted again with plain ``executemany`` into a fresh copy, in one transaction, the search index
  kept by its triggers as every write path keeps it.

Each figure is the median of 3, wall clock and CPU time of this process (on a shared machine the
CPU time is the steadier one), printed with ours / floor and as ``BENCH`` lines for run_all.py.
Targets: the dry run and the import each within 2× of the reader alone (issue 16 §7, issue 18 §3).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 30)


def _sheet(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("DSDV")
    sheet.append(["DANH SÁCH ĐẢNG VIÊN"])
    sheet.append(["TT", "Họ và tên", "Ngày, tháng, năm", None, None, "Giới tính", "Quê quán", "Số CCCD", "Điện thoại"])
    sheet.append([None, None, "Sinh", "Vào Đảng", "Chính thức", None, None, None, None])
    sheet.append(["I. ĐẢNG VIÊN CHÍNH THỨC"])
    given = ["An", "Bình", "Cường", "Dung", "Hải", "Hoa", "Khang", "Lan", "Minh", "Nam"]
    for i in range(rows):
        born = date(1940 + i % 60, 1 + i % 12, 1 + i % 28)
        sheet.append([i + 1, f"Nguyễn Văn {given[i % 10]} {i}", born.strftime("%d/%m/%Y"),
                      f"{1 + i % 28:02d}/{1 + i % 12:02d}/{born.year + 20}",
                      f"{1 + i % 28:02d}/{1 + i % 12:02d}/{born.year + 21}", "Nam" if i % 2 else "Nữ",
                      "Hà Nội", f"{1:03d}{i % 2}{born.year % 100:02d}{i:06d}", 912000000 + i])
    sheet.append([None, f"Tổng cộng: {rows} đồng chí"])
    sheet.append([None, "Người lập biểu", None, None, "T/M CHI ỦY"])
    workbook.save(path)
    return path


def _timed(label: str, work, repeat: int = 3, before=None) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of ``repeat`` runs; ``before`` runs untimed first."""
    walls, cpus = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        started, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(f"{label:<48} {wall:6.2f} s  cpu {cpu:6.2f} s   ({result})")
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--db", help="a database to copy and dry-run against (else an empty branch)")
    parser.add_argument("--ours-only", action="store_true", help="leave out openpyxl and xlrd")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sheets-"))
    os.environ.setdefault("HANDBOOK_HOME", str(folder / "home"))
    from openpyxl import load_workbook

    from sqlalchemy import func, select

    from handbook_desktop.services.excel.importer import apply_import, plan_import
    from handbook_desktop.store.models import AuditLog
    from handbook_desktop.services.excel.reader import read_workbook
    from handbook_desktop.store.database import Database

    path = _sheet(folder / "ds.xlsx", args.rows)
    print(f"{args.rows} rows, {path.stat().st_size / 1e6:.1f} MB; load average {os.getloadavg()[0]:.1f} at the start")

    def openpyxl_rows():
        book = load_workbook(path, read_only=True, data_only=True)
        count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
        book.close()
        return f"{count} rows"

    reader = _timed("reader: python-calamine (bounds checked first)", lambda: f"{len(read_workbook(path)[0].rows)} rows")
    if not args.ours_only:
        _timed("openpyxl read_only", openpyxl_rows)
    try:
        if args.ours_only:
            raise ImportError
        import xlrd
        import xlwt

        xls = folder / "ds.xls"
        book = xlwt.Workbook(encoding="utf-8")
        out = book.add_sheet("DSDV")
        for r, row in enumerate(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if value is not None:
                    out.write(r, c, value)
        book.save(str(xls))
        _timed("xlrd (.xls)", lambda: f"{xlrd.open_workbook(str(xls)).sheet_by_index(0).nrows} rows")
        _timed("python-calamine (.xls)", lambda: f"{len(read_workbook(xls)[0].rows)} rows")
    except ImportError:
        pass

    template = folder / "template.sqlite3"
    if args.db:
        shutil.copyfile(args.db, template)
    else:
        from handbook_desktop.services.setup import HomeUnitSpec, initialise

        with Database.open(template) as fresh:
            initialise(fresh, HomeUnitSpec("CB-BENCH", "Chi bộ thử", "chi-bo", "DU", "Đảng ủy", "Hà Nội",
                                           date(2025, 7, 1)), "admin", "matkhau123")
    target = folder / "bench.sqlite3"
    state: dict = {}

    def fresh_copy():
        if state.get("db") is not None:
            state["db"].close()
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, target)
        state["db"] = Database.open(target)
        state["home"] = state["db"].home_unit().id

    def plan():
        with state["db"].read() as session:
            return plan_import(session, path, today=TODAY, default_unit_id=state["home"])

    fresh_copy()
    state["empty"] = _last_ids(state["db"])
    dry = _timed("dry run (plan_import)", lambda: ", ".join(f"{k} {v}" for k, v in plan().counts().items()))

    def dry_run_first():
        fresh_copy()
        state["plan"] = plan()  # the dialog's preview: the import writes this plan

    def real_import():
        from handbook_desktop.services.auth import SYSTEM

        done = apply_import(state["db"], SYSTEM, path, today=TODAY, default_unit_id=state["home"], plan=state["plan"])
        with state["db"].read() as session:
            lines = session.scalar(select(func.count()).select_from(AuditLog))
        reused = "the dry run's plan" if done is state["plan"] else "planned again"
        return ", ".join(f"{k} {v}" for k, v in done.counts().items()) + f"; {lines} audit lines; {reused}"

    real = _timed("real import after the dry run (apply_import)", real_import, before=dry_run_first)
    written = _rows_written(state["db"], state["empty"])
    plain = _timed("plain executemany of the rows it wrote", _plain_insert(state, written), before=fresh_copy)
    state["db"].close()
    rows_ = (("dry run", dry), ("import (after the dry run)", real), ("dry run + import", (dry[0] + real[0], dry[1] + real[1])))
    print()
    print(f"{'':28} {'wall s':>8} {'cpu s':>8} {'wall ×':>8} {'cpu ×':>8}   (× the reader alone: {reader[0]:.2f} s wall, "
          f"{reader[1]:.2f} s cpu)")
    for label, (wall, cpu) in rows_:
        print(f"{label:28} {wall:8.2f} {cpu:8.2f} {wall / reader[0]:8.2f} {cpu / reader[1]:8.2f}")
    print(f"import / plain insert of its rows: {real[0] / plain[0]:.2f} wall, {real[1] / plain[1]:.2f} cpu")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.rows} rows")
    print(f"BENCH sheets_dry_run_cpu_s ours={dry[1]:.3f} floor={reader[1]:.3f} bound=2x")
    print(f"BENCH sheets_import_cpu_s ours={real[1]:.3f} floor={reader[1]:.3f} bound=2x")
    print(f"BENCH sheets_dry_run_wall_s ours={dry[0]:.3f} floor={reader[0]:.3f} bound=2x")
    print(f"BENCH sheets_import_wall_s ours={real[0]:.3f} floor={reader[0]:.3f} bound=2x")
    print(f"BENCH sheets_import_vs_plain_insert_cpu_s ours={real[1]:.3f} floor={plain[1]:.3f}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


def _rows_written(database, after: dict[str, int]) -> dict[str, tuple[list, list]]:
    """The member and audit rows past ``after`` (the empty copy's last ids), as the driver reads them."""
    tables = {}
    connection = database.engine.raw_connection()
    try:
        for name in ("member", "audit_log"):
            cursor = connection.cursor()
            cursor.execute(f"SELECT * FROM {name} WHERE id > ?", (after[name],))
            tables[name] = ([d[0] for d in cursor.description], cursor.fetchall())
    finally:
        connection.close()
    return tables


def _last_ids(database) -> dict[str, int]:
    connection = database.engine.raw_connection()
    try:
        return {name: connection.execute(f"SELECT coalesce(max(id), 0) FROM {name}").fetchone()[0]
                for name in ("member", "audit_log")}
    finally:
        connection.close()


def _plain_insert(state: dict, tables: dict):
    """Plain executemany of ``tables`` into the current copy, in one transaction."""

    def work():
        connection = state["db"].engine.raw_connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
            for name, (columns, rows) in tables.items():
                connection.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES "
                                       f"({', '.join('?' * len(columns))})", rows)
            connection.execute("COMMIT")
            count = connection.execute("SELECT count(*) FROM member").fetchone()[0]
        finally:
            connection.close()
        return f"{count} members, {len(tables['audit_log'][1])} audit lines"

    return work


if __name__ == "__main__":
    raise SystemExit(main())
