"""The committee's side: its branches at a glance, and a member's transfer between two branches.

A transfer goes through the committee: the member's record is moved to the receiving branch with
a dated event at each end; the next down packages carry the record with its whole history to the
receiving branch, and the move to the sending branch, which keeps its copy of the history.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from handbook_desktop.domain.dates import format_date
from handbook_desktop.services.audit import record
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.sync.tables import table_by_name
from handbook_desktop.store.models import Member, MemberEvent, SyncConflict, SyncInbox, SyncPeer, Unit


def _quarter(on: date) -> tuple[date, date]:
    first_month = 3 * ((on.month - 1) // 3) + 1
    start = date(on.year, first_month, 1)
    end = date(on.year + (first_month + 2) // 12, (first_month + 2) % 12 + 1, 1)
    return start, end


def _tree_below(session, home: Unit) -> list[tuple[Unit, int, Unit]]:
    """(unit, depth, parent) for every unit under ours, each followed by the units under it."""
    units = list(session.scalars(select(Unit).where(Unit.deleted_at.is_(None)).order_by(Unit.code)))
    by_id = {unit.id: unit for unit in units}
    children: dict[int, list[Unit]] = {}
    for unit in units:
        if unit.parent_id is not None:
            children.setdefault(unit.parent_id, []).append(unit)
    result, seen = [], {home.id}

    def walk(parent: Unit, depth: int) -> None:
        for unit in children.get(parent.id, []):
            if unit.id not in seen:  # a loop stops at the first repeat
                seen.add(unit.id)
                result.append((unit, depth, by_id[parent.id]))
                walk(unit, depth + 1)

    walk(home, 1)
    return result


def units_overview(database, on: date) -> list[dict]:
    """Per unit under ours (the branches, and at a city each committee with the branches under it):
    last package received, held packages, members by state, meetings this quarter (thematic ones
    apart) and open conflicts. A unit whose records come through the committee above it names that
    committee (``via``); a committee's ``members_total`` counts its whole tree."""
    tables = table_by_name()
    start, end = _quarter(on)
    with database.read() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        tree = _tree_below(session, home)
        children = [unit for unit, _depth, _parent in tree]
        by_status = {}
        for unit_id, status, count in session.execute(
                select(Member.unit_id, Member.status, func.count()).where(Member.deleted_at.is_(None))
                .group_by(Member.unit_id, Member.status)):
            by_status.setdefault(unit_id, {})[status] = count
        meetings = {}
        meeting = tables.get("meeting")
        if meeting is not None and {"unit_id", "meeting_date", "kind"} <= set(meeting.table.c.keys()):
            table = meeting.table
            for unit_id, kind, count in session.execute(
                    select(table.c.unit_id, table.c.kind, func.count()).where(
                        table.c.meeting_date >= start, table.c.meeting_date < end, table.c.deleted_at.is_(None))
                    .group_by(table.c.unit_id, table.c.kind)):
                meetings.setdefault(unit_id, {})[kind] = count
        peers = {peer.unit_code: peer for peer in session.scalars(select(SyncPeer))}
        rows = []
        peer_of: dict[int, str] = {}
        for unit, depth, parent in tree:  # whose packages bring a unit's records: the nearest trusted one
            peer_of[unit.id] = unit.code if unit.code in peers else peer_of.get(parent.id, unit.code)
        for unit, depth, parent in tree:
            last = session.scalars(select(SyncInbox).where(
                SyncInbox.peer_code == unit.code, SyncInbox.status == "applied", SyncInbox.kind != "receipt")
                .order_by(SyncInbox.sequence.desc())).first()
            held = session.scalars(select(SyncInbox.sequence).where(
                SyncInbox.peer_code == unit.code, SyncInbox.status == "held").order_by(SyncInbox.sequence)).all()
            conflicts = session.scalar(select(func.count()).select_from(SyncConflict).where(
                SyncConflict.peer_code == unit.code, SyncConflict.resolved_at.is_(None)))
            kinds = meetings.get(unit.id, {})
            rows.append({
                "code": unit.code, "name": unit.name, "trusted": unit.code in peers,
                "last_sequence": last.sequence if last else None,
                "last_received": last.applied_at if last else None,
                "held": list(held),
                "members_by_status": by_status.get(unit.id, {}),
                "members": sum(by_status.get(unit.id, {}).values()),
                "meetings": sum(count for kind, count in kinds.items() if kind != "thematic"),
                "thematic_meetings": kinds.get("thematic", 0) + kinds.get("combined", 0),
                "open_conflicts": conflicts or 0,
                "level": unit.level, "depth": depth, "parent_code": parent.code, "via": peer_of[unit.id],
            })
        totals: dict[str, int] = {row["code"]: row["members"] for row in rows}
        for row in reversed(rows):  # children come after their parent: add them up from the bottom
            if row["depth"] > 1:
                totals[row["parent_code"]] = totals.get(row["parent_code"], 0) + totals[row["code"]]
        for row in rows:
            row["members_total"] = totals[row["code"]]
        return rows


def transfer_member(database, actor, member_uuid: str, to_unit_code: str, on: date, *,
                    decision_number: str | None = None) -> None:
    """Move a member from one branch to another under the committee (official transfer)."""
    actor.require("write")
    with database.immediate() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        if home.level == "chi-bo":
            raise UserError("Chỉ cấp ủy cấp trên mới chuyển sinh hoạt đảng viên giữa các chi bộ.")
        member = session.scalars(select(Member).where(Member.uuid == member_uuid)).first()
        target = session.scalars(select(Unit).where(Unit.code == to_unit_code)).first()
        if member is None or target is None:
            raise UserError("Không tìm thấy đảng viên hoặc chi bộ nhận.")
        source = session.get(Unit, member.unit_id)
        if source.id == target.id:
            raise UserError(f"Đảng viên đang sinh hoạt ở {target.name}.")
        detail = json.dumps({"from": source.code, "to": target.code}, ensure_ascii=False)
        for kind in ("transfer_out_official", "transfer_in_official"):
            session.add(MemberEvent(member_id=member.id, kind=kind, event_date=on, decision_number=decision_number,
                                    issuer=home.name, detail=detail, origin_unit=home.code))
        member.unit_id = target.id
        record(session, actor, "transfer", entity="member", entity_uuid=member.uuid, field="unit_id",
               old=source.code, new=target.code,
               detail=f"Chuyển sinh hoạt từ {source.name} đến {target.name} ngày {format_date(on)}")
