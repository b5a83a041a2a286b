"""Member sheets at scale (issue 16, point 7; issue 13, point 6): a 20,000-row dry run against the
reader alone, and the readers against each other.

    python bench/bench_sheets.py [--rows 20000] [--db PATH]

Writes a 20,000-row sheet laid out as branches keep theirs (title, two header rows with merged
parents, groups, totals and a signature block), then times: python-calamine (the reader the
program uses, bounds checked first), openpyxl read_only and xlrd (.xls) on the same rows, and the
whole dry run (``plan_import``) on an empty branch database or ``--db`` (a copy is used). Target: the
dry run within 2× of the reader alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
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


def _timed(label: str, work, repeat: int = 3) -> float:
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<48} {best:6.2f} s   ({result})")
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--db", help="a database to copy and dry-run against (else an empty branch)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sheets-"))
    os.environ.setdefault("HANDBOOK_HOME", str(folder / "home"))
    from openpyxl import load_workbook

    from handbook_desktop.services.excel.importer import plan_import
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
    _timed("openpyxl read_only", openpyxl_rows)
    try:
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

    target = folder / "bench.sqlite3"
    if args.db:
        shutil.copyfile(args.db, target)
        database = Database.open(target)
    else:
        from handbook_desktop.services.setup import HomeUnitSpec, initialise

        database = Database.open(target)
        initialise(database, HomeUnitSpec("CB-BENCH", "Chi bộ thử", "chi-bo", "DU", "Đảng ủy", "Hà Nội",
                                          date(2025, 7, 1)), "admin", "matkhau123")

    def dry_run():
        with database.read() as session:
            plan = plan_import(session, path, today=TODAY, default_unit_id=database.home_unit().id)
        return ", ".join(f"{k} {v}" for k, v in plan.counts().items())

    whole = _timed("dry run (plan_import)", dry_run, repeat=2)
    print(f"dry run / reader = {whole / reader:.2f} (target ≤ 2)")
    database.close()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
