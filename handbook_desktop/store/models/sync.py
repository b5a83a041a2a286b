"""Sync bookkeeping: our keys, trusted peers and their keys, packages sent and received, the
per-row state agreed with each peer, and the conflict queue (DESIGN.md "Sync packages")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from handbook_desktop.store.base import Base, UTCDateTime, utcnow


class SyncKey(Base):
    """One of our key pairs. Private halves are sealed under the administrator's password; old
    pairs are kept (retired) so that packages addressed to them can still be opened."""

    __tablename__ = "sync_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(40), unique=True)
    sign_public: Mapped[bytes] = mapped_column(LargeBinary)
    box_public: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_private: Mapped[bytes] = mapped_column(LargeBinary)
    kdf: Mapped[str] = mapped_column(String(200))  # argon2id parameters and salt
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The same private halves encrypted to the recovery escrow's public key (services/sync/escrow.py),
    # so that a password reset with the recovery code can seal them under the new password.
    recovery_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class KeyEscrow(Base):
    """The recovery escrow: an X25519 key pair whose private half is sealed under the recovery
    code printed at setup. Sync keys are encrypted to its public half whenever they are made, so
    that even a key made by a later rotation (when nobody types the code) can be recovered."""

    __tablename__ = "key_escrow"

    id: Mapped[int] = mapped_column(primary_key=True)
    public: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_private: Mapped[bytes] = mapped_column(LargeBinary)
    kdf: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncPeer(Base):
    """A unit we exchange packages with: our parent committee or one of our child branches."""

    __tablename__ = "sync_peer"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(40), unique=True)
    unit_uuid: Mapped[str] = mapped_column(String(36))
    unit_name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(30))
    relation: Mapped[str] = mapped_column(String(10))  # parent | child
    trusted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    trusted_by: Mapped[str] = mapped_column(String(60))
    # Set when the unit re-enrolled after losing its key: packages received before no longer count
    # for the numbering, and the first one under the new key starts the chain again.
    chain_from: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class SyncPeerKey(Base):
    """A public key of a peer, trusted after its fingerprint was compared; never deleted."""

    __tablename__ = "sync_peer_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("sync_peer.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(40), unique=True)
    sign_public: Mapped[bytes] = mapped_column(LargeBinary)
    box_public: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(80))
    trusted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Retired by a rotation the old key signed: it still verifies the packages numbered up to
    # ``last_sequence`` (made before the rotation), nothing after. Revoked: verifies nothing.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_sequence: Mapped[int | None] = mapped_column(Integer, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_by: Mapped[str | None] = mapped_column(String(60), default=None)


class SyncOutbox(Base):
    """Every package we made, byte for byte, so a lost one can be written again unchanged."""

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_peer_seq", "peer_code", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[str] = mapped_column(String(36), unique=True)
    peer_code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    sequence: Mapped[int] = mapped_column(Integer)  # 0 for receipts (outside the numbered chain)
    manifest_hash: Mapped[str] = mapped_column(String(64))
    counts_json: Mapped[str] = mapped_column(Text)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(60))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    result_json: Mapped[str | None] = mapped_column(Text, default=None)  # the receipt's outcome


class SyncInbox(Base):
    """Every package received: applied, or held until the missing numbers before it arrive."""

    __tablename__ = "sync_inbox"
    __table_args__ = (Index("ix_sync_inbox_peer_seq", "peer_code", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[str] = mapped_column(String(36), unique=True)
    peer_code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    sequence: Mapped[int] = mapped_column(Integer)
    manifest_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))  # applied | held | refused (outside its sender's scope)
    counts_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str | None] = mapped_column(Text, default=None)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)  # held only
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    received_by: Mapped[str] = mapped_column(String(60))


class SyncRow(Base):
    """What a peer and we last agreed on for one row (base of three-way merges), and what we sent
    since that the peer has not yet acknowledged."""

    __tablename__ = "sync_row"
    __table_args__ = (UniqueConstraint("peer_code", "row_uuid", name="uq_sync_row_peer_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_code: Mapped[str] = mapped_column(String(40))
    table_name: Mapped[str] = mapped_column(String(60))
    row_uuid: Mapped[str] = mapped_column(String(36), index=True)
    version: Mapped[int | None] = mapped_column(Integer, default=None)
    data_json: Mapped[str | None] = mapped_column(Text, default=None)
    sent_version: Mapped[int | None] = mapped_column(Integer, default=None)
    sent_json: Mapped[str | None] = mapped_column(Text, default=None)
    sent_package: Mapped[str | None] = mapped_column(String(36), default=None)


class SyncConflict(Base):
    """The same field changed on both sides: waits for a person (no last-writer-wins)."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_row", "peer_code", "row_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_code: Mapped[str] = mapped_column(String(40))
    table_name: Mapped[str] = mapped_column(String(60))
    row_uuid: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    base_json: Mapped[str | None] = mapped_column(Text, default=None)
    ours_json: Mapped[str | None] = mapped_column(Text, default=None)
    theirs_json: Mapped[str | None] = mapped_column(Text, default=None)
    package_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(60), default=None)
    resolution: Mapped[str | None] = mapped_column(String(10), default=None)  # ours | theirs | edited
