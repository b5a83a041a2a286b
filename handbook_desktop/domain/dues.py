"""Party dues (đảng phí): the monthly amount from the member's basis (DOMAIN.md §8).

Rates and amounts come from the rules ``dues.*`` in force on the first day of the month concerned,
so a month before 03/02/2026 is computed under Quy định 342-QĐ/TW and a later one under 01-QĐ/TW.
Amounts are whole đồng, rounded half up (a ledger is added by hand; no fractions of a đồng).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from handbook_desktop.domain.rules import RuleBook
from handbook_desktop.domain.text import fold, money, number
from handbook_desktop.domain.text import percent as percent_text

# Basis kinds (stable codes) and their labels.
BASIS_LABELS = {
    "insured_salary": "Tiền lương đóng BHXH",
    "pension": "Lương hưu",
    "student": "Học sinh, sinh viên",
    "flat": "Mức cố định",
    "abroad": "Ở nước ngoài (mức cố định)",
    "exempt": "Miễn (theo đơn)",
}
METHOD_LABELS = {"cash": "Tiền mặt", "portal": "Cổng dịch vụ công"}
# What a member record or a sheet writes in «Đối tượng đảng phí» (folded, without diacritics), and the
# basis it names; the labels themselves match too. Order matters: "lương hưu" before "lương".
_CATEGORY_WORDS = (
    ("huu", "pension"), ("sinh vien", "student"), ("hoc sinh", "student"), ("nuoc ngoai", "abroad"),
    ("mien", "exempt"), ("bhxh", "insured_salary"), ("bao hiem", "insured_salary"), ("luong", "insured_salary"),
    ("co dinh", "flat"), ("khoan", "flat"),
)
# Where a member's basis comes from (``basis_text``).
ENTERED, FROM_RECORD, FROM_OCCUPATION = "entered", "record", "occupation"


@dataclass(frozen=True)
class DuesBasisValue:
    kind: str  # a key of BASIS_LABELS
    base_amount: int | None = None  # salary or pension, đồng
    flat_amount: int | None = None  # set by the committee for "flat"; default from the rules
    reduction_percent: int = 0
    reduction_until: date | None = None  # last day of the reduction (inclusive)
    exempt_reason: str | None = None


@dataclass(frozen=True)
class DuesAmount:
    amount: int
    exempt: bool
    explanation: str  # Vietnamese, for the ledger's note column
    rule_keys: tuple[str, ...]


def month_start(day: date) -> date:
    return day.replace(day=1)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def monthly_dues(rules: RuleBook, basis: DuesBasisValue, month: date, party_age_months: int) -> DuesAmount:
    """The dues of one month; ``party_age_months`` is the party age on the first day of that month."""
    on = month_start(month)
    exempt_years = int(rules.value("dues.exempt_party_age_years", on) or 0)
    # 0 means the regulation in force has no exemption by party age (342-QĐ/TW).
    if exempt_years and party_age_months >= exempt_years * 12:
        return DuesAmount(0, True, f"Miễn: tuổi đảng từ {exempt_years} năm", ("dues.exempt_party_age_years",))
    if basis.kind == "exempt":
        return DuesAmount(0, True, f"Miễn: {basis.exempt_reason or 'theo đơn'}", ())
    if basis.kind == "insured_salary":
        key = "dues.rate.insured_salary"
        raw = Decimal(basis.base_amount or 0) * Decimal(str(rules.value(key, on)))
        text = f"{percent_text(rules.value(key, on), 2)} tiền lương"
    elif basis.kind == "pension":
        key = "dues.rate.pension"
        raw = Decimal(basis.base_amount or 0) * Decimal(str(rules.value(key, on)))
        text = f"{percent_text(rules.value(key, on), 2)} lương hưu"
    elif basis.kind == "student":
        key = "dues.amount.student"
        raw = Decimal(rules.value(key, on))
        text = "Mức học sinh, sinh viên"
    elif basis.kind == "flat":
        key = "dues.amount.flat_default"
        raw = Decimal(basis.flat_amount if basis.flat_amount is not None else rules.value(key, on))
        text = "Mức cố định"
    elif basis.kind == "abroad":
        # Members abroad with no Vietnamese salary (study, labour, business): the amount of the
        # rule ``dues.amount.abroad`` unless the committee set one for this member. Those paid by a
        # Vietnamese agency abroad pay on their salary ("insured_salary").
        key = "dues.amount.abroad"
        raw = Decimal(basis.flat_amount if basis.flat_amount is not None else rules.value(key, on))
        text = "Mức đảng viên ở nước ngoài"
    else:
        raise ValueError(f"unknown dues basis {basis.kind!r}")
    keys = [key]
    percent = basis.reduction_percent or 0
    if percent and (basis.reduction_until is None or on <= basis.reduction_until):
        allowed = rules.value("dues.reduction_percents", on)
        if percent not in allowed:
            raise ValueError(f"reduction {percent} not in {allowed}")
        raw = raw * (Decimal(100 - percent) / Decimal(100))
        text += f", giảm {number(percent)} %"
        keys.append("dues.reduction_percents")
    return DuesAmount(_round(raw), False, text, tuple(keys))


def check_reduction(rules: RuleBook, percent: int, start: date, until: date) -> str | None:
    """A Vietnamese problem with a requested reduction, or None."""
    from handbook_desktop.domain.dates import whole_months_between

    allowed = rules.value("dues.reduction_percents", start)
    if not allowed:
        return "Quy định đảng phí áp dụng vào ngày này không có mức giảm."
    if percent not in allowed:
        return f"Mức giảm chỉ được là {', '.join(f'{number(p)} %' for p in allowed)}."
    limit = int(rules.value("dues.reduction_max_months", start))
    if whole_months_between(start, until) >= limit:
        return f"Mỗi lần chỉ được giảm tối đa {limit} tháng."
    if until < start:
        return "Ngày kết thúc giảm phải sau ngày bắt đầu."
    return None


def category_kind(text: str | None) -> str | None:
    """The basis a record's «Đối tượng đảng phí» names («Hưu trí» → pension), or None if it names none."""
    folded = fold(text)
    if not folded:
        return None
    for kind, label in BASIS_LABELS.items():
        if folded == fold(label):
            return kind
    return next((kind for word, kind in _CATEGORY_WORDS if word in folded), None)


