"""Keys, identity cards and trust.

Each installation has an Ed25519 key to sign its packages and an X25519 key to receive them. The
private halves are sealed with AES-256-GCM under a key derived from the administrator's password
with Argon2id, so a copied database file does not give away the power to forge or read packages.
A rotated key is retired, never deleted: packages made for it or signed with it stay readable.
A copy of each private half is also encrypted to the recovery escrow (escrow.py), so that a lost
password reset with the recovery code does not lose the keys.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.services.audit import record
from handbook_desktop.services.errors import UserError
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.models import SyncKey, SyncPeer, SyncPeerKey, Unit

CARD_FORMAT = "handbook-identity/1"
_MEMORY_KIB = 64 * 1024
_ITERATIONS = 3
_LANES = 4
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def canonical(data) -> bytes:
    """The one byte form of a JSON value that is signed and hashed."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def fingerprint(sign_public: bytes, box_public: bytes) -> str:
    """Eight groups of five digits, easy to read aloud over the phone (like Signal's safety numbers).

    Each group is 5 bytes (40 bits) of the digest, so 8 groups need 40 bytes: SHA-512. (With
    SHA-256's 32 bytes the seventh group had 2 bytes and the eighth none: it was always 00000.)"""
    digest = hashlib.sha512(b"handbook-fingerprint" + sign_public + box_public).digest()
    groups = [int.from_bytes(digest[i * 5:(i + 1) * 5], "big") % 100_000 for i in range(8)]
    return " ".join(f"{group:05d}" for group in groups)


