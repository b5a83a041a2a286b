"""An .ods declares runs of equal rows and cells once (``table:number-rows-repeated``,
``table:number-columns-repeated``): the bound check expands them as a reader would, so a few bytes
declaring a million rows of data are refused before any reader builds them, while the empty run
LibreOffice writes to the end of every sheet is no row at all (issue 16)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from handbook_desktop.services.excel.limits import ExcelLimits, SheetTooLarge, check_file
from handbook_desktop.services.excel.ods_bounds import OdsCounter
from handbook_desktop.services.excel.reader import read_workbook

HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        b'<office:body><office:spreadsheet><table:table table:name="DSDV">')
TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"
MANIFEST = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            b'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def cell(text: str, repeat: int = 1) -> bytes:
    repeated = f' table:number-columns-repeated="{repeat}"'.encode() if repeat > 1 else b""
    return (b'<table:table-cell office:value-type="string"' + repeated + b"><text:p>" + text.encode()
            + b"</text:p></table:table-cell>")


def row(cells: bytes, repeat: int = 1) -> bytes:
    repeated = f' table:number-rows-repeated="{repeat}"'.encode() if repeat > 1 else b""
    return b"<table:table-row" + repeated + b">" + cells + b"</table:table-row>"


EMPTY_TO_THE_END = row(b'<table:table-cell table:number-columns-repeated="1024"/>', 1_048_572)


def ods(path: Path, body: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", HEAD + body + TAIL, compress_type=zipfile.ZIP_DEFLATED)
    return path


def members(count: int) -> bytes:
    return b"".join(row(cell(f"Nguyễn Văn {n}") + cell("01/01/1970")) for n in range(count))


def test_a_sheet_as_libreoffice_writes_it_passes_and_reads_its_rows(tmp_path):
    path = ods(tmp_path / "ds.ods", row(cell("Họ và tên") + cell("Ngày sinh")) + members(3) + EMPTY_TO_THE_END)
    check_file(path, ExcelLimits.shipped())  # the million empty rows at the end are no rows
    (sheet,) = read_workbook(path)
    assert sheet.rows[0] == ["Họ và tên", "Ngày sinh"] and len(sheet.rows) == 4


def test_a_row_of_data_repeated_past_the_bound_is_refused_before_it_is_read(tmp_path):
    limits = ExcelLimits.shipped()
    path = ods(tmp_path / "bom.ods", row(cell("Họ và tên")) + row(cell("Nguyễn Văn A"), limits.max_rows + 1))
    assert path.stat().st_size < 10_000  # a few bytes declaring the rows
    with pytest.raises(SheetTooLarge, match="dòng"):
        check_file(path, limits)


def test_empty_rows_followed_by_data_count(tmp_path):
    limits = ExcelLimits.shipped()
    gap = row(b'<table:table-cell table:number-columns-repeated="3"/>', limits.max_rows)
    path = ods(tmp_path / "gap.ods", row(cell("Họ và tên")) + gap + row(cell("Nguyễn Văn B")))
    with pytest.raises(SheetTooLarge, match="dòng"):
        check_file(path, limits)


def test_a_cell_repeated_past_the_column_bound_is_refused(tmp_path):
    limits = ExcelLimits.shipped()
    path = ods(tmp_path / "wide.ods", row(cell("Họ và tên") + cell("x", limits.max_columns + 1)))
    with pytest.raises(SheetTooLarge, match="cột"):
        check_file(path, limits)


def test_rows_split_across_chunks_are_counted_once():
    body = HEAD + members(50) + EMPTY_TO_THE_END + TAIL
    counter = OdsCounter()
    for start in range(0, len(body), 37):  # a row, a tag and an attribute cut anywhere
        counter.feed(body[start:start + 37])
    assert (counter.rows, counter.widest) == (50, 2)
