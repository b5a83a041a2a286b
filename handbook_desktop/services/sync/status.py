"""What the sync side looks like now: our fingerprint, peers, packages sent, received, held."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from handbook_desktop.services.sync.keys import active_key, fingerprint
from handbook_desktop.store.models import SyncConflict, SyncInbox, SyncOutbox, SyncPeer, SyncPeerKey, Unit

RELATION_LABELS = {"parent": "cấp ủy cấp trên", "child": "chi bộ trực thuộc"}


def relation_label(relation: str, level: str | None) -> str:
    """'chi bộ trực thuộc' for a branch; a committee under a city is 'đơn vị trực thuộc'."""
    if relation == "child" and level not in (None, "chi-bo"):
        return "đơn vị trực thuộc"
    return RELATION_LABELS.get(relation, relation)


def sync_status(database) -> dict:
    with database.read() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        key = active_key(session)
        peers = []
        for peer in session.scalars(select(SyncPeer).order_by(SyncPeer.unit_code)):
            sent = session.scalars(select(SyncOutbox).where(SyncOutbox.peer_code == peer.unit_code,
                                                            SyncOutbox.kind != "receipt")).all()
            received = session.scalars(select(SyncInbox).where(SyncInbox.peer_code == peer.unit_code,
                                                               SyncInbox.kind != "receipt")).all()
            keys = session.scalars(select(SyncPeerKey).where(SyncPeerKey.peer_id == peer.id)
                                   .order_by(SyncPeerKey.id)).all()
            trusted = [key for key in keys if key.revoked_at is None and key.retired_at is None]
            applied = [row for row in received if row.status == "applied"]
            last_sent = max(sent, key=lambda row: row.sequence, default=None)
            last_received = max(applied, key=lambda row: row.sequence, default=None)
            peers.append({
                "unit_code": peer.unit_code, "unit_name": peer.unit_name, "relation": peer.relation,
                "relation_label": relation_label(peer.relation, peer.level),
                # Computed from the key, the same function the peer shows its own with.
                "fingerprint": fingerprint(trusted[-1].sign_public, trusted[-1].box_public) if trusted else None,
                "keys": [{"key_id": key.key_id, "fingerprint": fingerprint(key.sign_public, key.box_public),
                          "trusted_at": key.trusted_at, "retired_at": key.retired_at,
                          "revoked_at": key.revoked_at, "revoked_by": key.revoked_by} for key in keys],
                "trusted_at": peer.trusted_at,
                "sent": len(sent), "last_sent": last_sent.sequence if last_sent else 0,
                "last_sent_at": last_sent.created_at if last_sent else None,
                "unacknowledged": [row.sequence for row in sorted(sent, key=lambda r: r.sequence)
                                   if row.acknowledged_at is None],
                "last_received": last_received.sequence if last_received else 0,
                "last_received_at": last_received.applied_at if last_received else None,
                "held": sorted(row.sequence for row in received if row.status == "held"),
            })
        conflicts = session.scalar(select(func.count()).select_from(SyncConflict)
                                   .where(SyncConflict.resolved_at.is_(None)))
        return {
            "unit_code": home.code, "unit_name": home.name,
            "key_id": key.key_id if key else None,
            "fingerprint": fingerprint(key.sign_public, key.box_public) if key else None,
            "peers": peers, "open_conflicts": conflicts or 0,
        }


def outbox_rows(database) -> list[dict]:
    with database.read() as session:
        rows = []
        for row in session.scalars(select(SyncOutbox).order_by(SyncOutbox.id.desc())):
            result = json.loads(row.result_json) if row.result_json else None
            rows.append({"package_id": row.package_id, "peer": row.peer_code, "kind": row.kind,
                         "sequence": row.sequence, "created_at": row.created_at,
                         "records": sum(json.loads(row.counts_json).values()),
                         "acknowledged_at": row.acknowledged_at, "result": result})
        return rows


def inbox_rows(database) -> list[dict]:
    with database.read() as session:
        return [{"package_id": row.package_id, "peer": row.peer_code, "kind": row.kind, "sequence": row.sequence,
                 "status": row.status, "received_at": row.received_at, "applied_at": row.applied_at,
                 "result": json.loads(row.result_json) if row.result_json else None}
                for row in session.scalars(select(SyncInbox).order_by(SyncInbox.id.desc()))]
