"""The to-do list (Tổng quan): every procedure item due or overdue on a day (issue 7 §10).

Each item says what is due, by when, for whom, and which rule (key and source) makes it due.
The meetings area adds its own items (missing meetings, members at the absence limit) through
``services.meetings.screening`` when it is installed.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from handbook_desktop.domain import probation
from handbook_desktop.domain.admission import ceremony_due
from handbook_desktop.domain.badges import award_dates
from handbook_desktop.domain.dates import add_months
from handbook_desktop.domain.rating import rating_day
from handbook_desktop.domain.rules import RuleBook
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services.procedures import badges as badge_service
from handbook_desktop.services.procedures.common import light_members, live_events, rules, work_calendar
from handbook_desktop.services.procedures.dues import unpaid_conditions
from handbook_desktop.services.procedures.ratings import rated_states
from handbook_desktop.services.procedures.status import CARD_HOLDER_STATES, lost_cards
from handbook_desktop.services.progress import Progress, ProgressGen, drain
from handbook_desktop.store.models import Candidate, DuesMonth, Member, MemberEvent, Rating

log = logging.getLogger(__name__)

KIND_LABELS = {
    "ceremony_due": "Tổ chức lễ kết nạp",
    "probation_vote_due": "Xét công nhận đảng viên chính thức",
    "badge_round": "Đề nghị tặng Huy hiệu Đảng",
    "badge_pending": "Huy hiệu Đảng chưa xét (đã qua đợt trao)",
    "transfer_not_presented": "Chuyển sinh hoạt chính thức: chưa báo đã trình giấy giới thiệu",
    "temporary_transfer_ending": "Hết hạn sinh hoạt tạm thời",
    "unpaid_dues": "Không đóng đảng phí nhiều tháng trong năm",
    "unexcused_absences": "Vắng sinh hoạt không lý do nhiều tháng trong năm",
    "excused_absences": "Vắng sinh hoạt có lý do nhiều lần liên tiếp",
    "missing_regular_meeting": "Thiếu buổi sinh hoạt thường kỳ",
    "missing_thematic_meeting": "Thiếu buổi sinh hoạt chuyên đề",
    "ratings_due": "Đánh giá, xếp loại đảng viên cuối năm",
    "card_lost": "Mất thẻ đảng viên, chưa cấp lại",
}
# The form a person starts from each item (one click away), when there is one: a national form's code
# is a rule (it changes with the guidance, issue 15 §9); "removal" is the program's own removal proposal.
KIND_FORMS = {
    "probation_vote_due": "rule:form.probation_vote",
    "badge_round": "rule:form.badge_proposal",
    "badge_pending": "rule:form.badge_proposal",
    "unpaid_dues": "removal",
    "unexcused_absences": "removal",
}


def _form_code(book: RuleBook, kind: str, on: date) -> str | None:
    code = KIND_FORMS.get(kind)
    if code and code.startswith("rule:"):
        return str(book.value(code[5:], on))
    return code


@dataclass
class TodoItem:
    kind: str
    title: str
    due: date | None
    overdue: bool
    members: list[tuple[str, str]] = field(default_factory=list)  # (uuid, full name)
    rule_key: str = ""
    rule_source: str = ""
    form_code: str | None = None
    detail: str = ""
    # For an item about a unit rather than people (a month without a meeting): which unit, which
    # period — so that a committee can group its branches' items (services.reports.todo_groups).
    unit_code: str = ""
    period: str = ""

    @property
    def count(self) -> int:
        return len(self.members)

    def as_json(self) -> dict:
        return {"kind": self.kind, "title": self.title, "due": self.due, "overdue": self.overdue,
                "count": self.count, "members": [{"uuid": u, "name": n} for u, n in self.members],
                "rule": {"key": self.rule_key, "source": self.rule_source}, "form": self.form_code,
                "detail": self.detail}


def _item(book: RuleBook, kind: str, due: date | None, on: date, members, rule_key: str, rule_day: date,
          detail: str = "", title: str | None = None) -> TodoItem:
    rule = book.rule(rule_key, rule_day)
    return TodoItem(kind, title or KIND_LABELS[kind], due, bool(due and due < on), list(members), rule_key, rule.source,
                    _form_code(book, kind, rule_day), detail)


def _ceremonies(session, book, calendar, on):
    cases = session.execute(select(Candidate.decision_received_on, Candidate.decision_date, Candidate.decision_number,
                                   Member.uuid, Member.full_name).join(Member, Member.id == Candidate.member_id)
                            .where(Candidate.closed.is_(False), Candidate.deleted_at.is_(None),
                                   Candidate.decision_date.is_not(None)).order_by(Candidate.id)).all()
    for case in cases:
        received = case.decision_received_on or case.decision_date
        yield _item(book, "ceremony_due", ceremony_due(book, calendar, received), on,
                    [(case.uuid, case.full_name)], "admission.ceremony_within_working_days", received,
                    f"Quyết định số {case.decision_number or '…'} ngày {case.decision_date:%d/%m/%Y}")


def _probation(session, book, calendar, on, lookahead):
    members = session.execute(select(Member.uuid, Member.full_name, Member.ceremony_date).where(
        Member.deleted_at.is_(None), Member.status == MemberStatus.PROBATIONARY.value,
        Member.ceremony_date.is_not(None)).order_by(Member.name_sort, Member.id)).all()
    for member in members:
        end = probation.probation_end(book, member.ceremony_date)
        if end > on + lookahead:
            continue
        yield _item(book, "probation_vote_due", probation.vote_due(book, calendar, member.ceremony_date), on,
                    [(member.uuid, member.full_name)], "probation.vote_within_working_days", end,
                    f"Hết dự bị ngày {end:%d/%m/%Y}; ngày chính thức {end:%d/%m/%Y}")


def _badges(session, book, on):
    upcoming = award_dates(book, on, add_months(on, 12))
    if not upcoming:
        return
    day = upcoming[0]
    found = badge_service.round_people(session, on, 12).get(day, [])
    if found:
        members = [(m.uuid, m.full_name) for m, _ in sorted(found, key=lambda p: p[0].name_sort)]
        levels = sorted({d.years for _, d in found})
        yield _item(book, "badge_round", day, on, members, "badge.milestones_years", day,
                    "Mốc " + ", ".join(f"{y} năm" for y in levels))


def _badges_pending(session, book, on):
    """Milestones whose round passed without an award stay here until awarded or dismissed (issue 15)."""
    found = badge_service.pending(session, None, on)
    if found:
        found.sort(key=lambda p: (p[1].award_date, p[0].name_sort))
        names = [(m.uuid, m.full_name) for m, _ in found]
        if len(found) <= 20:
            parts = [f"{m.full_name}: {d.years} năm ({'truy tặng, ' if d.posthumous else ''}"
                     f"{'sớm, ' if d.early and not d.posthumous else ''}đợt {d.award_date:%d/%m/%Y})" for m, d in found]
        else:  # a committee: per round, not 20,000 names in one line
            per_round: dict = {}
            for _, d in found:
                per_round[d.award_date] = per_round.get(d.award_date, 0) + 1
            parts = [f"đợt {day:%d/%m/%Y}: {count} người" for day, count in sorted(per_round.items())]
        yield _item(book, "badge_pending", found[0][1].award_date, on, names, "badge.milestones_years",
                    found[0][1].award_date, "; ".join(parts))


def _transfers(session, book, calendar, on, lookahead):
    away = (MemberStatus.TEMPORARILY_AWAY.value, MemberStatus.VISITING.value)
    members = light_members(session, where=(or_(Member.status.in_(away), Member.id.in_(
        select(MemberEvent.member_id).where(MemberEvent.kind == "transfer_out_official", MemberEvent.deleted_at.is_(None),
                                            MemberEvent.event_date >= on - timedelta(days=366)))),))
    for member in members:
        events = live_events(member)
        outs = [e for e in events if e.kind == "transfer_out_official" and e.event_date >= on - timedelta(days=366)]
        presented = any(e.kind == "transfer_presented" for e in events)
        if outs and not presented:
            event = outs[-1]
            days = int(book.value("transfer.official.present_within_working_days", event.event_date))
            yield _item(book, "transfer_not_presented", calendar.add_working_days(event.event_date, days), on,
                        [(member.uuid, member.full_name)], "transfer.official.present_within_working_days",
                        event.event_date)
        if member.status in away:
            temporary = [e for e in events if e.kind in ("transfer_out_temporary", "transfer_in_temporary")
                         and e.end_date]
            if temporary and temporary[-1].end_date <= on + lookahead:
                event = temporary[-1]
                yield _item(book, "temporary_transfer_ending", event.end_date, on, [(member.uuid, member.full_name)],
                            "transfer.temporary.max_months", event.event_date,
                            "Tạm thời đi" if event.kind == "transfer_out_temporary" else "Tạm thời đến")


def _dues(session, book, on):
    limit = int(book.value("removal.unpaid_dues_months_in_year", on))
    owing = (select(DuesMonth.member_id).where(*unpaid_conditions(on.year, on)).group_by(DuesMonth.member_id)
             .having(func.count() >= limit))
    flagged = session.execute(select(Member.name_sort, Member.uuid, Member.full_name).where(
        Member.deleted_at.is_(None), Member.id.in_(owing))).all()
    if flagged:
        yield _item(book, "unpaid_dues", on, on, [(u, n) for _, u, n in sorted(flagged)],
                    "removal.unpaid_dues_months_in_year", on, f"Từ {limit} tháng chưa nộp trong năm {on.year}",
                    title=f"Không đóng đảng phí từ {limit} tháng trong năm")


def _ratings(session, book, on):
    due = rating_day(on.year, book)
    remind = int(book.value("rating.remind_days_before", due))
    if on < due - timedelta(days=remind):
        return
    states = rated_states(book, on.year)  # exempt members are not rated (rating.rates_exempt_members)
    rated = exists().where(Rating.member_id == Member.id, Rating.year == on.year, Rating.deleted_at.is_(None))
    missing = [tuple(row) for row in session.execute(select(Member.uuid, Member.full_name).where(
        Member.deleted_at.is_(None), Member.status.in_(states), ~rated).order_by(Member.name_sort, Member.id))]
    if missing:
        yield _item(book, "ratings_due", due, on, missing, "rating.due_day", due, f"Năm {on.year}")


def _cards(session, book, on):
    members = light_members(session, where=(Member.id.in_(select(MemberEvent.member_id).where(
        MemberEvent.kind == "card_lost", MemberEvent.deleted_at.is_(None))),
        Member.status.in_(CARD_HOLDER_STATES)))
    lost = [(m.uuid, m.full_name) for m in members if lost_cards(m)]
    if lost:
        yield _item(book, "card_lost", None, on, lost, "card.reissue_form", on,
                    "Lập danh sách đề nghị cấp lại thẻ (1-TĐV)")


def _month_end(year: int, month: int) -> date:
    return add_months(date(year, month, 1), 1) - timedelta(days=1)


def _meeting_items(session, book, on) -> list[TodoItem]:
    """Items from the attendance screening of the meetings area (absent when it is not installed)."""
    try:
        module = importlib.import_module("handbook_desktop.services.meetings.screening")
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("handbook_desktop.services.meetings"):
            return []
        raise
    found = module.screening(session, on.year, on)
    from handbook_desktop.services.procedures.common import home_code

    home = home_code(session)

    def where(period) -> str:  # a branch knows its own name; a committee needs to know which branch
        return "" if period.unit_code == home else f" — {period.unit_name}"

    from handbook_desktop.services.start import month_before_records, records_start

    start = records_start(session)  # months kept on paper before the program are not missing
    items: list[TodoItem] = []
    if found.unexcused:
        limit = int(book.value("removal.unexcused_absent_months_in_year", on))
        items.append(_item(book, "unexcused_absences", on, on, [(f.member_uuid, f.name) for f in found.unexcused],
                           "removal.unexcused_absent_months_in_year", on, found.unexcused[0].rule,
                           title=f"Vắng sinh hoạt không lý do từ {limit} tháng trong năm"))
    if found.excused_in_a_row:
        items.append(_item(book, "excused_absences", on, on,
                           [(f.member_uuid, f.name) for f in found.excused_in_a_row],
                           "meeting.excused_absence.max_in_a_row", on, found.excused_in_a_row[0].rule))
    for period in found.missing_regular:
        if month_before_records(start, found.year, period.period):
            continue
        due = _month_end(found.year, period.period)
        items.append(_item(book, "missing_regular_meeting", due, on, [], "meeting.regular.min_per_month", due,
                           f"Tháng {period.period:02d}/{found.year}{where(period)}"))
        items[-1].unit_code, items[-1].period = period.unit_code, f"Tháng {period.period:02d}/{found.year}"
    for period in found.missing_thematic:
        if month_before_records(start, found.year, period.period * 3):  # the whole quarter before it
            continue
        due = _month_end(found.year, period.period * 3)
        items.append(_item(book, "missing_thematic_meeting", due, on, [], "meeting.thematic.min_per_quarter", due,
                           f"Quý {period.period}/{found.year}{where(period)}"))
        items[-1].unit_code, items[-1].period = period.unit_code, f"Quý {period.period}/{found.year}"
    return items


def todo(session: Session, on: date) -> list[TodoItem]:
    """Everything due or overdue on ``on``, overdue first, then by due date."""
    return drain(todo_steps(session, on))


def todo_steps(session: Session, on: date) -> ProgressGen:
    """``todo`` as a progress generator, one step per kind of item: at a committee of 50,000
    members the whole list takes seconds, and the window repaints between steps."""
    book = rules(session)
    calendar = work_calendar(session)
    lookahead = timedelta(days=int(book.value("todo.lookahead_days", on)))
    steps = 10
    yield Progress(0, steps, "Đang đọc hồ sơ đảng viên…")
    # Each kind of item asks the database for the members it can concern (issue 18 §5): a committee's
    # 50,000 members are never all read.
    sections = [
        lambda: _ceremonies(session, book, calendar, on),
        lambda: _probation(session, book, calendar, on, lookahead),
        lambda: _badges(session, book, on),
        lambda: _badges_pending(session, book, on),
        lambda: _transfers(session, book, calendar, on, lookahead),
        lambda: _dues(session, book, on),
        lambda: _ratings(session, book, on),
        lambda: _cards(session, book, on),
        lambda: _meeting_items(session, book, on),
    ]
    items: list[TodoItem] = []
    for done, section in enumerate(sections, start=1):
        yield Progress(done, steps, "Đang xem các việc đến hạn…")
        items += section()
    items.sort(key=lambda i: (not i.overdue, i.due or date.max, i.title))
    return items
