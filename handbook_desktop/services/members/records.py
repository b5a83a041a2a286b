"""Creating, changing, deleting (softly) and restoring member records; duplicates; history.

Every change takes an actor, checks the right to write, validates, and writes the audit log
(who, when, field, old → new) before the flush.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.rules import RuleBook
from handbook_desktop.domain.text import clean, fold, mask_digits
from handbook_desktop.services import audit
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.members.fields import DATE_FIELDS, EDITABLE_KEYS, FIELD_BY_KEY
from handbook_desktop.services.members.validation import Issue, blocking, validate_member
from handbook_desktop.services.rules import rule_book
from handbook_desktop.store.base import new_uuid, utcnow
from handbook_desktop.store.models import AuditLog, Member, MemberEvent, Unit

ENTITY = "member"
_SPACES_AND_DOTS = re.compile(r"[\s.\-]")


class MemberInvalid(UserError):
    """The record has impossible data; ``issues`` lists every finding."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__(" ".join(issue.message for issue in blocking(issues)))


class DuplicateMember(UserError):
    """Someone like this is already on the books; the caller may confirm and go on."""

    def __init__(self, duplicates: list["Duplicate"]):
        self.duplicates = duplicates
        super().__init__(
            "Có thể trùng hồ sơ đã có: " + "; ".join(d.describe() for d in duplicates)
            + ". Hãy kiểm tra lại trước khi lưu."
        )


@dataclass(frozen=True)
class Duplicate:
    uuid: str
    full_name: str
    date_of_birth: date | None
    reason: str
    deleted: bool

    def describe(self) -> str:
        where = " (trong Thùng rác)" if self.deleted else ""
        return f"{self.full_name} ({format_date(self.date_of_birth) or 'không rõ ngày sinh'}) — {self.reason}{where}"


BIRTH_YEAR = "birth_year"  # a member known by the year of birth alone (migration 0014): shown …/…/1958


def _year_or_date(values: dict) -> None:
    """A full birth date replaces the year alone."""
    if values.get("date_of_birth") is not None and BIRTH_YEAR in values:
        values[BIRTH_YEAR] = None


def finish_text(key: str, text: str | None) -> str | None:
    """What a field keeps of text already cleaned (``clean``): numbers without separators, the
    record number in capitals."""
    if text is None:
        return None
    if key == "national_id" or key == "phone":
        return _SPACES_AND_DOTS.sub("", text)
    if key == "record_number":
        return text.replace(" ", "").upper()
    return text


def prepare_values(raw: dict) -> dict:
    """Clean what a form or a sheet gave: NFC, trimmed, empty → None, numbers without separators."""
    values: dict = {}
    for key, value in raw.items():
        if key == BIRTH_YEAR:  # the year alone (not a field of the form's list: shown in the birth date's box)
            values[key] = value
            continue
        if key not in FIELD_BY_KEY:
            continue
        if key in DATE_FIELDS or not isinstance(value, str):
            values[key] = value
            continue
        values[key] = finish_text(key, clean(value))
    return values


def find_duplicates(session: Session, values: dict, exclude_id: int | None = None) -> list[Duplicate]:
    """Records with the same CCCD, the same card number, or the same name and birth date."""
    options = []
    if values.get("national_id"):
        options.append(Member.national_id == values["national_id"])
    if values.get("party_card_number"):
        options.append(Member.party_card_number == values["party_card_number"])
    if values.get("full_name") and values.get("date_of_birth"):
        options.append(and_(Member.name_fold == fold(values["full_name"]),
                            Member.date_of_birth == values["date_of_birth"]))
    if not options:
        return []
    statement = select(Member).where(or_(*options))
    if exclude_id is not None:
        statement = statement.where(Member.id != exclude_id)
    result = []
    for member in session.scalars(statement.limit(20)):
        reasons = []
        if values.get("national_id") and member.national_id == values["national_id"]:
            reasons.append(f"cùng số CCCD {mask_digits(member.national_id)}")
        if values.get("party_card_number") and member.party_card_number == values["party_card_number"]:
            reasons.append(f"cùng số thẻ {member.party_card_number}")
        if (values.get("full_name") and member.name_fold == fold(values["full_name"])
                and member.date_of_birth == values.get("date_of_birth")):
            reasons.append("cùng họ tên và ngày sinh")
        result.append(Duplicate(member.uuid, member.full_name, member.date_of_birth, ", ".join(reasons),
                                member.deleted_at is not None))
    return result


def _home_unit(session: Session) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
    if unit is None:
        raise UserError("Cơ sở dữ liệu chưa thiết lập đơn vị.")
    return unit


