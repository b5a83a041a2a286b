"""Admission eligibility and deadlines (DOMAIN.md §6), every threshold from the rules in force.

The case is judged on the day the branch considers it (the branch vote): age counted in months,
education, the introducers, the awareness-course certificate. The ceremony is due within
``admission.ceremony_within_working_days`` working days of the decision reaching the branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handbook_desktop.domain.dates import add_months, whole_months_between
from handbook_desktop.domain.rules import RuleBook
from handbook_desktop.domain.workdays import WorkCalendar

# Stages of the pipeline, in order (codes stored in candidate.stage) and what a secretary reads.
STAGES = (
    ("identified", "Quần chúng ưu tú được giới thiệu", "4-KNĐ"),
    ("course", "Học lớp nhận thức về Đảng", None),
    ("application", "Đơn xin vào Đảng, lý lịch và thẩm tra", "2-KNĐ"),
    ("introduced", "Đảng viên giới thiệu", "3-KNĐ"),
    ("opinions", "Tổng hợp ý kiến nhận xét", "5-KNĐ"),
    ("branch_vote", "Chi bộ xét, biểu quyết đề nghị kết nạp", "6-KNĐ"),
    ("decision", "Cấp ủy ra quyết định kết nạp", "9-KNĐ"),
    ("ceremony", "Lễ kết nạp — bắt đầu dự bị", None),
)
STAGE_CODES = tuple(code for code, _, _ in STAGES)
STAGE_LABELS = {code: label for code, label, _ in STAGES}
STAGE_FORMS = {code: form for code, _, form in STAGES if form}


@dataclass(frozen=True)
class Introducer:
    name: str
    is_official: bool  # an official member on the day of consideration
    known_since: date | None


@dataclass(frozen=True)
class CandidateFacts:
    date_of_birth: date | None
    general_education: str | None  # "12/12", "9/12", "7/10"
    introducers: tuple[Introducer, ...]
    youth_union_resolution: bool  # 4-KNĐ may replace one introducer
    course_certificate_date: date | None


@dataclass(frozen=True)
class Problem:
    code: str
    message: str  # one Vietnamese sentence
    rule_key: str


def age_in_months(birth: date, on: date) -> int:
    return whole_months_between(birth, on)


def education_grade(text: str | None) -> tuple[int, int] | None:
    """``"9/12"`` → (9, 12); None when not in that form."""
    if not text or "/" not in text:
        return None
    grade, system = text.split("/", 1)
    try:
        return int(grade.strip()), int(system.strip())
    except ValueError:
        return None


def eligibility_problems(rules: RuleBook, facts: CandidateFacts, considered_on: date) -> list[Problem]:
    """What stops the branch from voting on this case on ``considered_on`` (empty list: eligible)."""
    problems: list[Problem] = []
    low = int(rules.value("admission.age_min_years", considered_on))
    high = int(rules.value("admission.age_max_years", considered_on))
    if facts.date_of_birth is None:
        problems.append(Problem("age", "Chưa có ngày sinh để tính tuổi.", "admission.age_min_years"))
    else:
        months = age_in_months(facts.date_of_birth, considered_on)
        if months < low * 12:
            problems.append(Problem("age", f"Chưa đủ {low} tuổi (tính theo tháng) vào ngày chi bộ xét.",
                                    "admission.age_min_years"))
        elif months > high * 12:
            problems.append(Problem("age", f"Quá {high} tuổi (tính theo tháng) vào ngày chi bộ xét: cần cấp ủy "
                                    "tỉnh đồng ý.", "admission.age_max_years"))
    minimum = rules.value("admission.min_general_education", considered_on)
    grade = education_grade(facts.general_education)
    if grade is None:
        problems.append(Problem("education", "Chưa ghi trình độ giáo dục phổ thông (ví dụ 12/12).",
                                "admission.min_general_education"))
    else:
        needed = minimum.get(str(grade[1]))
        if needed is not None and grade[0] < int(needed):
            problems.append(Problem("education", "Trình độ giáo dục phổ thông chưa tốt nghiệp trung học cơ sở.",
                                    "admission.min_general_education"))
    months_known = int(rules.value("admission.introducer_known_months", considered_on))
    valid = 0
    for introducer in facts.introducers:
        if not introducer.is_official:
            problems.append(Problem("introducer", f"Người giới thiệu {introducer.name} không phải đảng viên "
                                    "chính thức.", "admission.introducer_known_months"))
        elif introducer.known_since is None or whole_months_between(introducer.known_since, considered_on) < months_known:
            problems.append(Problem("introducer", f"Người giới thiệu {introducer.name} chưa cùng công tác, học tập "
                                    f"hoặc sinh sống với người vào Đảng đủ {months_known} tháng.",
                                    "admission.introducer_known_months"))
        else:
            valid += 1
    needed_introducers = 1 if facts.youth_union_resolution else 2
    if valid < needed_introducers and not any(p.code == "introducer" for p in problems):
        problems.append(Problem("introducer", f"Cần {needed_introducers} đảng viên chính thức giới thiệu.",
                                "admission.introducer_known_months"))
    years = int(rules.value("admission.awareness_certificate_valid_years", considered_on))
    cert = facts.course_certificate_date
    if cert is None:
        problems.append(Problem("certificate", "Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng.",
                                "admission.awareness_certificate_valid_years"))
    elif cert > considered_on or add_months(cert, years * 12) < considered_on:
        problems.append(Problem("certificate", f"Giấy chứng nhận học lớp nhận thức về Đảng quá {years} năm.",
                                "admission.awareness_certificate_valid_years"))
    return problems


def ceremony_due(rules: RuleBook, calendar: WorkCalendar, decision_received: date) -> date:
    """Last day for the ceremony: N working days after the decision reaches the branch."""
    days = int(rules.value("admission.ceremony_within_working_days", decision_received))
    return calendar.add_working_days(decision_received, days)
