"""Reading the values people really put in their sheets: dates in every form, numbers as text,
decomposed Unicode, and text typed in the legacy TCVN3 (ABC) or VNI fonts.

A date is never guessed: day first always; a two-digit year is accepted only when one century
alone gives a date in the last 110 years; anything else is reported with the cell's text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from handbook_desktop.domain.text import clean


class CellProblem(ValueError):
    """A cell whose value cannot be taken as it is; the message is for the user."""


_TEXT_DATE = re.compile(r"^(\d{1,2})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 60 is Excel's phantom 29/02/1900; real dates start after it
_MAX_SERIAL = 2958465  # 31/12/9999


def from_serial(serial: float) -> date:
    number = int(serial)
    if number < 61:
        # The 1900 leap-year bug of Lotus/Excel: serials below 61 are one day off, and no
        # member record has a date in the first two months of 1900.
        raise CellProblem(f"Số {serial:g} ứng với một ngày năm 1900: hãy kiểm tra lại ô này.")
    if number > _MAX_SERIAL:
        raise CellProblem(f"Số {serial:g} không phải một ngày.")
    return _EXCEL_EPOCH + timedelta(days=number)


def _build(day: int, month: int, year: int, text: str) -> date:
    if not 1 <= month <= 12:
        raise CellProblem(f"Ngày '{text}' không có thật: tháng {month} (ngày viết trước, tháng viết sau).")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellProblem(f"Ngày '{text}' không có thật (tháng {month} năm {year} không có ngày {day}).") from None


def parse_date_cell(value, today: date) -> date | None:
    """A date from a cell: a real date, an Excel serial number, or text written day first."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellProblem(f"'{value}' không phải một ngày.")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1900 <= value <= 2100:
            raise CellProblem(f"Chỉ có năm {int(value)}, thiếu ngày và tháng: hãy ghi đủ dd/mm/yyyy.")
        return from_serial(float(value))
    text = clean(str(value))
    if text is None:
        return None
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return _build(day, month, year, text)
    match = _TEXT_DATE.match(text)
    if match:
        day, _, month, year_text = match.groups()
        day, month = int(day), int(month)
        if len(year_text) == 4:
            return _build(day, month, int(year_text), text)
        return _two_digit_year(day, month, int(year_text), text, today)
    if re.fullmatch(r"\d{4}", text):
        raise CellProblem(f"Chỉ có năm {text}, thiếu ngày và tháng: hãy ghi đủ dd/mm/yyyy.")
    if re.fullmatch(r"\d{1,2}[/\-.]\d{4}", text):
        raise CellProblem(f"'{text}' thiếu ngày: hãy ghi đủ dd/mm/yyyy.")
    raise CellProblem(f"Không hiểu ngày '{text}': hãy ghi theo dạng dd/mm/yyyy.")


_YEARS_BACK = 110


def _two_digit_year(day: int, month: int, short: int, text: str, today: date) -> date:
    candidates = []
    for century in (1900, 2000):
        try:
            candidate = _build(day, month, century + short, text)
        except CellProblem:
            raise
        # Only a date in the last 110 years (the oldest members are past 100), not in the future, can be meant.
        if candidate <= today and candidate > date(today.year - _YEARS_BACK, today.month, min(today.day, 28)):
            candidates.append(candidate)
    if len(candidates) == 1:
        return candidates[0]
    raise CellProblem(f"Năm viết hai chữ số trong '{text}' không rõ thế kỷ: hãy ghi đủ bốn chữ số của năm.")


# Letters of the Latin-1 block that Vietnamese written in Unicode uses; every other Latin-1
# character in a name or address is a sign of the legacy 8-bit fonts (.VnTime = TCVN3, VNI-Times).
_VIETNAMESE_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_HARMLESS = set("\u00a0°±²³·×«»º§©®½¼¾")
_LEGACY = {chr(code) for code in range(0x80, 0x100)} - _VIETNAMESE_LATIN1 - {" "}
# Characters from the Windows-1252 upper half that TCVN3 uses for capitals and marks.
_LEGACY |= set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")
# VNI writes a base vowel followed by a mark character ("aø" à, "eä" ệ) and Đ as "Ñ"; TCVN3 writes
# each toned vowel as one character, many of them symbols below À ("V¨n" Văn, "§øc" Đức) or capitals
# after a small letter ("NguyÔn" Nguyễn, "ThÞ" Thị). The scores only choose the name in the message.
_VNI_MARKS = re.compile(r"[aeiouy][\u00e0-\u00ff]|[AEIOUY][\u00c0-\u00df]")
_VNI_D = re.compile(r"(?:^|\s)[Ññ]")
_TCVN3_SYMBOLS = re.compile(r"[\u00a1-\u00bf]")
_TCVN3_CAPITALS = re.compile(r"[a-z][\u00c0-\u00df]")


def legacy_encoding(text: str | None) -> str | None:
    """'TCVN3' or 'VNI' when the text looks typed in a legacy font, else None."""
    if not text:
        return None
    suspicious = [ch for ch in text if ch in _LEGACY]
    if not suspicious:
        return None
    # A single degree sign or guillemet in an otherwise clean address is not a legacy font.
    if all(ch in _HARMLESS for ch in suspicious) and len(suspicious) == 1:
        return None
    tcvn = 2 * len(_TCVN3_SYMBOLS.findall(text)) + len(_TCVN3_CAPITALS.findall(text))
    vni = len(_VNI_MARKS.findall(text)) + 2 * len(_VNI_D.findall(text))
    return "VNI" if vni > tcvn else "TCVN3"


def text_cell(value) -> str | None:
    """Cell value as text: integers without '.0', NFC, trimmed. Leading zeros survive only in text cells."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return clean(str(value))
