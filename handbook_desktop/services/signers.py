"""Who signs a unit's documents: its bí thư, and the phó bí thư who signs on the bí thư's behalf.

A branch's signers are the members whose record says Bí thư / Phó Bí thư. A committee (đảng ủy) has
no members of its own — its members sit in its branches — so it names its signers here: a member of
one of its branches, found by a search, or a name and position typed in when the person is
registered elsewhere (a cadre sent by the level above). What is named here wins over the records.

Kept as a setting per unit code (``signers.<code>``): ``{"secretary": {...}, "deputy_secretary": {...}}``,
each ``{"member_uuid": …}`` or ``{"name": …}``, with the ``title`` the signature block prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.states import MemberStatus, PartyPosition
from handbook_desktop.domain.text import clean
from handbook_desktop.services import audit
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.settings import get_setting, set_setting
from handbook_desktop.store.models import Member, Unit

ROLES = {PartyPosition.SECRETARY.value: "Bí thư", PartyPosition.DEPUTY_SECRETARY.value: "Phó Bí thư"}
ROLE_ALIASES = {"secretary": "secretary", "bi-thu": "secretary", "deputy": "deputy_secretary",
                "deputy_secretary": "deputy_secretary", "pho-bi-thu": "deputy_secretary"}
# A signer must be in the headcount and able to sign: not a candidate, not gone.
SIGNING_STATES = (MemberStatus.OFFICIAL.value, MemberStatus.PROBATIONARY.value, MemberStatus.EXEMPT.value)
NAME_LIMIT, TITLE_LIMIT = 120, 80


@dataclass(frozen=True)
class Signer:
    role: str
    name: str  # "" when the named member no longer signs (left, removed): refused at print
    title: str  # the line of the signature block: "Bí thư", "Phó Bí thư Thường trực"
    member_uuid: str | None = None
    unit_name: str | None = None  # the branch of a member picked by search
    born: int | None = None
    problem: str | None = None  # why a named member cannot sign any more

    @property
    def typed(self) -> bool:
        return self.member_uuid is None

    def as_json(self) -> dict:
        return {"role": self.role, "name": self.name, "title": self.title, "member_uuid": self.member_uuid,
                "unit_name": self.unit_name, "born": self.born, "problem": self.problem}


def _key(unit: Unit) -> str:
    return f"signers.{unit.code}"


def _role(role: str) -> str:
    found = ROLE_ALIASES.get((role or "").strip().lower())
    if found is None:
        raise UserError("Vai trò người ký phải là bí thư (secretary) hoặc phó bí thư (deputy).")
    return found


def _home(session: Session) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
    if unit is None:
        raise UserError("Cơ sở dữ liệu chưa thiết lập đơn vị.")
    return unit


def _tree_ids(session: Session, unit: Unit) -> set[int]:
    """The unit and every unit below it: a committee's signer comes from one of its own branches."""
    ids, frontier = {unit.id}, [unit.id]
    while frontier:
        children = list(session.scalars(select(Unit.id).where(Unit.parent_id.in_(frontier))))
        frontier = [c for c in children if c not in ids]
        ids.update(frontier)
    return ids


def _member(session: Session, uuid: str) -> Member | None:
    return session.scalars(select(Member).where(Member.uuid == uuid, Member.deleted_at.is_(None))).one_or_none()


def named_signers(session: Session, unit: Unit | None = None) -> dict[str, Signer]:
    """The signers named in the settings for ``unit`` (home by default), resolved to today's names."""
    unit = unit or _home(session)
    stored = get_setting(session, _key(unit), {}) or {}
    result = {}
    for role, value in stored.items():
        if role not in ROLES or not isinstance(value, dict):
            continue
        title = value.get("title") or ROLES[role]
        uuid = value.get("member_uuid")
        if uuid:
            member = _member(session, uuid)
            if member is None or member.status not in SIGNING_STATES:
                name = member.full_name if member is not None else value.get("name", "")
                result[role] = Signer(role, "", title, uuid, problem=(
                    f"đồng chí {name} được chọn làm {ROLES[role].lower()} không còn sinh hoạt trong đảng bộ"))
                continue
            result[role] = Signer(role, member.full_name, title, uuid, member.unit.name if member.unit else None,
                                  member.date_of_birth.year if member.date_of_birth else member.birth_year)
        elif value.get("name"):
            result[role] = Signer(role, value["name"], title)
    return result