def normalise_fingerprint(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def key_id_of(sign_public: bytes) -> str:
    return hashlib.sha256(sign_public).hexdigest()[:32]


@dataclass
class Keyring:
    """Our unlocked private keys for this session (the active one signs)."""

    unit_code: str
    active_id: str
    sign: dict[str, Ed25519PrivateKey]
    box: dict[str, X25519PrivateKey]

    def signer(self) -> Ed25519PrivateKey:
        return self.sign[self.active_id]


def _kek(password: str, salt: bytes, memory: int, iterations: int, lanes: int) -> bytes:
    return Argon2id(salt=salt, length=32, iterations=iterations, lanes=lanes,
                    memory_cost=memory).derive(password.encode("utf-8"))


def seal_secret(password: str, label: bytes, secret: bytes) -> tuple[bytes, str]:
    """``secret`` encrypted under a key derived from ``password``; ``label`` binds it to its use."""
    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _kek(password, salt, _MEMORY_KIB, _ITERATIONS, _LANES)
    sealed = nonce + AESGCM(kek).encrypt(nonce, secret, label)
    return sealed, f"argon2id$m={_MEMORY_KIB},t={_ITERATIONS},p={_LANES}${b64(salt)}"


def open_secret(password: str, sealed: bytes, kdf: str, label: bytes) -> bytes:
    """The secret of ``seal_secret``; InvalidTag when the password is not the one it was sealed under."""
    scheme, params, salt = kdf.split("$")
    values = dict(item.split("=") for item in params.split(","))
    kek = _kek(password, unb64(salt), int(values["m"]), int(values["t"]), int(values["p"]))
    return AESGCM(kek).decrypt(sealed[:12], sealed[12:], label)


def _seal(password: str, key_id: str, private: bytes) -> tuple[bytes, str]:
    return seal_secret(password, key_id.encode("ascii"), private)


def _unseal(password: str, row: SyncKey) -> bytes:
    return open_secret(password, row.sealed_private, row.kdf, row.key_id.encode("ascii"))


def seal_under_password(row: SyncKey, password: str, private: bytes) -> None:
    row.sealed_private, row.kdf = _seal(password, row.key_id, private)


def open_all(session: Session, password: str) -> dict[str, bytes]:
    """Every private key ``password`` opens, by key id (keys sealed under another password are skipped)."""
    opened = {}
    for row in session.scalars(select(SyncKey).order_by(SyncKey.id)):
        try:
            opened[row.key_id] = _unseal(password, row)
        except (InvalidTag, ValueError):
            continue
    return opened


def create_keys(session: Session, password: str) -> SyncKey:
    """A new key pair sealed under ``password``; any previous active pair is retired, not deleted."""
    sign = Ed25519PrivateKey.generate()
    box = X25519PrivateKey.generate()
    sign_public = sign.public_key().public_bytes(*_RAW)
    box_public = box.public_key().public_bytes(*_RAW)
    private = sign.private_bytes_raw() + box.private_bytes_raw()
    key_id = key_id_of(sign_public)
    sealed, kdf = _seal(password, key_id, private)
    for old in session.scalars(select(SyncKey).where(SyncKey.retired_at.is_(None))):
        old.retired_at = utcnow()
    from handbook_desktop.services.sync.escrow import to_escrow

    row = SyncKey(key_id=key_id, sign_public=sign_public, box_public=box_public, sealed_private=sealed, kdf=kdf,
                  recovery_sealed=to_escrow(session, key_id, private))
    session.add(row)
    session.flush()
    return row


def reseal_keys(session: Session, old_password: str, new_password: str) -> int:
    """Seal our private keys under a new administrator password (called when it changes).

    Keys sealed under someone else's password are left as they are. Returns how many were resealed.
    """
    resealed = 0
    for row in session.scalars(select(SyncKey).order_by(SyncKey.id)):
        try:
            private = _unseal(old_password, row)
        except (InvalidTag, ValueError):
            continue
        row.sealed_private, row.kdf = _seal(new_password, row.key_id, private)
        resealed += 1
    return resealed


def active_key(session: Session) -> SyncKey | None:
    return session.scalars(
        select(SyncKey).where(SyncKey.retired_at.is_(None)).order_by(SyncKey.id.desc())
    ).first()


def _home(session: Session) -> Unit:
    home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
    if home is None:
        raise UserError("Cơ sở dữ liệu chưa được thiết lập đơn vị.")
    return home


def unlock(database, password: str, *, actor=None) -> Keyring:
    """Open our private keys with the administrator's password (made on first use if missing).

    Wrong passwords are slowed and audited like the login's (services/throttle.py), the same for
    the window and every command that signs or opens packages."""
    from handbook_desktop.services.throttle import SYNC_KEYS, guarded

    return guarded(database, SYNC_KEYS, "sync_unlock", lambda: _unlock(database, password), actor=actor)


def _unlock(database, password: str) -> Keyring:
    from handbook_desktop.services.auth import verify_password
    from handbook_desktop.services.throttle import WrongPassword
    from handbook_desktop.store.models import User

    with database.session() as session:
        home = _home(session)
        rows = list(session.scalars(select(SyncKey).order_by(SyncKey.id)))
        if not rows:
            # A database made before sync existed: only the administrator may make its keys.
            admins = session.scalars(select(User).where(User.role == "secretary", User.active.is_(True)))
            if not any(verify_password(password, admin.password_hash) for admin in admins):
                raise WrongPassword("Mật khẩu quản trị viên không đúng; khóa đồng bộ chưa được tạo.")
            rows = [create_keys(session, password)]
        sign: dict[str, Ed25519PrivateKey] = {}
        box: dict[str, X25519PrivateKey] = {}
        active = None
        for row in rows:
            try:
                private = _unseal(password, row)
            except (InvalidTag, ValueError):
                raise WrongPassword("Mật khẩu quản trị viên không đúng: không mở được khóa đồng bộ.") from None
            sign[row.key_id] = Ed25519PrivateKey.from_private_bytes(private[:32])
            box[row.key_id] = X25519PrivateKey.from_private_bytes(private[32:])
            if row.retired_at is None:
                active = row.key_id
        return Keyring(home.code, active or rows[-1].key_id, sign, box)


def rotate_keys(database, actor, password: str) -> str:
    """Make a new key pair; the old one is kept so earlier packages stay verifiable and readable."""
    actor.require("keys")
    unlock(database, password)  # the password must open the current keys first
    with database.session() as session:
        row = create_keys(session, password)
        record(session, actor, "sync_rotate_keys", entity="sync_key", detail={"key_id": row.key_id})
        return fingerprint(row.sign_public, row.box_public)


# --- identity cards -------------------------------------------------------------------------


def identity_card(database, keyring: Keyring) -> dict:
    """This installation's card: unit, public keys, fingerprint, self-signed."""
    with database.read() as session:
        home = _home(session)
        key = session.scalars(select(SyncKey).where(SyncKey.key_id == keyring.active_id)).one()
        parent = session.get(Unit, home.parent_id) if home.parent_id else None
        body = {
            "format": CARD_FORMAT,
            "unit": {"uuid": home.uuid, "code": home.code, "name": home.name, "level": home.level,
                     "parent_code": parent.code if parent else None},
            "key_id": key.key_id,
            "sign_public": b64(key.sign_public),
            "box_public": b64(key.box_public),
            "fingerprint": fingerprint(key.sign_public, key.box_public),
            "created_at": key.created_at.isoformat(),
        }
        rotation = _rotation(session, keyring, key, body)
        if rotation is not None:
            body["rotation"] = rotation
    body["signature"] = b64(keyring.signer().sign(canonical(body)))
    return body


def _rotation(session: Session, keyring: Keyring, key: SyncKey, body: dict) -> dict | None:
    """The previous key's handover to ``key``: its id, the last package numbers it signed for each
    peer (those stay verifiable), signed by it. Peers that trusted it accept the new key without
    a re-enrolment, and refuse anything newer signed with the old one."""
    from sqlalchemy import func

    from handbook_desktop.services.sync.trust import rotation_statement
    from handbook_desktop.store.models import SyncOutbox

    previous = session.scalars(select(SyncKey).where(SyncKey.id < key.id).order_by(SyncKey.id.desc())).first()
    if previous is None or previous.key_id not in keyring.sign:
        return None
    last = dict(session.execute(select(SyncOutbox.peer_code, func.max(SyncOutbox.sequence)).where(
        SyncOutbox.kind != "receipt", SyncOutbox.created_at < key.created_at).group_by(SyncOutbox.peer_code)).all())
    rotation = {"previous_key": previous.key_id, "last_sequences": {code: int(n) for code, n in last.items()}}
    statement = rotation_statement({**body, "rotation": rotation})
    rotation["signature"] = b64(keyring.sign[previous.key_id].sign(statement))
    return rotation


def write_identity_card(database, keyring: Keyring, target: Path) -> dict:
    card = identity_card(database, keyring)
    Path(target).write_bytes(json.dumps(card, ensure_ascii=False, indent=2).encode("utf-8"))
    if not database.readonly:  # ticks "make the identity card" on the start checklist (services.start)
        from datetime import date

        from handbook_desktop.services.start import note_identity_card

        with database.session() as session:
            note_identity_card(session, date.today())
    return card


def read_identity_card(source: Path) -> dict:
    try:
        raw = Path(source).read_bytes()
        if len(raw) > 64 * 1024:
            raise ValueError("too large")
        card = json.loads(raw.decode("utf-8"))
        if card.get("format") != CARD_FORMAT:
            raise ValueError("format")
        sign_public, box_public = unb64(card["sign_public"]), unb64(card["box_public"])
        signature = unb64(card.pop("signature"))
        Ed25519PublicKey.from_public_bytes(sign_public).verify(signature, canonical(card))
        unit = card["unit"]
        if not all(isinstance(unit.get(name), str) and unit[name] for name in ("uuid", "code", "name", "level")):
            raise ValueError("unit")
    except OSError:
        raise UserError(f"Không đọc được tệp thẻ định danh '{Path(source).name}'.") from None
    except (ValueError, KeyError, TypeError, AttributeError, InvalidSignature):
        raise UserError("Tệp thẻ định danh không hợp lệ hoặc đã bị sửa; hãy xin đơn vị kia gửi lại.") from None
    if card["key_id"] != key_id_of(sign_public) or card["fingerprint"] != fingerprint(sign_public, box_public):
        raise UserError("Tệp thẻ định danh không hợp lệ hoặc đã bị sửa; hãy xin đơn vị kia gửi lại.")
    card["signature"] = b64(signature)
    return card


def trust_card(database, actor, card: dict, confirmed_fingerprint: str, **options) -> dict:
    """Trust a peer after a person compared the fingerprint (rules in trust.py)."""
    from handbook_desktop.services.sync.trust import trust_card as trust

    return trust(database, actor, card, confirmed_fingerprint, **options)


def peer_keys(session: Session, peer_code: str) -> dict[str, SyncPeerKey]:
    rows = session.execute(
        select(SyncPeerKey).join(SyncPeer, SyncPeer.id == SyncPeerKey.peer_id).where(SyncPeer.unit_code == peer_code)
    ).scalars()
    return {row.key_id: row for row in rows}


def latest_peer_key(session: Session, peer_code: str) -> SyncPeerKey:
    keys = {key_id: row for key_id, row in peer_keys(session, peer_code).items()
            if row.revoked_at is None and row.retired_at is None}
    if not keys:
        raise UserError(f"Chưa tin cậy đơn vị {peer_code}: hãy nhận thẻ định danh của đơn vị đó và xác nhận "
                        "dấu vân tay trước khi gửi gói.")
    return max(keys.values(), key=lambda row: row.id)
