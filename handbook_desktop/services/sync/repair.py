"""Finding and repairing what older versions let a card write (issue 12): a loop in the tree of
units (a card that reused the committee's own id made it its own parent, and lists never finished),
and a trusted card that claims another unit's id.

``tree_problems`` is the dry run: each problem in Vietnamese with what the repair will do.
``repair_tree`` does all of it in one transaction or nothing, after a verified backup, with an
audit line per repair. A loop is cut where the tree is known: our own unit goes back under the
committee we trust as our parent (or the one unit at the top, or to the top itself); any other unit in a loop goes
directly under our unit, where the committee can place it again (``sync trust --under``). A card
claiming someone else's id has its keys revoked: nothing it signs is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.services.audit import record
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.sync.trust import _drop_held
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.models import SyncPeer, SyncPeerKey, Unit


@dataclass
class Problem:
    kind: str  # loop | card
    unit_code: str
    message: str
    repair: str
    unit_id: int | None = None
    new_parent_id: int | None = None
    peer_id: int | None = None

    def public(self) -> dict:
        return {"kind": self.kind, "unit_code": self.unit_code, "message": self.message, "repair": self.repair}


def _loops(units: dict[int, Unit]) -> list[list[int]]:
    """Each loop once, as the ids along it (a unit that is its own parent is a loop of one)."""
    found: list[list[int]] = []
    done: set[int] = set()
    for start in sorted(units):
        path: list[int] = []
        unit_id = start
        while unit_id is not None and unit_id in units and unit_id not in done and unit_id not in path:
            path.append(unit_id)
            unit_id = units[unit_id].parent_id
        if unit_id in path:
            found.append(path[path.index(unit_id):])
        done.update(path)
    return found


def _find(session: Session) -> list[Problem]:
    units = {unit.id: unit for unit in session.scalars(select(Unit))}
    home = next((unit for unit in units.values() if unit.is_home), None)
    if home is None:
        raise UserError("Cơ sở dữ liệu chưa được thiết lập đơn vị.")
    parent_peer = session.scalars(select(SyncPeer).where(SyncPeer.relation == "parent")).first()
    by_uuid = {unit.uuid: unit for unit in units.values()}
    problems: list[Problem] = []
    loops = _loops(units)
    looped = {unit_id for loop in loops for unit_id in loop}
    roots = [unit for unit in units.values() if unit.parent_id is None and not unit.is_home and unit.id not in looped]
    for loop in loops:
        path = " → ".join(units[unit_id].code for unit_id in loop + loop[:1])
        if home.id in loop:
            # The committee we trust as our parent; else the one unit at the top, set up with ours.
            parent = by_uuid.get(parent_peer.unit_uuid) if parent_peer is not None else None
            if parent is None and len(roots) == 1:
                parent = roots[0]
            if parent is not None and parent.id in loop:
                parent = None
            where = f"đặt lại dưới {parent.code}" if parent is not None else "đặt lại lên trên cùng (không có cấp trên)"
            problems.append(Problem("loop", home.code, f"Cây đơn vị có vòng lặp: {path}.",
                                    f"Đơn vị {home.code} (đơn vị này): {where}.", home.id,
                                    parent.id if parent is not None else None))
            continue
        cut = min((units[unit_id] for unit_id in loop), key=lambda unit: unit.code)
        problems.append(Problem("loop", cut.code, f"Cây đơn vị có vòng lặp: {path}.",
                                f"Đơn vị {cut.code}: đặt lại ngay dưới {home.code}.", cut.id, home.id))
    for peer in session.scalars(select(SyncPeer).order_by(SyncPeer.unit_code)):
        unit = by_uuid.get(peer.unit_uuid)
        if unit is None or unit.code == peer.unit_code:
            continue
        live = session.scalars(select(SyncPeerKey).where(SyncPeerKey.peer_id == peer.id,
                                                         SyncPeerKey.revoked_at.is_(None))).first()
        if live is None:
            continue  # already revoked: nothing it signs is accepted
        whose = "của chính đơn vị này" if unit.id == home.id else f"của đơn vị {unit.code}"
        problems.append(Problem("card", peer.unit_code,
                                f"Thẻ định danh {peer.unit_code} đã tin cậy mang mã định danh {whose}.",
                                f"Thu hồi mọi khóa của {peer.unit_code}: không nhận gói nào đơn vị đó ký.",
                                peer_id=peer.id))
    return problems


def tree_problems(database) -> list[dict]:
    """The dry run: what is wrong and what the repair would do. Writes nothing."""
    with database.read() as session:
        return [problem.public() for problem in _find(session)]


def repair_tree(database, actor, *, backup: bool = True) -> list[dict]:
    """Repair every problem found, in one transaction (all or nothing), after a backup; audited."""
    actor.require("keys")
    if backup:
        from handbook_desktop.services.sync.importer import backup_before_import

        backup_before_import(database)
    with database.immediate() as session:
        problems = _find(session)
        now = utcnow()
        for problem in problems:
            if problem.kind == "loop":
                unit = session.get(Unit, problem.unit_id)
                old = session.get(Unit, unit.parent_id).code if unit.parent_id else None
                unit.parent_id = problem.new_parent_id
                new = session.get(Unit, problem.new_parent_id).code if problem.new_parent_id else None
                record(session, actor, "unit_loop_repair", entity="unit", entity_uuid=unit.uuid, field="parent_id",
                       old=old, new=new, detail=problem.message)
            else:
                peer = session.get(SyncPeer, problem.peer_id)
                keys = list(session.scalars(select(SyncPeerKey).where(SyncPeerKey.peer_id == peer.id,
                                                                      SyncPeerKey.revoked_at.is_(None))))
                for key in keys:
                    key.revoked_at, key.revoked_by = now, actor.username
                _drop_held(session, peer, {key.key_id for key in keys})
                record(session, actor, "sync_revoke", entity="sync_peer", entity_uuid=peer.unit_uuid,
                       detail={"unit": peer.unit_code, "keys": [key.key_id for key in keys],
                               "reason": problem.message})
        session.flush()
        if _loops({unit.id: unit for unit in session.scalars(select(Unit))}):
            raise UserError("Không sửa được cây đơn vị (vẫn còn vòng lặp); không thay đổi gì. Hãy liên hệ người hỗ trợ.")
        return [problem.public() for problem in problems]
