"""Tables of the member procedures (issue 7): admission candidates, dues, ratings, calendar days.

Everything else a procedure leaves behind is a dated ``MemberEvent`` (transfers, exemption,
discipline, removal, card, badge); these tables hold what does not fit one event.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook_desktop.store.base import Base, Synced
from handbook_desktop.store.models.core import Member


class Candidate(Synced, Base):
    """One admission case: a person (a ``member`` row with status candidate) through the stages of §6."""

    __tablename__ = "candidate"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    stage: Mapped[str] = mapped_column(String(30), default="identified")  # domain.admission.STAGE_CODES
    identified_on: Mapped[date | None] = mapped_column(Date, default=None)
    proposed_by: Mapped[str | None] = mapped_column(String(200), default=None)  # Đoàn, Công đoàn
    course_certificate_date: Mapped[date | None] = mapped_column(Date, default=None)
    application_date: Mapped[date | None] = mapped_column(Date, default=None)
    background_verified_on: Mapped[date | None] = mapped_column(Date, default=None)
    introducer_1_uuid: Mapped[str | None] = mapped_column(String(36), default=None)
    introducer_1_known_since: Mapped[date | None] = mapped_column(Date, default=None)
    introducer_2_uuid: Mapped[str | None] = mapped_column(String(36), default=None)
    introducer_2_known_since: Mapped[date | None] = mapped_column(Date, default=None)
    youth_union_resolution: Mapped[bool] = mapped_column(Boolean, default=False)
    opinions_date: Mapped[date | None] = mapped_column(Date, default=None)
    considered_on: Mapped[date | None] = mapped_column(Date, default=None)  # the branch vote
    meeting_uuid: Mapped[str | None] = mapped_column(String(36), default=None)
    votes_for: Mapped[int | None] = mapped_column(Integer, default=None)
    denominator: Mapped[int | None] = mapped_column(Integer, default=None)
    decision_number: Mapped[str | None] = mapped_column(String(60), default=None)
    decision_date: Mapped[date | None] = mapped_column(Date, default=None)
    decision_received_on: Mapped[date | None] = mapped_column(Date, default=None)
    ceremony_date: Mapped[date | None] = mapped_column(Date, default=None)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)  # admitted or dropped
    note: Mapped[str | None] = mapped_column(Text, default=None)

    member: Mapped[Member] = relationship()


class DuesBasis(Synced, Base):
    """How a member's dues are computed from a month on (a new row for each change)."""

    __tablename__ = "dues_basis"
    __table_args__ = (Index("ix_dues_basis_member_from", "member_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    effective_from: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # domain.dues.BASIS_LABELS
    base_amount: Mapped[int | None] = mapped_column(Integer, default=None)
    flat_amount: Mapped[int | None] = mapped_column(Integer, default=None)
    reduction_percent: Mapped[int] = mapped_column(Integer, default=0)
    reduction_until: Mapped[date | None] = mapped_column(Date, default=None)
    exempt_reason: Mapped[str | None] = mapped_column(String(200), default=None)


class DuesMonth(Synced, Base):
    """One line of the dues ledger: a member, a month, the amount owed and how it was paid."""

    __tablename__ = "dues_month"
    __table_args__ = (Index("ix_dues_month_member_month", "member_id", "month", unique=True),
                      Index("ix_dues_month_month", "month"))

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    basis_kind: Mapped[str] = mapped_column(String(20))
    base_amount: Mapped[int | None] = mapped_column(Integer, default=None)
    amount: Mapped[int] = mapped_column(Integer, default=0)
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    paid: Mapped[bool] = mapped_column(Boolean, default=False)
    paid_on: Mapped[date | None] = mapped_column(Date, default=None)
    method: Mapped[str | None] = mapped_column(String(10), default=None)  # cash | portal
    excused: Mapped[bool] = mapped_column(Boolean, default=False)  # unpaid with a reason accepted
    note: Mapped[str | None] = mapped_column(Text, default=None)

    member: Mapped[Member] = relationship()


class Rating(Synced, Base):
    """Annual rating of a member (member_id set) or of the branch itself (member_id empty)."""

    __tablename__ = "rating"
    __table_args__ = (Index("ix_rating_unit_year", "unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), default=None, index=True)
    year: Mapped[int] = mapped_column(Integer)
    self_score: Mapped[int | None] = mapped_column(Integer, default=None)
    score: Mapped[int | None] = mapped_column(Integer, default=None)
    level: Mapped[str] = mapped_column(String(20))  # domain.rating.LEVEL_LABELS
    automatic_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)

    member: Mapped[Member | None] = relationship()


class CalendarDay(Synced, Base):
    """A day the committee declared off, or worked to make up for one (domain.workdays)."""

    __tablename__ = "calendar_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # day_off | workday
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    source: Mapped[str | None] = mapped_column(String(300), default=None)  # the published notice (0013)
