"""Whom we trust, with which key, and where a new unit sits in the tree.

A card is only as good as the fingerprint a person compared over the phone, so the rules here
are about what a card may *claim*: it may not take an existing unit's id or code under another
key unless the old key signed the rotation (or a person re-enrols the unit after revoking the lost
key); it may not make the tree of units a loop; and a new branch's place under the committee is
chosen by the committee, whatever parent the card names. A key retired by a rotation verifies only
the packages numbered before the rotation; a revoked key verifies nothing.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.services.audit import record
from handbook_desktop.services.errors import UserError
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.models import SyncPeer, SyncPeerKey, Unit

MAX_DEPTH = 64  # deeper than any real tree (branch → … → province): a loop if reached


class NeedsReEnrol(UserError):
    """A known unit with a key its old key did not hand over: a person may re-enrol it."""


def rotation_statement(card: dict) -> bytes:
    """What the old key signs when it hands over to the new one."""
    from handbook_desktop.services.sync.keys import canonical

    rotation = card.get("rotation") or {}
    return canonical({"purpose": "handbook-key-rotation", "unit_uuid": card["unit"]["uuid"],
                      "unit_code": card["unit"]["code"], "key_id": card["key_id"],
                      "sign_public": card["sign_public"], "box_public": card["box_public"],
                      "previous_key": rotation.get("previous_key"),
                      "last_sequences": rotation.get("last_sequences")})


def ancestors(session: Session, unit: Unit | None) -> list[Unit]:
    """``unit`` and the units above it, nearest first; stops (and says so) on a loop."""
    chain: list[Unit] = []
    seen: set[int] = set()
    while unit is not None:
        if unit.id in seen or len(chain) > MAX_DEPTH:
            raise UserError("Cây đơn vị đang có vòng lặp (một đơn vị nằm dưới chính nó). Hãy kiểm tra và sửa: trang "
                            "Đồng bộ, nút 'Kiểm tra cây đơn vị…', hoặc lệnh 'sync repair --dry-run' rồi 'sync repair'.")
        seen.add(unit.id)
        chain.append(unit)
        unit = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return chain


def in_subtree(session: Session, unit: Unit, top: Unit) -> bool:
    return any(item.id == top.id for item in ancestors(session, unit))


def _home(session: Session) -> Unit:
    home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
    if home is None:
        raise UserError("Cơ sở dữ liệu chưa được thiết lập đơn vị.")
    return home


def _relation(session: Session, home: Unit, unit: dict, wanted: str | None) -> str:
    parent = session.get(Unit, home.parent_id) if home.parent_id else None
    if wanted in ("parent", "child"):
        relation = wanted
    elif parent is not None and parent.code == unit["code"]:
        relation = "parent"
    elif parent is None and home.level == "chi-bo":
        relation = "parent"
    else:
        relation = "child"
    if relation == "child" and home.level == "chi-bo":
        raise UserError(f"Đơn vị {unit['code']} không phải cấp trên trực tiếp của {home.code}; chi bộ chỉ trao đổi "
                        "gói với cấp ủy cấp trên.")
    known_parent = session.scalars(select(SyncPeer).where(SyncPeer.relation == "parent")).first()
    if relation == "parent" and known_parent is not None and known_parent.unit_code != unit["code"]:
        raise UserError(f"Đơn vị {unit['code']} không phải cấp trên trực tiếp ({known_parent.unit_code}) cũng "
                        f"không phải chi bộ trực thuộc của {home.code}; không thể trao đổi gói với đơn vị này.")
    return relation


def _check_claims(session: Session, home: Unit, unit: dict, relation: str, peer: SyncPeer | None) -> None:
    """A card names a unit by uuid and code: neither may be someone else's."""
    code, uuid = unit["code"], unit["uuid"]
    if uuid == home.uuid or code == home.code:
        raise UserError(f"Thẻ định danh mang mã của chính đơn vị {home.code}: không tin cậy (thẻ giả hoặc nhầm tệp).")
    if peer is not None and peer.unit_uuid != uuid:
        raise UserError(f"Thẻ định danh mang mã {code} nhưng là một đơn vị khác đơn vị đã tin cậy; không tin cậy.")
    other = session.scalars(select(SyncPeer).where(SyncPeer.unit_uuid == uuid, SyncPeer.unit_code != code)).first()
    if other is not None:
        raise UserError(f"Thẻ định danh {code} dùng mã định danh của đơn vị {other.unit_code} đã tin cậy; "
                        "không tin cậy (thẻ giả hoặc nhầm tệp).")
    by_uuid = session.scalars(select(Unit).where(Unit.uuid == uuid)).first()
    if by_uuid is not None and by_uuid.code != code:
        raise UserError(f"Thẻ định danh {code} dùng mã định danh của đơn vị {by_uuid.code}; không tin cậy "
                        "(thẻ giả hoặc nhầm tệp).")
    if relation == "child":
        from handbook_desktop.services.levels import issues_decisions, level_label, level_labels
        from handbook_desktop.services.sync.tables import may_decide_under

        level = unit.get("level")
        if level not in level_labels():  # the levels are data (rule unit.levels, issue 15 §7)
            raise UserError(f"Thẻ định danh {code} ghi một cấp không có ({level}); không tin cậy.")
        if issues_decisions(level) and not may_decide_under(level, home.level):
            raise UserError(f"Thẻ định danh {code} ghi cấp {level_label(level)}, không thể trực thuộc {home.code}; "
                            "không tin cậy (thẻ giả hoặc nhầm tệp).")
    above = {item.uuid for item in ancestors(session, home)}
    below_or_self = by_uuid is not None and in_subtree(session, by_uuid, home)
    if relation == "child" and uuid in above:
        raise UserError(f"Đơn vị {code} là cấp trên của {home.code}, không thể là chi bộ trực thuộc: sẽ tạo vòng "
                        "lặp trong cây đơn vị.")
    if relation == "parent" and below_or_self:
        raise UserError(f"Đơn vị {code} nằm dưới {home.code}, không thể là cấp trên: sẽ tạo vòng lặp trong cây "
                        "đơn vị.")
    by_code = session.scalars(select(Unit).where(Unit.code == code)).first()
    if relation == "child" and by_code is not None and by_code.uuid != uuid and not (
            in_subtree(session, by_code, home) and peer is None):
        raise UserError(f"Mã đơn vị {code} đã là của một đơn vị khác; không tin cậy.")