def set_signer(session: Session, actor, role: str, *, member_uuid: str | None = None, name: str | None = None,
               title: str | None = None, unit: Unit | None = None) -> Signer:
    """Name the unit's bí thư or phó bí thư: a member of its tree, or a typed name (registered elsewhere)."""
    actor.require("settings")
    role = _role(role)
    unit = unit or _home(session)
    name, title = clean(name), clean(title) or ROLES[role]
    if bool(member_uuid) == bool(name):
        raise UserError("Hãy chọn một đảng viên hoặc nhập họ tên người ký (không cả hai).")
    if len(title) > TITLE_LIMIT or "bí thư" not in title.lower():
        raise UserError(f"Chức vụ in ở chỗ ký phải có chữ \"Bí thư\" (ví dụ \"{ROLES[role]}\"), "
                        f"tối đa {TITLE_LIMIT} ký tự.")
    if member_uuid:
        member = _member(session, member_uuid)
        if member is None or member.unit_id not in _tree_ids(session, unit):
            raise UserError("Không tìm thấy đảng viên này trong các chi bộ của đơn vị. Người đăng ký sinh hoạt "
                            "ở nơi khác thì nhập họ tên và chức vụ.")
        if member.status not in SIGNING_STATES:
            raise UserError(f"Đồng chí {member.full_name} đang ở trạng thái "
                            f"\"{MemberStatus(member.status).label}\": không ký văn bản của đơn vị được.")
        value = {"member_uuid": member.uuid, "name": member.full_name, "title": title}
    else:
        if len(name) > NAME_LIMIT or len(name.split()) < 2:
            raise UserError("Họ tên người ký cần đủ họ và tên (ít nhất hai chữ), tối đa 120 ký tự.")
        value = {"name": name, "title": title}
    stored = dict(get_setting(session, _key(unit), {}) or {})
    old = stored.get(role)
    stored[role] = value
    set_setting(session, _key(unit), stored)
    _forget_headers(session)
    audit.record(session, actor, "update", entity="unit", entity_uuid=unit.uuid, field=f"Người ký: {ROLES[role]}",
                 old=_shown(old), new=_shown(value))
    return named_signers(session, unit)[role]


def clear_signer(session: Session, actor, role: str, *, unit: Unit | None = None) -> None:
    actor.require("settings")
    role = _role(role)
    unit = unit or _home(session)
    stored = dict(get_setting(session, _key(unit), {}) or {})
    old = stored.pop(role, None)
    if old is None:
        return
    set_setting(session, _key(unit), stored)
    _forget_headers(session)
    audit.record(session, actor, "update", entity="unit", entity_uuid=unit.uuid, field=f"Người ký: {ROLES[role]}",
                 old=_shown(old), new=None)


def _forget_headers(session: Session) -> None:
    from handbook_desktop.services.forms.context import HEADER_CACHE

    session.info.pop(HEADER_CACHE, None)


def _shown(value: dict | None) -> str | None:
    return f"{value.get('name', '')} ({value.get('title', '')})" if value else None


def signer_candidates(session: Session, text: str, *, unit: Unit | None = None, limit: int = 30) -> list[dict]:
    """Members of the unit's tree who may sign, matching the search (name, any accents), for the picker;
    namesakes are told apart by birth year and branch."""
    from handbook_desktop.services.members.query import search_condition

    unit = unit or _home(session)
    condition = search_condition(text)
    if condition is None:
        return []
    rows = session.execute(
        select(Member.uuid, Member.full_name, Member.date_of_birth, Member.birth_year, Member.party_position,
               Unit.name).join(Unit, Unit.id == Member.unit_id)
        .where(condition, Member.deleted_at.is_(None), Member.status.in_(SIGNING_STATES),
               Member.unit_id.in_(_tree_ids(session, unit)))
        .order_by(Member.name_sort).limit(limit)).all()
    result = []
    for uuid, name, born, born_year, position, branch in rows:
        year = born.year if born else born_year
        try:
            held = PartyPosition(position).label if position and position != "member" else None
        except ValueError:
            held = None
        parts = [f"sinh {year}" if year else None, held, branch]
        result.append({"uuid": uuid, "name": name,
                       "label": f"{name} ({', '.join(p for p in parts if p)})"})
    return result