def default_unit(session: Session) -> Unit:
    """Where a new member goes when no branch is named: the home unit if it is a branch."""
    home = _home_unit(session)
    return home


def branch_owned_fields(session: Session, member: Member) -> set[str]:
    """At a committee, the fields of a branch's member that the branch owns (DESIGN.md "Sync
    packages"): shown, never edited there. Empty at a branch and for the committee's own members."""
    from handbook_desktop.services.sync.tables import read_only_fields

    home = _home_unit(session)
    if home.level == "chi-bo" or member.unit_id == home.id:
        return set()
    return read_only_fields("member", home.level)


def get_member(session: Session, member_uuid: str) -> Member:
    member = session.scalars(select(Member).where(Member.uuid == member_uuid)).first()
    if member is None:
        raise UserError("Không tìm thấy hồ sơ đảng viên này (có thể đã bị xóa hẳn).")
    return member


def check(session: Session, values: dict, *, today: date | None = None, book: RuleBook | None = None) -> list[Issue]:
    return validate_member(values, book or rule_book(session), today or date.today())


def create_member(
    session: Session,
    actor,
    raw: dict,
    *,
    unit_id: int | None = None,
    allow_duplicates: bool = False,
    today: date | None = None,
    book: RuleBook | None = None,
) -> tuple[Member, list[Issue]]:
    """Add a record. Raises MemberInvalid (blocking issues) or DuplicateMember (unless allowed)."""
    actor.require("write")
    values = prepare_values(raw)
    values.setdefault("status", "official")
    values.setdefault("party_position", "member")
    _year_or_date(values)
    issues = check(session, values, today=today, book=book)
    if blocking(issues):
        raise MemberInvalid(issues)
    if not allow_duplicates:
        duplicates = find_duplicates(session, values)
        if duplicates:
            raise DuplicateMember(duplicates)
    unit = session.get(Unit, unit_id) if unit_id is not None else default_unit(session)
    if unit is None:
        raise UserError("Không tìm thấy chi bộ đã chọn.")
    member = Member(uuid=new_uuid(), unit_id=unit.id, origin_unit=unit.code, **values)
    session.add(member)
    audit.record_changes(session, actor, member, entity=ENTITY, action="create", detail={"unit": unit.code})
    session.flush()
    return member, [issue for issue in issues if not issue.blocking]


def update_member(
    session: Session,
    actor,
    member_uuid: str,
    raw: dict,
    *,
    expected_version: int | None = None,
    unit_id: int | None = None,
    allow_duplicates: bool = False,
    today: date | None = None,
    book: RuleBook | None = None,
) -> tuple[Member, list[Issue], int]:
    """Change a record: only the fields given. Returns (member, warnings, number of fields changed)."""
    actor.require("write")
    member = get_member(session, member_uuid)
    if expected_version is not None and member.version != expected_version:
        raise UserError("Hồ sơ này vừa được thay đổi ở nơi khác: hãy đóng và mở lại để xem bản mới nhất.")
    values = prepare_values(raw)
    locked = sorted(key for key in branch_owned_fields(session, member)
                    if key in values and getattr(member, key) != values[key])
    if locked:
        labels = ", ".join(FIELD_BY_KEY[key].label if key in FIELD_BY_KEY else key for key in locked)
        raise UserError(f"{labels}: do chi bộ quản lý hồ sơ này; hãy sửa ở chi bộ, thay đổi sẽ lên qua gói đồng bộ.")
    if values.get("date_of_birth") is not None and member.birth_year is not None:
        values.setdefault(BIRTH_YEAR, None)
    _year_or_date(values)
    merged = {key: getattr(member, key) for key in (*EDITABLE_KEYS, BIRTH_YEAR)}
    merged.update(values)
    issues = check(session, merged, today=today, book=book)
    if blocking(issues):
        raise MemberInvalid(issues)
    if not allow_duplicates:
        duplicates = find_duplicates(session, merged, exclude_id=member.id)
        if duplicates:
            raise DuplicateMember(duplicates)
    for key, value in values.items():
        if getattr(member, key) != value:
            setattr(member, key, value)
    if unit_id is not None and unit_id != member.unit_id:
        member.unit_id = unit_id
    changed = audit.record_changes(session, actor, member, entity=ENTITY)
    session.flush()
    return member, [issue for issue in issues if not issue.blocking], changed


