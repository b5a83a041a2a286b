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


@dataclass(frozen=True)
class DuesTerms:
    """What a basis kind owes in a month, from the rules in force on its first day: ``factor`` times
    the basis's salary or pension (``on_base``), else ``factor`` as the amount — for "flat" and
    "abroad" unless the member's own amount is set (``own_amount``). One reading of the rules for a
    member (``monthly_dues``) and for a whole month of the ledger in the database
    (``services.procedures.dues.generate_month``)."""

    kind: str
    key: str  # the rule the factor comes from
    factor: Decimal
    on_base: bool
    own_amount: bool
    text: str  # the ledger's note, before a reduction


def dues_terms(rules: RuleBook, kind: str, month: date) -> DuesTerms:
    on = month_start(month)
    if kind == "insured_salary":
        key = "dues.rate.insured_salary"
        return DuesTerms(kind, key, Decimal(str(rules.value(key, on))), True, False,
                         f"{percent_text(rules.value(key, on), 2)} tiền lương")
    if kind == "pension":
        key = "dues.rate.pension"
        return DuesTerms(kind, key, Decimal(str(rules.value(key, on))), True, False,
                         f"{percent_text(rules.value(key, on), 2)} lương hưu")
    if kind == "student":
        key = "dues.amount.student"
        return DuesTerms(kind, key, Decimal(rules.value(key, on)), False, False, "Mức học sinh, sinh viên")
    if kind == "flat":
        key = "dues.amount.flat_default"
        return DuesTerms(kind, key, Decimal(rules.value(key, on)), False, True, "Mức cố định")
    if kind == "abroad":
        # Members abroad with no Vietnamese salary (study, labour, business): the amount of the
        # rule ``dues.amount.abroad`` unless the committee set one for this member. Those paid by a
        # Vietnamese agency abroad pay on their salary ("insured_salary").
        key = "dues.amount.abroad"
        return DuesTerms(kind, key, Decimal(rules.value(key, on)), False, True, "Mức đảng viên ở nước ngoài")
    raise ValueError(f"unknown dues basis {kind!r}")


def exempt_party_age_years(rules: RuleBook, month: date) -> int:
    """Party age (years) from which a member pays nothing; 0: the regulation in force has no such
    exemption (342-QĐ/TW)."""
    return int(rules.value("dues.exempt_party_age_years", month_start(month)) or 0)


def age_exempt_text(years: int) -> str:
    return f"Miễn: tuổi đảng từ {years} năm"


def exempt_text(reason: str | None) -> str:
    return f"Miễn: {reason or 'theo đơn'}"


def reduction_text(percent: int) -> str:
    return f", giảm {number(percent)} %"


def check_reduction_allowed(rules: RuleBook, percent: int, month: date) -> None:
    allowed = rules.value("dues.reduction_percents", month_start(month))
    if percent not in allowed:
        raise ValueError(f"reduction {percent} not in {allowed}")


def reduction_applies(basis: DuesBasisValue, month: date) -> bool:
    return bool(basis.reduction_percent) and (basis.reduction_until is None or month_start(month) <= basis.reduction_until)


def monthly_dues(rules: RuleBook, basis: DuesBasisValue, month: date, party_age_months: int) -> DuesAmount:
    """The dues of one month; ``party_age_months`` is the party age on the first day of that month."""
    on = month_start(month)
    exempt_years = exempt_party_age_years(rules, on)
    if exempt_years and party_age_months >= exempt_years * 12:
        return DuesAmount(0, True, age_exempt_text(exempt_years), ("dues.exempt_party_age_years",))
    if basis.kind == "exempt":
        return DuesAmount(0, True, exempt_text(basis.exempt_reason), ())
    terms = dues_terms(rules, basis.kind, on)
    if terms.on_base:
        raw = Decimal(basis.base_amount or 0) * terms.factor
    elif terms.own_amount and basis.flat_amount is not None:
        raw = Decimal(basis.flat_amount)
    else:
        raw = terms.factor
    text = terms.text
    keys = [terms.key]
    if reduction_applies(basis, on):
        percent = basis.reduction_percent
        check_reduction_allowed(rules, percent, on)
        raw = raw * (Decimal(100 - percent) / Decimal(100))
        text += reduction_text(percent)
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
