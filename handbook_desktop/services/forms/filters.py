"""Jinja filters for Vietnamese party documents (DOMAIN.md §11, §13).

Templates written by secretaries use these names, so they are part of the template contract:
``d`` (dd/mm/yyyy), ``date_line`` (``Hà Nội, ngày 05 tháng 3 năm 2026``), ``date_words``
(``ngày 05 tháng 3 năm 2026``), ``upper`` (capitals keeping the diacritics), ``num`` (1.234),
``two`` (05), ``percent`` (71,4), ``time`` (14 giờ 00), ``dots`` (a dotted blank to fill by hand when the value is empty).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.text import number as vn_number

DOTS = "……………………"


def _as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def fmt_date(value) -> str:
    """``05/03/2026``; empty for no date."""
    return format_date(_as_date(value))


def date_words(value) -> str:
    """``ngày 05 tháng 3 năm 2026``.

    Hướng dẫn 36-HD/VPTW (như Nghị định 30/2020): ngày nhỏ hơn 10 và tháng 1, 2 viết thêm số 0
    ở trước, để không ai thêm được chữ số vào ngày đã ký.
    """
    day = _as_date(value)
    if day is None:
        return "ngày …… tháng …… năm ……"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(value, place: str | None = None) -> str:
    """``Hà Nội, ngày 05 tháng 3 năm 2026`` — the italic line under ĐẢNG CỘNG SẢN VIỆT NAM."""
    words = date_words(value)
    place = (place or "").strip()
    return f"{place}, {words}" if place else words[0].upper() + words[1:]


def upper_vn(value) -> str:
    """Capitals with the diacritics kept (``Đảng bộ`` → ``ĐẢNG BỘ``), NFC."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value).upper())


def number(value) -> str:
    """``1.234.567`` — Vietnamese thousands separator; empty for None."""
    if value is None or value == "":
        return ""
    return vn_number(value, 2 if isinstance(value, float) else 0)


def two_digits(value) -> str:
    if value is None or value == "":
        return "……"
    return f"{int(value):02d}"


def time_words(value) -> str:
    """``14 giờ 00`` from ``time`` or ``"14:00"``."""
    if value is None or value == "":
        return "…… giờ ……"
    if isinstance(value, (time, datetime)):
        hour, minute = value.hour, value.minute
    else:
        hour, minute = (int(part) for part in str(value).split(":")[:2])
    return f"{hour} giờ {minute:02d}"


def dots(value, filler: str = DOTS) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return filler
    return str(value)


def percent(value, total=100) -> str:
    """``value`` as a percentage of ``total``, one decimal with a comma: ``71,4``; ``100``."""
    try:
        value, total = float(value), float(total)
    except (TypeError, ValueError):  # a blank left to be written by hand
        return "……"
    if not total:
        return "……"
    return vn_number(value * 100.0 / total if total != 100 else value, 1)


FILTERS = {
    "percent": percent,
    "d": fmt_date,
    "date_words": date_words,
    "date_line": date_line,
    "upper": upper_vn,
    "num": number,
    "two": two_digits,
    "time": time_words,
    "dots": dots,
}