def set_photo(session: Session, actor, member_uuid: str, photo: bytes | None) -> None:
    actor.require("write")
    member = get_member(session, member_uuid)
    member.photo = photo
    audit.record_changes(session, actor, member, entity=ENTITY)


def delete_member(session: Session, actor, member_uuid: str, reason: str | None = None) -> Member:
    """Move a record to the trash (Thùng rác): it stays, hidden, until restored."""
    actor.require("write")
    member = get_member(session, member_uuid)
    if member.deleted_at is not None:
        raise UserError("Hồ sơ này đã ở trong Thùng rác.")
    member.deleted_at = utcnow()
    audit.record(session, actor, "delete", entity=ENTITY, entity_uuid=member.uuid, detail=clean(reason))
    return member


def restore_member(session: Session, actor, member_uuid: str) -> Member:
    actor.require("write")
    member = get_member(session, member_uuid)
    if member.deleted_at is None:
        raise UserError("Hồ sơ này không ở trong Thùng rác.")
    member.deleted_at = None
    audit.record(session, actor, "restore", entity=ENTITY, entity_uuid=member.uuid)
    return member


ACTION_LABELS = {
    "create": "Tạo hồ sơ", "update": "Sửa", "delete": "Chuyển vào Thùng rác", "restore": "Khôi phục",
    "import": "Nhập từ Excel", "export": "Xuất",
}


def _history_value(field: str | None, value: str | None) -> str:
    if value is None or value == "":
        return "—"
    spec = FIELD_BY_KEY.get(field or "")
    if spec is None:
        return value
    if spec.kind == "date":
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if spec.kind == "enum":
        return spec.label_of(value)
    return value


def member_history(session: Session, member_uuid: str) -> list[dict]:
    """The audit entries of one record, newest first, ready to show: one row per changed field
    (a line holds every field one change touched), one for a line without fields (delete, restore)."""
    statement = (
        select(AuditLog)
        .where(AuditLog.entity == ENTITY, AuditLog.entity_uuid == member_uuid)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    rows = []
    for entry in session.scalars(statement):
        base = {
            "at": entry.at,
            "username": entry.username,
            "action": entry.action,
            "action_label": ACTION_LABELS.get(entry.action, entry.action),
            "detail": entry.detail or "",
        }
        changes = audit.read_changes(entry)
        if not changes:
            rows.append({**base, "field": None, "field_label": "", "old": "", "new": ""})
        for field, old, new in changes:
            spec = FIELD_BY_KEY.get(field)
            label = spec.label if spec else ("Năm sinh" if field == BIRTH_YEAR else field)
            rows.append({**base, "field": field, "field_label": label,
                         "old": _history_value(field, old), "new": _history_value(field, new)})
    return rows


def member_values(member: Member) -> dict:
    return {key: getattr(member, key) for key in EDITABLE_KEYS}


def member_summary(member: Member, unit_code: str | None = None) -> dict:
    """The JSON of one member in lists (CLI ``members list --json``): English keys, ISO dates."""
    return {
        "uuid": member.uuid,
        "full_name": member.full_name,
        "date_of_birth": member.date_of_birth,
        "gender": member.gender,
        "status": member.status,
        "party_position": member.party_position,
        "party_card_number": member.party_card_number,
        "decision_date": member.decision_date,
        "ceremony_date": member.ceremony_date,
        "official_date": member.official_date,
        "unit_code": unit_code if unit_code is not None else (member.unit.code if member.unit else None),
        "deleted": member.deleted_at is not None,
    }


def member_detail(session: Session, member: Member) -> dict:
    """Everything about one member for ``members show --json``; other areas extend this dict."""
    detail = member_summary(member)
    detail.update({key: getattr(member, key) for key in EDITABLE_KEYS})
    detail.update({
        "version": member.version,
        "unit_name": member.unit.name if member.unit else None,
        "has_photo": session.scalar(select(func.length(Member.photo)).where(Member.id == member.id)) is not None,
        "updated_at": member.updated_at,
        "deleted_at": member.deleted_at,
    })
    events = session.scalars(
        select(MemberEvent).where(MemberEvent.member_id == member.id, MemberEvent.deleted_at.is_(None))
        .order_by(MemberEvent.event_date, MemberEvent.id)
    )
    detail["events"] = [
        {"uuid": e.uuid, "kind": e.kind, "event_date": e.event_date, "end_date": e.end_date,
         "decision_number": e.decision_number, "issuer": e.issuer, "note": e.note}
        for e in events
    ]
    from handbook_desktop.services.procedures.detail import procedures_detail  # issue 7: party age, next badge

    detail.update(procedures_detail(session, member))
    return detail