def basis_text(basis: DuesBasisValue, source: str = ENTERED) -> str:
    """The one text of a member's dues basis, for the member record and Đảng phí alike: the label of the
    basis, then what it rests on («Tiền lương đóng BHXH: 7.020.000 đ, giảm 50 % đến 31/12/2026»), and, when
    nobody entered it on Đảng phí, what it was taken from."""
    from handbook_desktop.domain.dates import format_date

    parts = []
    if basis.kind in ("insured_salary", "pension"):
        parts.append(money(basis.base_amount) if basis.base_amount else "chưa có mức lương")
    elif basis.kind in ("flat", "abroad") and basis.flat_amount is not None:
        parts.append(money(basis.flat_amount))
    elif basis.kind == "exempt" and basis.exempt_reason:
        parts.append(basis.exempt_reason)
    if basis.reduction_percent:
        until = f" đến {format_date(basis.reduction_until)}" if basis.reduction_until else ""
        parts.append(f"giảm {number(basis.reduction_percent)} %{until}")
    text = BASIS_LABELS.get(basis.kind, basis.kind) + (": " + ", ".join(parts) if parts else "")
    if source == FROM_RECORD:
        text += " (theo «Đối tượng đảng phí» của hồ sơ; chưa khai ở trang Đảng phí)"
    elif source == FROM_OCCUPATION:
        text += " (tạm tính theo nghề nghiệp; chưa khai ở trang Đảng phí)"
    return text
