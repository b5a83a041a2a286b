"""Kiểm tra dữ liệu: is the file whole, do its links hold, and does it agree with itself?

Three layers: SQLite's ``integrity_check`` (a damaged page), ``foreign_key_check`` (a row pointing
at nothing), then the branch's own rules — a member's state agrees with their dated history, dates
come in order, no two members share a card number or a CCCD. Each problem names the record it is
about, so the window can open it. Personal numbers are masked in every message.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import mask_digits

ERROR = "error"
WARNING = "warning"


@dataclass
class Problem:
    severity: str  # error | warning
    code: str
    message: str
    entity: str | None = None
    entity_uuid: str | None = None


@dataclass
class CheckReport:
    checked_at: datetime
    integrity: str = "ok"
    problems: list[Problem] = field(default_factory=list)
    members_checked: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def damaged(self) -> bool:
        return self.integrity != "ok"

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, severity: str, code: str, message: str, entity: str | None = None, uuid: str | None = None):
        self.problems.append(Problem(severity, code, message, entity, uuid))

    def summary(self) -> str:
        if self.damaged:
            return ("Tệp dữ liệu bị hỏng. Đừng sửa gì thêm: hãy khôi phục bản sao lưu gần nhất "
                    "đã kiểm tra tốt (trang Sao lưu).")
        if not self.problems:
            return f"Dữ liệu tốt: đã kiểm tra {self.members_checked} hồ sơ, không thấy vấn đề nào."
        return (f"Đã kiểm tra {self.members_checked} hồ sơ: {len(self.errors)} lỗi, "
                f"{len(self.warnings)} điểm cần xem lại.")

    def lines(self) -> list[str]:
        out = [self.summary()]
        for problem in self.problems:
            mark = "LỖI" if problem.severity == ERROR else "Xem lại"
            out.append(f"- [{mark}] {problem.message}")
        return out

    def to_json(self) -> dict:
        return {"checked_at": self.checked_at.isoformat(), "ok": self.ok, "damaged": self.damaged,
                "integrity": self.integrity, "members_checked": self.members_checked,
                "problems": [asdict(p) for p in self.problems]}


def _integrity(connection: sqlite3.Connection, report: CheckReport) -> None:
    from handbook_desktop.store.datakey import database_errors

    from handbook_desktop.store.snapshot import CHECK_CACHE_KIB

    try:
        connection.execute(f"PRAGMA cache_size=-{CHECK_CACHE_KIB}")  # see store.snapshot.integrity_ok
        rows = connection.execute("PRAGMA integrity_check").fetchall()
        message = "; ".join(str(row[0]) for row in rows)
    except database_errors() as error:
        message = str(error)
    report.integrity = message
    if message != "ok":
        report.add(ERROR, "integrity", f"Tệp cơ sở dữ liệu bị hỏng: {message[:300]}")
        return
    try:
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
    except database_errors() as error:
        report.add(ERROR, "foreign_key", f"Không kiểm tra được liên kết dữ liệu: {error}")
        return
    by_table: dict[tuple[str, str], int] = defaultdict(int)
    for table, _rowid, parent, _fk in problems:
        by_table[(table, parent)] += 1
    for (table, parent), count in sorted(by_table.items()):
        report.add(ERROR, "foreign_key", f"{count} dòng trong bảng '{table}' trỏ tới '{parent}' không còn tồn tại.")


def check_file(path: Path, *, today: date | None = None) -> CheckReport:
    """Check a SQLite file without migrating or locking it (it may be damaged)."""
    from handbook_desktop.store import datakey

    report = CheckReport(datetime.now(timezone.utc))
    try:
        with closing(datakey.connect(path, readonly=True)) as connection:  # keyed when encrypted
            _integrity(connection, report)
    except datakey.database_errors() as error:
        report.integrity = str(error)
        report.add(ERROR, "integrity", f"Không mở được tệp cơ sở dữ liệu: {error}")
    if report.damaged:
        return report
    from handbook_desktop.store.database import Database

    database = Database.open(path, readonly=True, migrate=False)
    try:
        _domain_checks(database, report, today or date.today())
    finally:
        database.close()
    return report


def run_check(database, *, today: date | None = None) -> CheckReport:
    """Check the open database (SQLite file or PostgreSQL)."""
    if database.file is not None:
        return check_file(database.file, today=today)
    report = CheckReport(datetime.now(timezone.utc))
    _domain_checks(database, report, today or date.today())
    return report


def _name(member) -> str:
    return f"{member.full_name}"


def _domain_checks(database, report: CheckReport, today: date) -> None:
    from handbook_desktop.store.models import Member, MemberEvent

    with database.read() as session:
        try:
            members = session.scalars(select(Member).where(Member.deleted_at.is_(None))).all()
            events = session.execute(
                select(MemberEvent.member_id, MemberEvent.kind, MemberEvent.event_date, MemberEvent.end_date,
                       MemberEvent.uuid).where(MemberEvent.deleted_at.is_(None))
            ).all()
        except Exception as error:  # noqa: BLE001 - a damaged or foreign table is itself a finding
            report.add(ERROR, "read", f"Không đọc được hồ sơ đảng viên: {error.__class__.__name__}.")
            return
        report.members_checked = len(members)
        kinds: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for member_id, kind, event_date, end_date, _uuid in events:
            kinds[member_id][kind].append(event_date)
        by_id = {member.id: member for member in members}
        for member_id, kind, event_date, end_date, _uuid in events:
            member = by_id.get(member_id)
            if member is None:
                continue
            if end_date is not None and event_date is not None and end_date < event_date:
                report.add(ERROR, "event_dates", f"{_name(member)}: sự kiện '{kind}' có ngày kết thúc "
                           f"{format_date(end_date)} trước ngày bắt đầu {format_date(event_date)}.",
                           "member", member.uuid)
            if event_date is not None and event_date > today:
                report.add(WARNING, "future_event", f"{_name(member)}: sự kiện '{kind}' ghi ngày "
                           f"{format_date(event_date)} ở tương lai.", "member", member.uuid)
        for member in members:
            _member_dates(member, report, today)
            _member_status(member, kinds.get(member.id, {}), report)
        _duplicates(session, Member, Member.party_card_number, "số thẻ đảng viên", "duplicate_card", report,
                    mask=False)
        _duplicates(session, Member, Member.national_id, "số CCCD", "duplicate_national_id", report, mask=True)


def _member_dates(member, report: CheckReport, today: date) -> None:
    name = _name(member)
    sequence = [
        ("ngày sinh", member.date_of_birth),
        ("ngày quyết định kết nạp", member.decision_date),
        ("ngày chính thức", member.official_date),
    ]
    known = [(label, value) for label, value in sequence if value is not None]
    if member.date_of_birth is None and member.birth_year:
        # Brought in from a sheet that gave the year alone (issue 16): to complete, not an error.
        report.add(WARNING, "birth_year_only", f"{name}: chỉ có năm sinh (…/…/{member.birth_year}), cần bổ sung "
                   "ngày, tháng sinh.", "member", member.uuid)
    for (label_a, a), (label_b, b) in zip(known, known[1:]):
        if b <= a:
            report.add(ERROR, "date_order", f"{name}: {label_b} {format_date(b)} không sau {label_a} {format_date(a)}.",
                       "member", member.uuid)
    if member.ceremony_date and member.decision_date and member.ceremony_date < member.decision_date:
        report.add(ERROR, "date_order", f"{name}: ngày lễ kết nạp {format_date(member.ceremony_date)} trước "
                   f"ngày quyết định kết nạp {format_date(member.decision_date)}.", "member", member.uuid)
    if member.card_issued_date and member.decision_date and member.card_issued_date < member.decision_date:
        report.add(ERROR, "date_order", f"{name}: ngày cấp thẻ {format_date(member.card_issued_date)} trước "
                   f"ngày kết nạp {format_date(member.decision_date)}.", "member", member.uuid)
    for label, value in (("ngày sinh", member.date_of_birth), ("ngày kết nạp", member.decision_date),
                         ("ngày chính thức", member.official_date)):
        if value is not None and value > today:
            report.add(ERROR, "future_date", f"{name}: {label} {format_date(value)} ở tương lai.",
                       "member", member.uuid)


_ADMITTED = {"admitted", "readmitted", "transfer_in_official"}
_TERMINAL = {
    "death": MemberStatus.DECEASED.value,
    "expelled": MemberStatus.EXPELLED.value,
    "removed": MemberStatus.REMOVED.value,
    "transfer_out_official": MemberStatus.TRANSFERRED_OUT.value,
}


def _member_status(member, kinds: dict[str, list], report: CheckReport) -> None:
    name = _name(member)
    status = member.status
    try:
        label = MemberStatus(status).label
    except ValueError:
        report.add(ERROR, "status", f"{name}: trạng thái '{status}' không hợp lệ.", "member", member.uuid)
        return
    # A candidate may hold the admission decision already: the ceremony makes them probationary.
    if status == MemberStatus.CANDIDATE.value and (kinds.get("ceremony") or member.ceremony_date):
        report.add(ERROR, "status_events", f"{name}: ghi là {label} nhưng đã tổ chức lễ kết nạp.",
                   "member", member.uuid)
    readmitted = max(kinds.get("readmitted") or [date.min])
    official_days = [d for d in (kinds.get("official") or []) + [member.official_date] if d]
    # A re-admitted member is on probation again: the official date of the first membership stays.
    if status == MemberStatus.PROBATIONARY.value and any(d > readmitted for d in official_days):
        report.add(ERROR, "status_events", f"{name}: ghi là {label} nhưng đã có ngày/quyết định chính thức.",
                   "member", member.uuid)
    if status in {MemberStatus.PROBATIONARY.value, MemberStatus.OFFICIAL.value, MemberStatus.EXEMPT.value} and \
            not member.decision_date and not any(kinds.get(kind) for kind in _ADMITTED):
        report.add(WARNING, "status_events", f"{name}: ghi là {label} nhưng chưa có ngày kết nạp.",
                   "member", member.uuid)
    if status == MemberStatus.OFFICIAL.value and not member.official_date and not kinds.get("official") \
            and not kinds.get("transfer_in_official"):
        report.add(WARNING, "status_events", f"{name}: ghi là {label} nhưng chưa có ngày chính thức.",
                   "member", member.uuid)
    if status == MemberStatus.EXEMPT.value and not kinds.get("exemption"):
        report.add(WARNING, "status_events", f"{name}: ghi là {label} nhưng không có quyết định miễn sinh hoạt.",
                   "member", member.uuid)
    if status == MemberStatus.TEMPORARILY_AWAY.value and not kinds.get("transfer_out_temporary"):
        report.add(WARNING, "status_events", f"{name}: ghi là {label} nhưng không có sự kiện chuyển sinh hoạt tạm thời.",
                   "member", member.uuid)
    terminal = [(max(dates), kind) for kind, dates in kinds.items() if kind in _TERMINAL and dates]
    # A removal or expulsion closed by a re-admission is a gap in the past, not the present state.
    terminal = [(day, kind) for day, kind in terminal if day > readmitted or kind == "death"]
    if terminal:
        _when, kind = max(terminal)
        expected = _TERMINAL[kind]
        if status != expected:
            report.add(ERROR, "status_events", f"{name}: lịch sử ghi '{MemberStatus(expected).label}' nhưng "
                       f"trạng thái hiện tại là '{label}'.", "member", member.uuid)
    elif status in _TERMINAL.values() and status != MemberStatus.TRANSFERRED_OUT.value:
        report.add(WARNING, "status_events", f"{name}: ghi là {label} nhưng lịch sử không có sự kiện tương ứng.",
                   "member", member.uuid)


def _duplicates(session, model, column, label: str, code: str, report: CheckReport, *, mask: bool) -> None:
    rows = session.execute(
        select(column, func.count()).where(column.is_not(None), column != "", model.deleted_at.is_(None))
        .group_by(column).having(func.count() > 1)
    ).all()
    for value, count in rows:
        holders = session.execute(
            select(model.uuid, model.full_name).where(column == value, model.deleted_at.is_(None))
            .order_by(model.name_sort)
        ).all()
        shown = mask_digits(value) if mask else value
        names = ", ".join(name for _uuid, name in holders)
        report.add(ERROR, code, f"{count} người trùng {label} {shown}: {names}.", "member", holders[0][0])
