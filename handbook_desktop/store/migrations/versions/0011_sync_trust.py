"""trust at the committee (issue 12): peer keys can be retired by a rotation or revoked

Revision ID: 0011
Revises: 0010

A peer's key retired by a signed rotation keeps verifying the packages numbered up to
``last_sequence`` (made before the rotation) and nothing after; a revoked key verifies nothing.
A unit that re-enrolled after losing its key starts its numbering again (``sync_peer.chain_from``).
Stored fingerprints are recomputed with the full width of the digest (the old ones ended in 00000).
"""

import hashlib

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _fingerprint(sign_public: bytes, box_public: bytes) -> str:
    # The same as services/sync/keys.fingerprint at this revision (a migration must not import it).
    digest = hashlib.sha512(b"handbook-fingerprint" + sign_public + box_public).digest()
    groups = [int.from_bytes(digest[i * 5:(i + 1) * 5], "big") % 100_000 for i in range(8)]
    return " ".join(f"{group:05d}" for group in groups)


def upgrade() -> None:
    with op.batch_alter_table("sync_peer_key") as batch:
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_sequence", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_by", sa.String(length=60), nullable=True))
    with op.batch_alter_table("sync_peer") as batch:
        batch.add_column(sa.Column("chain_from", sa.DateTime(timezone=True), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, sign_public, box_public FROM sync_peer_key")).fetchall()
    for row_id, sign_public, box_public in rows:
        connection.execute(sa.text("UPDATE sync_peer_key SET fingerprint = :fp WHERE id = :id"),
                           {"fp": _fingerprint(bytes(sign_public), bytes(box_public)), "id": row_id})


def downgrade() -> None:
    with op.batch_alter_table("sync_peer") as batch:
        batch.drop_column("chain_from")
    with op.batch_alter_table("sync_peer_key") as batch:
        batch.drop_column("revoked_by")
        batch.drop_column("revoked_at")
        batch.drop_column("last_sequence")
        batch.drop_column("retired_at")
