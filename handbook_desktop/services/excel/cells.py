"""Reading the values people really put in their sheets: dates in every form, numbers as text,
decomposed Unicode, and text typed in the legacy TCVN3 (ABC) or VNI fonts.

A date is never guessed: day first always; a two-digit year is accepted only when one century
alone gives a date in the last 110 years; anything else is reported with the cell's text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache

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
    if isinstance(value, str):
        return _text_date(value, today)  # a sheet repeats its dates: each text read once
    return _date_cell(value, today)


@lru_cache(maxsize=16384)
def _text_date(value: str, today: date) -> date | None:
    return _date_cell(value, today)


def _date_cell(value, today: date) -> date | None:
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
            raise CellProblem(f"Chỉ có năm {int(value)}, thiếu ngày và tháng: hãy ghi đủ ngày/tháng/năm, ví dụ 05/03/2026.")
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
        raise CellProblem(f"Chỉ có năm {text}, thiếu ngày và tháng: hãy ghi đủ ngày/tháng/năm, ví dụ 05/03/2026.")
    if re.fullmatch(r"\d{1,2}[/\-.]\d{4}", text):
        raise CellProblem(f"'{text}' thiếu ngày: hãy ghi đủ ngày/tháng/năm, ví dụ 05/03/2026.")
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
    if not text or text.isascii() or _LEGACY.isdisjoint(text):
        return None  # the usual case, decided without a loop in Python
    suspicious = [ch for ch in text if ch in _LEGACY]
    if not suspicious:
        return None
    # A single degree sign or guillemet in an otherwise clean address is not a legacy font.
    if all(ch in _HARMLESS for ch in suspicious) and len(suspicious) == 1:
        return None
    tcvn = 2 * len(_TCVN3_SYMBOLS.findall(text)) + len(_TCVN3_CAPITALS.findall(text))
    vni = len(_VNI_MARKS.findall(text)) + 2 * len(_VNI_D.findall(text))
    return "VNI" if vni > tcvn else "TCVN3"


# TCVN 5712:1993 (VN3, the ".Vn" fonts such as .VnTime): each byte of the upper half is one
# Vietnamese letter — every lowercase letter and the capitals Ă Â Ê Ô Ơ Ư Đ (the VN3 fonts have no
# toned capitals; capitals were typed in the all-capitals ".VnTimeH" fonts). In a worksheet the
# bytes show as the Windows-1252 characters of the same code.
_TCVN3 = {
    0xA0: " ", 0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ",
    0xC6: "ặ", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ", 0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ",
    0xD0: "é", 0xD1: "ẹ", 0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ", 0xD7: "ì", 0xD8: "ỉ",
    0xDC: "ĩ", 0xDD: "í", 0xDE: "ị", 0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ", 0xE5: "ồ",
    0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ", 0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ", 0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ",
    0xF9: "ự", 0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
TCVN3_TO_UNICODE = {chr(code): letter for code, letter in _TCVN3.items()}


def from_tcvn3(text: str) -> str | None:
    """The text typed in a TCVN3 font, in Unicode; ``None`` when a character is not one of
    TCVN3's (then it is not TCVN3 after all, or damaged: nothing is guessed)."""
    if not any(ch in TCVN3_TO_UNICODE and ch not in _HARMLESS for ch in text):
        return None  # only signs that Unicode text also uses («», °, ½ …): not sure enough to convert
    converted = []
    for ch in text:
        if ch < "\x80":
            converted.append(ch)
        elif ch in TCVN3_TO_UNICODE:
            converted.append(TCVN3_TO_UNICODE[ch])
        else:
            return None
    return unicodedata.normalize("NFC", "".join(converted))


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
