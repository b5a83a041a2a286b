"""Checks on a member record before it is stored.

Impossible data blocks (a date order that cannot happen, a CCCD that is not 12 digits, an age
under the admission minimum); odd formats only warn, because the card and record-number formats
are changing with the 2025 card exchange (Chỉ thị 51-CT/TW) — DOMAIN.md §3. Nothing is silently
accepted or dropped: every finding reaches the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from handbook_desktop.domain.dates import add_months, age_on, format_date
from handbook_desktop.domain.rules import RuleBook, RuleNotFound
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services.members.fields import DATE_FIELDS, FIELD_BY_KEY

CARD_PATTERN = re.compile(r"^\d{2}\.\d{6}$")  # 2003-series card: NN.NNNNNN (DOMAIN.md §3, check)
RECORD_PATTERN = re.compile(r"^\d{6,7}[A-ZĐ]{1,3}$")  # số lý lịch: 6–7 digits + province letters (check)
NATIONAL_ID_PATTERN = re.compile(r"^\d{12}$")
PHONE_PATTERN = re.compile(r"^(0\d{9}|\+84\d{9})$")


@dataclass(frozen=True)
class Issue:
    field: str
    message: str
    blocking: bool

    def __str__(self) -> str:
        return self.message


def _rule(book: RuleBook, key: str, on: date):
    """The rule in force on the day; for days before the table's first version, that first version.

    The table starts with the regulations in force when the program was written; records of older
    admissions are still checked against the oldest known rule rather than not at all.
    """
    remembered = getattr(book, "value_or_first", None)  # a sheet's import remembers the answers
    if remembered is not None:
        return remembered(key, on)
    try:
        return book.value(key, on)
    except RuleNotFound:
        first = book.first(key)
        return book.value(key, first) if first is not None else None


_OFFICIAL, _PROBATIONARY = MemberStatus.OFFICIAL.value, MemberStatus.PROBATIONARY.value
_CANDIDATE = MemberStatus.CANDIDATE.value
_ADMITTED = frozenset({_OFFICIAL, _PROBATIONARY, MemberStatus.EXEMPT.value})


@lru_cache(maxsize=1)
def _choices() -> dict[str, frozenset[str]]:
    return {key: frozenset(code for code, _ in FIELD_BY_KEY[key].choices) for key in ("status", "gender", "party_position")}


def _label(key: str) -> str:
    return FIELD_BY_KEY[key].label


def validate_member(values: dict, book: RuleBook, today: date) -> list[Issue]:
    """All findings about one record (values already typed: dates as ``date``, codes as codes)."""
    issues: list[Issue] = []

    def error(field: str, message: str) -> None:
        issues.append(Issue(field, message, True))

    def warn(field: str, message: str) -> None:
        issues.append(Issue(field, message, False))

    if not (values.get("full_name") or "").strip():
        error("full_name", "Chưa có họ và tên.")
    for key in DATE_FIELDS:
        value = values.get(key)
        if value is not None and value > today:
            error(key, f"{_label(key)} {format_date(value)} ở sau ngày hôm nay: hãy kiểm tra lại.")
    for key, codes in _choices().items():
        value = values.get(key)
        if value is not None and value not in codes:
            error(key, f"{_label(key)} '{value}' không có trong danh mục.")

    year = values.get("birth_year")
    if year is not None and values.get("date_of_birth") is None:
        if not 1900 <= year <= today.year:
            error("date_of_birth", f"Năm sinh {year} không hợp lệ: hãy ghi bốn chữ số, ví dụ 1958.")
        else:
            warn("date_of_birth", f"Chỉ có năm sinh (…/…/{year}): cần bổ sung ngày, tháng.")
    birth = values.get("date_of_birth")
    decision = values.get("decision_date")
    ceremony = values.get("ceremony_date")
    official = values.get("official_date")
    admission = decision or ceremony
    if birth and admission and birth >= admission:
        error("date_of_birth", f"Ngày sinh {format_date(birth)} không thể sau ngày kết nạp {format_date(admission)}.")
    elif birth and admission:
        minimum = _rule(book, "admission.age_min_years", admission)
        maximum = _rule(book, "admission.age_max_years", admission)
        age = age_on(birth, admission)
        if minimum is not None and age < minimum:
            error("decision_date", f"Khi kết nạp ({format_date(admission)}) mới {age} tuổi, chưa đủ {minimum} tuổi.")
        if maximum is not None and age > maximum:
            warn("decision_date", f"Khi kết nạp đã {age} tuổi, trên {maximum} tuổi: cần ý kiến của cấp ủy có thẩm quyền.")
    if decision and ceremony and ceremony < decision:
        error("ceremony_date",
              f"Ngày lễ kết nạp {format_date(ceremony)} không thể trước ngày quyết định kết nạp {format_date(decision)}.")
    if official and ceremony and official < ceremony:
        error("official_date",
              f"Ngày chính thức {format_date(official)} không thể trước ngày lễ kết nạp {format_date(ceremony)}.")
    elif official and ceremony:
        months = _rule(book, "probation.months", ceremony)
        if months and official < add_months(ceremony, months):
            warn("official_date", f"Ngày chính thức {format_date(official)} chưa đủ {months} tháng dự bị "
                                  f"kể từ lễ kết nạp {format_date(ceremony)}.")
    if official and decision and official < decision:
        error("official_date",
              f"Ngày chính thức {format_date(official)} không thể trước ngày quyết định kết nạp {format_date(decision)}.")
    card_date = values.get("card_issued_date")
    if card_date and official and card_date < official:
        warn("card_issued_date", f"Ngày cấp thẻ {format_date(card_date)} trước ngày chính thức {format_date(official)}.")

    national_id = values.get("national_id")
    if national_id and not NATIONAL_ID_PATTERN.match(national_id):
        digits = sum(ch.isdigit() for ch in national_id)
        error("national_id", f"Số CCCD phải có đúng 12 chữ số (đang có {len(national_id)} ký tự, {digits} chữ số)"
                             + (": Excel có thể đã bỏ số 0 ở đầu." if national_id.isdigit() and len(national_id) < 12 else "."))
    card = values.get("party_card_number")
    if card and not CARD_PATTERN.match(card):
        warn("party_card_number", f"Số thẻ đảng viên '{card}' khác dạng thường gặp NN.NNNNNN.")
    record_number = values.get("record_number")
    if record_number and not RECORD_PATTERN.match(record_number):
        warn("record_number", f"Số lý lịch '{record_number}' khác dạng thường gặp (6–7 chữ số và mã tỉnh, ví dụ 123456HN).")
    phone = values.get("phone")
    if phone and not PHONE_PATTERN.match(phone):
        warn("phone", "Số điện thoại khác dạng thường gặp (10 chữ số, bắt đầu bằng 0)"
                      + (": Excel có thể đã bỏ số 0 ở đầu." if phone.isdigit() and len(phone) == 9 else "."))

    status = values.get("status")
    if status in _ADMITTED and not admission:
        warn("decision_date", "Đảng viên chưa có ngày kết nạp.")
    if status == _PROBATIONARY and official:
        warn("status", "Đã có ngày chính thức nhưng trạng thái vẫn là dự bị.")
    if status == _OFFICIAL and admission and not official:
        warn("official_date", "Đảng viên chính thức chưa có ngày chính thức.")
    if status == _CANDIDATE and decision:
        warn("status", "Đã có ngày quyết định kết nạp nhưng trạng thái vẫn là quần chúng.")
    return issues


def blocking(issues: list[Issue]) -> list[Issue]:
    return [issue for issue in issues if issue.blocking]


def warnings(issues: list[Issue]) -> list[Issue]:
    return [issue for issue in issues if not issue.blocking]
