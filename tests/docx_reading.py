"""Reading a produced .docx back as a person would: every paragraph, then every table cell."""

from __future__ import annotations

from docx import Document


def docx_text(path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def list_rows(document) -> list:
    """The rows of a list form, header row first: the list's table and the table of its last rows that
    keeps with the total and the signature (render.keep_table_tail) read as one."""
    tables = document.tables[1:-1]  # after the §11 header, before the signature
    return [row for table in tables for row in table.rows]
