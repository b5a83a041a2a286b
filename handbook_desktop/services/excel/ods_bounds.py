"""Rows and columns an .ods sheet really holds, counted on its XML before any reader expands it.

OpenDocument writes a run of equal rows once with ``table:number-rows-repeated`` (and equal cells
with ``table:number-columns-repeated``): a few bytes can declare a million rows of data, which a
reader then builds in memory. A run counts as its repeat count when it holds a value, or when rows
with values come after it; the empty run LibreOffice writes to the end of every sheet (a million
rows, nothing in them) counts as nothing, as readers leave it out.
"""

from __future__ import annotations

import re

_ROW_START = re.compile(rb"<table:table-row\b([^>]*?)(/?)>")
_ROW_END = b"</table:table-row>"
_TABLE_END = b"</table:table>"
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/?)>")
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')


def _repeat(pattern, attributes: bytes) -> int:
    found = pattern.search(attributes)
    return int(found.group(1)) if found else 1


def row_width(body: bytes) -> int:
    """The columns up to the last cell holding something, repeated cells expanded (0: an empty row)."""
    cells = list(_CELL.finditer(body))
    column = widest = 0
    for index, cell in enumerate(cells):
        column += _repeat(_COLUMNS_REPEATED, cell.group(1))
        if b"office:value-type=" in cell.group(1):
            widest = column
        elif not cell.group(2):  # <table:table-cell>…</table:table-cell>: text inside?
            stop = cells[index + 1].start() if index + 1 < len(cells) else len(body)
            if b"<text:" in body[cell.end():stop]:
                widest = column
    return widest


class OdsCounter:
    """Fed content.xml chunk by chunk; ``rows`` and ``widest`` as the sheets' data has them."""

    def __init__(self) -> None:
        self.rows = 0
        self.widest = 0
        self._pending = 0  # empty rows that count only if rows with values follow
        self._buffer = b""

    def feed(self, data: bytes) -> None:
        buffer = self._buffer + data
        position = 0
        keep = None
        while True:
            start = _ROW_START.search(buffer, position)
            before = start.start() if start else len(buffer)
            if buffer.find(_TABLE_END, position, before) >= 0:
                self._pending = 0  # a new sheet: the empty rows at the end of the last one stay empty
            if start is None:
                tag = buffer.rfind(b"<", position)
                keep = tag if tag >= 0 else len(buffer)
                break
            repeat = _repeat(_ROWS_REPEATED, start.group(1))
            if start.group(2):  # <table:table-row …/>: an empty row
                self._pending += repeat
                position = start.end()
                continue
            end = buffer.find(_ROW_END, start.end())
            if end < 0:
                keep = start.start()  # the row goes on in the next chunk
                break
            width = row_width(buffer[start.end():end])
            if width:
                self.rows += self._pending + repeat
                self._pending = 0
                self.widest = max(self.widest, width)
            else:
                self._pending += repeat
            position = end + len(_ROW_END)
        self._buffer = buffer[keep:]
