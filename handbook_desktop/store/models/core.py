"""Core tables: units, members and their dated history, users, audit log, rules, settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook_desktop.store.base import Base, SortKey, Synced, UTCDateTime, utcnow


class Unit(Synced, Base):
    """A party organisation in the tree: branch, sub-committee, grassroots committee, province."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(30))  # domain.states.UnitLevel
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), default=None)
    # Text for the document header when the parent is not itself in the database.
    higher_body_name: Mapped[str | None] = mapped_column(String(200), default=None)
    place_name: Mapped[str | None] = mapped_column(String(100), default=None)
    term_start: Mapped[date | None] = mapped_column(Date, default=None)
    is_home: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id])


class Member(Synced, Base):
    """A member (or candidate) record: Phiếu đảng viên 2-HSĐV and Lý lịch 1-HSĐV (DOMAIN.md §3)."""

    __tablename__ = "member"
    __table_args__ = (
        Index("ix_member_unit_status", "unit_id", "status"),
        Index("ix_member_name_sort", "name_sort"),
        Index("ix_member_name_fold", "name_fold"),
        # Covers the list's filters in name order so a search never reads the table (issue 3).
        Index("ix_member_list", "name_sort", "id", "search_key", "deleted_at", "status", "unit_id", "gender",
              "party_position", "date_of_birth"),
        # Narrow, for counting the matches of a search: a third of ix_member_list's width to scan.
        Index("ix_member_find", "search_key", "deleted_at", "status"),
        # The few in the trash, for taking them off a count the search index made (issue 18).
        Index("ix_member_trash", "deleted_at", "search_key", sqlite_where=text("deleted_at IS NOT NULL"),
              postgresql_where=text("deleted_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    status: Mapped[str] = mapped_column(String(30), default="official")  # domain.states.MemberStatus

    # Identity
    full_name: Mapped[str] = mapped_column(String(120))
    name_fold: Mapped[str] = mapped_column(String(120), default="")  # maintained by store.events
    search_key: Mapped[str] = mapped_column(String(200), default="", server_default="")  # store.events
    name_sort: Mapped[str] = mapped_column(SortKey, default="")  # maintained by store.events
    birth_name: Mapped[str | None] = mapped_column(String(120), default=None)
    alias: Mapped[str | None] = mapped_column(String(120), default=None)
    gender: Mapped[str | None] = mapped_column(String(10), default=None)  # male | female
    date_of_birth: Mapped[date | None] = mapped_column(Date, default=None)
    # The year alone when a sheet gave no day and month (shown …/…/1958, to complete); the date stays
    # empty so that nothing prints an invented 01/01 (migration 0014).
    birth_year: Mapped[int | None] = mapped_column(Integer, default=None)
    birth_place: Mapped[str | None] = mapped_column(String(250), default=None)
    hometown: Mapped[str | None] = mapped_column(String(250), default=None)
    permanent_address: Mapped[str | None] = mapped_column(String(250), default=None)
    temporary_address: Mapped[str | None] = mapped_column(String(250), default=None)
    ethnicity: Mapped[str | None] = mapped_column(String(50), default=None)
    religion: Mapped[str | None] = mapped_column(String(50), default=None)
    national_id: Mapped[str | None] = mapped_column(String(20), default=None, index=True)  # CCCD, text
    phone: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)

    # Party
    decision_date: Mapped[date | None] = mapped_column(Date, default=None)  # party age counts from here
    ceremony_date: Mapped[date | None] = mapped_column(Date, default=None)  # probation counts from here
    admitted_in: Mapped[str | None] = mapped_column(String(200), default=None)
    introducer_1: Mapped[str | None] = mapped_column(String(120), default=None)
    introducer_2: Mapped[str | None] = mapped_column(String(120), default=None)
    official_date: Mapped[date | None] = mapped_column(Date, default=None)
    party_card_number: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    card_issued_date: Mapped[date | None] = mapped_column(Date, default=None)
    record_number: Mapped[str | None] = mapped_column(String(20), default=None)  # số lý lịch
    party_position: Mapped[str | None] = mapped_column(String(30), default="member")
    awards: Mapped[str | None] = mapped_column(Text, default=None)
    discipline: Mapped[str | None] = mapped_column(Text, default=None)

    # Work and training
    occupation: Mapped[str | None] = mapped_column(String(120), default=None)
    workplace: Mapped[str | None] = mapped_column(String(250), default=None)
    government_position: Mapped[str | None] = mapped_column(String(200), default=None)
    youth_union_date: Mapped[date | None] = mapped_column(Date, default=None)
    general_education: Mapped[str | None] = mapped_column(String(20), default=None)  # "12/12"
    professional_level: Mapped[str | None] = mapped_column(String(200), default=None)
    academic_degree: Mapped[str | None] = mapped_column(String(50), default=None)
    academic_title: Mapped[str | None] = mapped_column(String(50), default=None)
    political_theory: Mapped[str | None] = mapped_column(String(50), default=None)
    foreign_language: Mapped[str | None] = mapped_column(String(100), default=None)
    it_skill: Mapped[str | None] = mapped_column(String(100), default=None)

    # Social
    social_policy: Mapped[str | None] = mapped_column(String(200), default=None)
    dues_category: Mapped[str | None] = mapped_column(String(30), default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)

    unit: Mapped[Unit] = relationship()
    events: Mapped[list["MemberEvent"]] = relationship(
        back_populates="member", order_by="MemberEvent.event_date"
    )


class MemberEvent(Synced, Base):
    """A dated fact in a member's history: admitted, official, transfer, exemption, card, badge…"""

    __tablename__ = "member_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    event_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    decision_number: Mapped[str | None] = mapped_column(String(60), default=None)
    issuer: Mapped[str | None] = mapped_column(String(200), default=None)
    detail: Mapped[str | None] = mapped_column(Text, default=None)  # JSON for kind-specific fields
    note: Mapped[str | None] = mapped_column(Text, default=None)

    member: Mapped[Member] = relationship(back_populates="events")


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))  # secretary | deputy | viewer
    password_hash: Mapped[str] = mapped_column(String(300))
    recovery_hash: Mapped[str | None] = mapped_column(String(300), default=None)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditLog(Base):
    """Who did what and when: every change, export, import, restore, login.

    A change of a record is one line whose ``changes`` holds its fields as JSON,
    ``{"field": [old, new], …}`` (migration 0018); older lines, and single values such as a
    setting, use ``field``, ``old_value`` and ``new_value``."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))  # create | update | delete | restore | login | export …
    entity: Mapped[str | None] = mapped_column(String(40), default=None)
    entity_uuid: Mapped[str | None] = mapped_column(String(36), default=None)
    field: Mapped[str | None] = mapped_column(String(60), default=None)
    old_value: Mapped[str | None] = mapped_column(Text, default=None)
    new_value: Mapped[str | None] = mapped_column(Text, default=None)
    detail: Mapped[str | None] = mapped_column(Text, default=None)
    changes: Mapped[str | None] = mapped_column(Text, default=None)


class RuleRow(Synced, Base):
    """One version of one rule (domain.rules.Rule); value as JSON. Rules travel down in packages."""

    __tablename__ = "rule"
    __table_args__ = (Index("ix_rule_key_from", "key", "effective_from", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    value_json: Mapped[str] = mapped_column(Text)
    effective_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text, default=None)


class Setting(Base):
    """Installation settings kept with the data (JSON values)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)