def _place(session: Session, home: Unit, under: str | None) -> Unit:
    """Where a new branch goes: under the unit the committee chose (by default, itself)."""
    if not under or under == home.code:
        return home
    unit = session.scalars(select(Unit).where(Unit.code == under, Unit.deleted_at.is_(None))).first()
    if unit is None or not in_subtree(session, unit, home):
        raise UserError(f"Không có đơn vị {under} trực thuộc {home.code} để đặt chi bộ mới vào.")
    return unit


def _accept_new_key(session: Session, actor, peer: SyncPeer, card: dict, home: Unit, re_enrol: bool) -> str:
    """A known unit shows a key we do not have: a rotation the old key signed, or a re-enrolment."""
    from handbook_desktop.services.sync.keys import unb64

    keys = list(session.scalars(select(SyncPeerKey).where(SyncPeerKey.peer_id == peer.id)))
    rotation = card.get("rotation") or {}
    previous = next((key for key in keys if key.key_id == rotation.get("previous_key")), None)
    if previous is not None and previous.revoked_at is None:
        try:
            Ed25519PublicKey.from_public_bytes(previous.sign_public).verify(
                unb64(rotation["signature"]), rotation_statement(card))
        except (InvalidSignature, KeyError, TypeError, ValueError):
            previous = None
    else:
        previous = None
    now = utcnow()
    if previous is not None:
        last = rotation.get("last_sequences") or {}
        number = last.get(home.code, 0)
        for key in keys:
            if key.retired_at is None and key.revoked_at is None:
                key.retired_at = now
                key.last_sequence = number if isinstance(number, int) and not isinstance(number, bool) else 0
        return "rotation"
    if not re_enrol:
        raise NeedsReEnrol(f"Thẻ định danh của {peer.unit_code} mang một khóa mới không được khóa cũ ký chuyển giao: "
                        "không tin cậy. Nếu đơn vị đó mất khóa, hãy thu hồi khóa cũ rồi cho đăng ký lại "
                        "(--re-enrol) sau khi gọi điện so dấu vân tay.")
    for key in keys:
        if key.revoked_at is None:
            key.revoked_at, key.revoked_by = now, actor.username
    _drop_held(session, peer, {key.key_id for key in keys})
    peer.chain_from = now
    return "re_enrol"


