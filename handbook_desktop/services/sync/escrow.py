"""The recovery escrow: the sync keys survive a password reset with the recovery code.

The private halves of our sync keys are sealed under the administrator's password. The recovery
code printed at setup resets a forgotten password, but it cannot open what the old password
sealed — so each key is also encrypted to an escrow key pair (X25519, then HKDF-SHA256 and
AES-256-GCM), whose private half is sealed under the recovery code. Only the public half is
needed to add a key, so a rotation (when nobody types the code) is covered too. A new recovery
code makes a new escrow and the old one is dropped: a spent or leaked code opens nothing.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from handbook_desktop.store.models import KeyEscrow, SyncKey

_LABEL = b"handbook-escrow/1"
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def _wrapping_key(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL).derive(shared)


def _encrypt_to(public: bytes, key_id: str, private: bytes) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    key = _wrapping_key(ephemeral.exchange(X25519PublicKey.from_public_bytes(public)))
    nonce = os.urandom(12)
    return ephemeral.public_key().public_bytes(*_RAW) + nonce + AESGCM(key).encrypt(nonce, private, key_id.encode())


def _decrypt_with(escrow: X25519PrivateKey, key_id: str, blob: bytes) -> bytes:
    key = _wrapping_key(escrow.exchange(X25519PublicKey.from_public_bytes(blob[:32])))
    return AESGCM(key).decrypt(blob[32:44], blob[44:], key_id.encode())


def current(session: Session) -> KeyEscrow | None:
    return session.scalars(select(KeyEscrow).order_by(KeyEscrow.id.desc())).first()


def to_escrow(session: Session, key_id: str, private: bytes) -> bytes | None:
    """A new key's private half for the escrow (``None`` before any escrow exists)."""
    escrow = current(session)
    return None if escrow is None else _encrypt_to(escrow.public, key_id, private)


def make_escrow(session: Session, recovery_code: str, privates: dict[str, bytes]) -> KeyEscrow:
    """A new escrow under ``recovery_code``, holding the ``privates`` given (key id → private
    halves); the previous escrow goes, and keys not given lose their escrow copy."""
    from handbook_desktop.services.sync.keys import seal_secret

    pair = X25519PrivateKey.generate()
    sealed, kdf = seal_secret(normalise_code(recovery_code), _LABEL, pair.private_bytes_raw())
    session.execute(delete(KeyEscrow))
    escrow = KeyEscrow(public=pair.public_key().public_bytes(*_RAW), sealed_private=sealed, kdf=kdf)
    session.add(escrow)
    for row in session.scalars(select(SyncKey)):
        private = privates.get(row.key_id)
        row.recovery_sealed = None if private is None else _encrypt_to(escrow.public, row.key_id, private)
    session.flush()
    return escrow


def recover(session: Session, recovery_code: str) -> dict[str, bytes]:
    """The private halves the escrow holds, opened with the recovery code (empty when there is no
    escrow — a database made before it — or the code is not the escrow's)."""
    from handbook_desktop.services.sync.keys import open_secret

    escrow = current(session)
    if escrow is None:
        return {}
    try:
        opened = open_secret(normalise_code(recovery_code), escrow.sealed_private, escrow.kdf, _LABEL)
    except (InvalidTag, ValueError):
        return {}
    pair = X25519PrivateKey.from_private_bytes(opened)
    privates = {}
    for row in session.scalars(select(SyncKey).where(SyncKey.recovery_sealed.is_not(None))):
        try:
            privates[row.key_id] = _decrypt_with(pair, row.key_id, row.recovery_sealed)
        except (InvalidTag, ValueError):
            continue
    return privates


def normalise_code(code: str) -> str:
    """The code's letters and digits only: spaces, dashes and case as typed do not matter."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())
