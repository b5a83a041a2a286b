"""Personal data in exports (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): which columns carry it,
a way to leave them out, and a visible notice in every workbook that keeps them."""

from __future__ import annotations

from pathlib import Path

# Member fields that are sensitive personal data (the members' field table marks them too).
PERSONAL_KEYS = {"national_id", "phone", "permanent_address", "temporary_address", "photo", "dues_basis",
                 "social_policy"}
NOTICE = ("Tài liệu có dữ liệu cá nhân (số CCCD, điện thoại, địa chỉ) — chỉ dùng cho công tác đảng, "
          "không chia sẻ, không đưa lên mạng (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15).")


def personal_keys() -> set[str]:
    keys = set(PERSONAL_KEYS)
    try:
        from handbook_desktop.services.members.fields import FIELDS

        keys |= {field.key for field in FIELDS if getattr(field, "sensitive", False)}
    except ImportError:
        pass
    return keys


def has_personal(columns) -> bool:
    return any(column in personal_keys() for column in columns)


def without_personal(columns) -> list[str]:
    keys = personal_keys()
    return [column for column in columns if column not in keys]


def mark_workbook(path: Path | str, *, personal: bool = True) -> None:
    """Say so in a saved .xlsx: a notice row above every sheet's content, the page header, and the
    file's properties."""
    if not personal:
        return
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    workbook = load_workbook(path)
    workbook.properties.keywords = "dữ liệu cá nhân"
    workbook.properties.description = NOTICE
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        sheet.oddHeader.center.text = "TÀI LIỆU CÓ DỮ LIỆU CÁ NHÂN"
        sheet.oddFooter.left.text = NOTICE[:200]
        sheet.insert_rows(1)
        cell = sheet.cell(row=1, column=1, value=NOTICE)
        cell.font = Font(bold=True, color="9A4D00")
    workbook.save(path)


def mask_text(text: str | None) -> str:
    """A report line as shown on screen: every CCCD and phone number in it masked (``0012******89``,
    ``091*****78``), the same masking as the log's, whatever put the number there."""
    from handbook_desktop.logs import mask_personal_numbers

    return mask_personal_numbers(text or "")


def report_line(message: str | None, values: dict | None, reveal: bool) -> str:
    """An import row's detail on screen: masked, or (asked for, audited) with the row's own CCCD and
    phone in full; the importer keeps only masked numbers in its change list."""
    if not reveal:
        return mask_text(message)
    shown = [f"{label}: {values[key]}" for key, label in (("national_id", "Số CCCD"), ("phone", "Điện thoại"))
             if values and values.get(key)]
    return " — ".join(part for part in (message or "", "; ".join(shown)) if part)


def record_reveal(database, actor, where: str, detail: dict | None = None) -> None:
    """Someone asked to see the full numbers in a report: audited (who, where, which file)."""
    if database.readonly:
        return
    from handbook_desktop.services.audit import record

    with database.session() as session:
        record(session, actor, "reveal", entity="member", detail={"where": where, **(detail or {})})