def _drop_held(session: Session, peer: SyncPeer, key_ids: set[str]) -> None:
    """Held packages signed with a key no longer trusted will never be applied: set aside (kept)."""
    from handbook_desktop.services.sync.package import PackageRefused, read
    from handbook_desktop.store.models import SyncInbox

    for row in session.scalars(select(SyncInbox).where(SyncInbox.peer_code == peer.unit_code,
                                                       SyncInbox.status == "held")):
        try:
            signer = read(row.data).manifest["sender_key"]
        except PackageRefused:
            signer = None
        if signer is None or signer in key_ids:
            row.status = "revoked"


def trust_card(database, actor, card: dict, confirmed_fingerprint: str, *, under: str | None = None,
               relation: str | None = None, re_enrol: bool = False) -> dict:
    """Trust a peer after a person compared the fingerprint with the other side (by phone)."""
    from handbook_desktop.services.sync.keys import fingerprint, normalise_fingerprint, unb64

    actor.require("keys")
    sign_public, box_public = unb64(card["sign_public"]), unb64(card["box_public"])
    expected = fingerprint(sign_public, box_public)
    if normalise_fingerprint(confirmed_fingerprint) != normalise_fingerprint(expected):
        raise UserError("Dấu vân tay nhập vào không khớp với thẻ định danh: chưa tin cậy đơn vị này. "
                        "Hãy gọi điện đọc lại dấu vân tay với đơn vị kia.")
    unit = card["unit"]
    with database.immediate() as session:
        home = _home(session)
        peer = session.scalars(select(SyncPeer).where(SyncPeer.unit_code == unit["code"])).first()
        relation = peer.relation if peer is not None else _relation(session, home, unit, relation)
        _check_claims(session, home, unit, relation, peer)
        how = "first"
        known = session.scalars(select(SyncPeerKey).where(SyncPeerKey.key_id == card["key_id"])).first()
        if known is not None and (peer is None or known.peer_id != peer.id):
            raise UserError("Khóa trong thẻ định danh này đã thuộc về một đơn vị khác; không tin cậy.")
        if known is not None and (known.revoked_at is not None or known.retired_at is not None):
            raise UserError(f"Khóa trong thẻ định danh của {unit['code']} đã bị thu hồi hoặc đã được thay; "
                            "hãy xin đơn vị đó thẻ định danh mới.")
        if peer is None:
            peer = SyncPeer(unit_code=unit["code"], unit_uuid=unit["uuid"], unit_name=unit["name"],
                            level=unit["level"], relation=relation, trusted_by=actor.username)
            session.add(peer)
            session.flush()
        elif known is None:
            how = _accept_new_key(session, actor, peer, card, home, re_enrol)
        if known is None:
            session.add(SyncPeerKey(peer_id=peer.id, key_id=card["key_id"], sign_public=sign_public,
                                    box_public=box_public, fingerprint=expected))
        _adopt_unit(session, home, unit, relation, _place(session, home, under) if relation == "child" else None)
        record(session, actor, "sync_re_enrol" if how == "re_enrol" else "sync_trust", entity="sync_peer",
               entity_uuid=unit["uuid"], detail={"unit": unit["code"], "key_id": card["key_id"],
                                                 "relation": relation, "how": how})
    return {"unit_code": unit["code"], "unit_name": unit["name"], "relation": relation, "fingerprint": expected,
            "how": how}


