"""Excel in, bounded (issue 13, point 6): a zip bomb, a small file holding a 100 MB name and a
1,000,000-row sheet are each refused at once, the bound named, within bounded memory, nothing changed.
The files are built here, part by part, as an attacker would."""

from __future__ import annotations

import struct
import time
import tracemalloc
import zlib
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.excel.importer import apply_import, plan_import
from handbook_desktop.services.members import MemberFilter, count_members

TODAY = date(2026, 11, 30)
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _zip(path: Path, parts: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip written by hand: (name, deflated bytes, crc32, size as declared) — the header may lie."""
    out, central = bytearray(), bytearray()
    for name, packed, crc, size in parts:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0)
        out += encoded + packed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(packed), size,
                               len(encoded), 0, 0, 0, 0, 0, offset)
        central += encoded
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), len(out), 0)
    path.write_bytes(bytes(out))
    return path


def _part(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    return name, _raw_deflate(data), zlib.crc32(data), len(data)


def _bomb(path: Path, megabytes: int, declared: int | None = None) -> Path:
    """Zeros deflated once per megabyte and the same bytes repeated (a full flush makes every
    megabyte's output alike): a 4 GB part in 4 MB without compressing 4 GB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    megabyte = b"\0" * (1 << 20)
    first = packer.compress(megabyte) + packer.flush(zlib.Z_FULL_FLUSH)
    same = packer.compress(megabyte) + packer.flush(zlib.Z_FULL_FLUSH)
    count = megabytes
    packed = first + same * (count - 1) + packer.flush()
    size = count << 20
    return _zip(path, [_part("[Content_Types].xml", CONTENT_TYPES),
                       ("xl/worksheets/sheet1.xml", packed, 0, size if declared is None else declared)])


def _refused_quickly(db, path: Path, words: str) -> str:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UserError) as refused, db.read() as session:
            plan_import(session, path, today=TODAY)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(refused.value)
    assert words in message, message
    # Traced by tracemalloc, Python runs 3–10× slower; untraced each refusal takes under 0.6 s (report).
    assert elapsed < 10.0, elapsed
    assert peak < 40 << 20, peak  # Python's own allocations; the readers never ran
    with db.read() as session:
        assert count_members(session, MemberFilter(on=TODAY)) == 0
    return message


def test_a_zip_bomb_is_refused_by_its_declared_size(db, tmp_path):
    path = _bomb(tmp_path / "bom.xlsx", 4000)
    assert 3 << 20 < path.stat().st_size < 5 << 20  # a 4 MB workbook unpacking to 4 GB
    message = _refused_quickly(db, path, "giải nén")
    assert "250 MB" in message  # the bound, named


def test_a_zip_bomb_that_lies_about_its_size_is_refused_too(db, tmp_path):
    """Declared as 10 KB: unpacking stops at the declared size and the check sum gives it away —
    or the chunked count stops it at the bound; either way it is refused and never unpacked whole."""
    path = _bomb(tmp_path / "bom-noi-doi.xlsx", 1000, declared=10_000)
    _refused_quickly(db, path, "Tệp 'bom-noi-doi.xlsx'")


def test_a_small_file_holding_a_100_mb_name_is_refused(db, tmp_path):
    name = b"A" * (100 << 20)
    strings = b'<sst xmlns="x" count="1" uniqueCount="1"><si><t>' + name + b"</t></si></sst>"
    path = _zip(tmp_path / "ten-dai.xlsx", [_part("[Content_Types].xml", CONTENT_TYPES),
                                            _part("xl/sharedStrings.xml", strings)])
    del name, strings
    assert path.stat().st_size < 200 << 10  # about 104 KB
    message = _refused_quickly(db, path, "nở ra")
    assert "100 lần" in message


def test_a_million_row_sheet_is_refused_at_the_row_bound(db, tmp_path):
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (i, i)
                    for i in range(1, 1_000_001))
    sheet = b'<worksheet xmlns="x"><sheetData>' + rows + b"</sheetData></worksheet>"
    path = _zip(tmp_path / "trieu-dong.xlsx", [_part("[Content_Types].xml", CONTENT_TYPES),
                                               _part("xl/worksheets/sheet1.xml", sheet)])
    del rows, sheet
    message = _refused_quickly(db, path, "dòng")
    assert "120.000" in message


def test_a_cell_longer_than_the_bound_is_refused(db, secretary, tmp_path):
    """Excel itself stops a cell at 32,767 characters (and the reader keeps to it); a bound set lower
    by the rules refuses the file, naming the cell and the bound."""
    from dataclasses import replace

    from handbook_desktop.services.excel.limits import ExcelLimits
    from handbook_desktop.services.excel.reader import read_workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Ngày sinh"])
    sheet.append(["Nguyễn Văn " + "A" * 5_000, "01/01/1970"])
    path = tmp_path / "o-dai.xlsx"
    workbook.save(path)
    with pytest.raises(UserError, match="dòng 2, cột 1 dài 5.011 ký tự, quá giới hạn 1.000"):
        read_workbook(path, replace(ExcelLimits.shipped(TODAY), max_cell_chars=1000))
    assert read_workbook(path, ExcelLimits.shipped(TODAY))[0].rows[1][0].endswith("AAAA")


def test_the_bounds_are_rules_with_sources():
    from handbook_desktop.domain.rules import RuleBook
    from handbook_desktop.services.excel.limits import ExcelLimits
    from handbook_desktop.services.rules import shipped_rules

    book = RuleBook.of(shipped_rules())
    limits = ExcelLimits.from_book(book, TODAY)
    assert limits.max_rows == 120_000 and limits.max_cell_chars == 32_767
    assert all(book.rule(f"excel.import.{k}", TODAY).source for k in ("max_file_bytes", "max_ratio", "max_columns"))
