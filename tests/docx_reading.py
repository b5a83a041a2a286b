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
