"""Member sheets at scale (issue 16, point 7; issue 13, point 6): a 20,000-row dry run against the
reader alone, and the readers against each other.

    python bench/bench_sheets.py [--rows 20000] [--db PATH] [--ours-only]

Writes a 20,000-row sheet laid out as branches keep theirs (title, two header rows with merged
parents, groups, totals and a signature block), then times: python-calamine (the reader the
program uses, bounds checked first), openpyxl read_only and xlrd (.xls) on the same rows, and the
whole dry run (``plan_import``) and the real import (``apply_import``: the dry run again inside the
transaction, the backup, the writes and one audit line per record) on an empty branch database or
``--db`` (a copy is used, a fresh one for each import). Each figure is the median of 3, wall clock and
CPU time of this process (on a shared machine the CPU time is the steadier one). Targets: the dry run
and the real import each within 2× of the reader alone (issue 16 §7, issue 18 §3).
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
    print(f"{args.rows} rows, {path.stat().st_size / 1e6:.1f} MB")

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
    shutil.copyfile(template, target)
    database = Database.open(target)
    home = database.home_unit().id

    def dry_run():
        with database.read() as session:
            plan = plan_import(session, path, today=TODAY, default_unit_id=home)
        return ", ".join(f"{k} {v}" for k, v in plan.counts().items())

    dry = _timed("dry run (plan_import)", dry_run)
    database.close()
    state = {}

    def fresh_copy():
        if state.get("db") is not None:
            state["db"].close()
        shutil.copyfile(template, target)
        state["db"] = Database.open(target)

    def real_import():
        from handbook_desktop.services.auth import SYSTEM

        plan = apply_import(state["db"], SYSTEM, path, today=TODAY, default_unit_id=home)
        with state["db"].read() as session:
            lines = session.scalar(select(func.count()).select_from(AuditLog))
        return ", ".join(f"{k} {v}" for k, v in plan.counts().items()) + f"; {lines} audit lines"

    real = _timed("real import (apply_import)", real_import, before=fresh_copy)
    state["db"].close()
    print(f"dry run / reader     = {dry[0] / reader[0]:.2f} wall, {dry[1] / reader[1]:.2f} cpu (target ≤ 2)")
    print(f"real import / reader = {real[0] / reader[0]:.2f} wall, {real[1] / reader[1]:.2f} cpu (target ≤ 2)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
