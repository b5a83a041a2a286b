"""A new installation's first day: the "records start" date and the start checklist of Tổng quan.

Why a records-start date: a branch that installs the program in December has no meetings recorded for
January–November; those months were held on paper, so the to-do must not call them missing (the first
review saw 14 red "overdue" months on an empty branch). The date is asked at setup (default: the first of
the month of setup) and kept as an installation setting; months before it are never overdue. A
database without the setting (made before issue 11) keeps the old behaviour: every month counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handbook_desktop.services.settings import get_setting, set_setting
from handbook_desktop.store.models import Meeting, Member, SyncPeer

RECORDS_START = "records_start"
IDENTITY_CARD_MADE = "identity_card_made"


def default_records_start(today: date) -> date:
    return today.replace(day=1)


def records_start(session: Session) -> date | None:
    value = get_setting(session, RECORDS_START)
    return date.fromisoformat(value) if value else None


def set_records_start(session: Session, day: date) -> None:
    set_setting(session, RECORDS_START, day.isoformat())


def month_before_records(start: date | None, year: int, month: int) -> bool:
    """A month that ended before records were kept in the program: never missing, never overdue."""
    return start is not None and (year, month) < (start.year, start.month)


def note_identity_card(session: Session, on: date) -> None:
    set_setting(session, IDENTITY_CARD_MADE, on.isoformat())


@dataclass(frozen=True)
class StartStep:
    key: str  # members | meetings | identity
    title: str
    hint: str
    done: bool


def start_steps(session: Session) -> list[StartStep]:
    """The three things a new branch does first, each with whether it is done."""
    members = session.scalar(select(func.count()).select_from(Member).where(Member.deleted_at.is_(None))) or 0
    meetings = session.scalar(select(func.count()).select_from(Meeting).where(Meeting.deleted_at.is_(None))) or 0
    card = bool(get_setting(session, IDENTITY_CARD_MADE)) or bool(
        session.scalar(select(func.count()).select_from(SyncPeer)))
    return [
        StartStep("members", "Nhập danh sách đảng viên từ Excel hoặc thêm từng người",
                  "Trang Đảng viên: «Nhập từ Excel…» hoặc «Thêm đảng viên».", members > 0),
        StartStep("meetings", "Lập kế hoạch các buổi sinh hoạt chi bộ",
                  "Trang Sinh hoạt chi bộ: «Lập kế hoạch họp…».", meetings > 0),
        StartStep("identity", "Làm thẻ nhận diện gửi đảng ủy cấp trên",
                  "Trang Đồng bộ: ghi thẻ nhận diện ra tệp, gửi cấp trên và đọc mã đối chiếu qua điện thoại.", card),
    ]