def _adopt_unit(session: Session, home: Unit, unit: dict, relation: str, place: Unit | None) -> None:
    """Give the peer's unit the same uuid on both sides so records point at the same unit."""
    if relation == "child":
        child = session.scalars(select(Unit).where(Unit.uuid == unit["uuid"])).first()
        if child is None:
            child = session.scalars(select(Unit).where(Unit.code == unit["code"])).first()
        if child is None:
            session.add(Unit(uuid=unit["uuid"], code=unit["code"], name=unit["name"], level=unit["level"],
                             parent_id=place.id, origin_unit=home.code, higher_body_name=place.name))
        elif child.parent_id is None or not in_subtree(session, child, home):
            child.uuid, child.parent_id = unit["uuid"], place.id
        else:
            child.uuid = unit["uuid"]  # already placed by this committee: stays where it was put
        return
    parent = session.get(Unit, home.parent_id) if home.parent_id else None
    if parent is None:
        parent = Unit(uuid=unit["uuid"], code=unit["code"], name=unit["name"], level=unit["level"],
                      origin_unit=unit["code"])
        session.add(parent)
        session.flush()
        home.parent_id = parent.id
    else:
        parent.uuid, parent.code, parent.name, parent.level = unit["uuid"], unit["code"], unit["name"], unit["level"]
        parent.origin_unit = unit["code"]


def revoke(database, actor, peer_code: str, key_id: str | None = None) -> list[str]:
    """Stop trusting a peer's key (all its keys when none is named): nothing it signs is accepted."""
    actor.require("keys")
    with database.immediate() as session:
        peer = session.scalars(select(SyncPeer).where(SyncPeer.unit_code == peer_code)).first()
        if peer is None:
            raise UserError(f"Chưa tin cậy đơn vị {peer_code}; không có khóa nào để thu hồi.")
        query = select(SyncPeerKey).where(SyncPeerKey.peer_id == peer.id, SyncPeerKey.revoked_at.is_(None))
        if key_id:
            query = query.where(SyncPeerKey.key_id == key_id)
        keys = list(session.scalars(query))
        if not keys:
            raise UserError(f"Không có khóa đang tin cậy nào của {peer_code} khớp với yêu cầu; không thu hồi gì.")
        now = utcnow()
        for key in keys:
            key.revoked_at, key.revoked_by = now, actor.username
        _drop_held(session, peer, {key.key_id for key in keys})
        record(session, actor, "sync_revoke", entity="sync_peer", entity_uuid=peer.unit_uuid,
               detail={"unit": peer_code, "keys": [key.key_id for key in keys]})
        return [key.key_id for key in keys]


def usable_for(key: SyncPeerKey, manifest: dict) -> str | None:
    """Why a trusted key may not sign this package (None: it may)."""
    if key.revoked_at is not None:
        return (f"Gói được ký bằng khóa của đơn vị {manifest['sender']} đã bị thu hồi; không nhập. Hãy liên hệ đơn vị "
                "đó để đăng ký lại khóa mới.")
    if key.retired_at is not None and (manifest.get("kind") == "receipt"
                                       or manifest.get("sequence", 0) > (key.last_sequence or 0)):
        return (f"Gói được ký bằng khóa cũ mà đơn vị {manifest['sender']} đã thay; gói làm sau khi đổi khóa phải ký "
                "bằng khóa mới. Không nhập.")
    return None
