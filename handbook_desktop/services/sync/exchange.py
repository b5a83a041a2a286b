"""Making packages: changes or a full snapshot for a peer, receipts, and the outbox."""

from __future__ import annotations

import hashlib
import json
import uuid as _uuid
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from handbook_desktop import __version__
from handbook_desktop.services.audit import record as audit
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.sync import package
from handbook_desktop.services.sync.capture import _chunks, capture_batches
from handbook_desktop.services.sync.keys import Keyring, latest_peer_key
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.migrate import head_revision
from handbook_desktop.store.models import SyncInbox, SyncOutbox, SyncPeer, SyncRow

RECEIPT = "receipt"


@lru_cache(maxsize=1)
def _head() -> str:
    return head_revision()


@dataclass
class ExportResult:
    package_id: str
    sequence: int
    kind: str
    recipient: str
    counts: dict[str, int]
    data: bytes
    file_name: str

    def public(self) -> dict:
        return {"package_id": self.package_id, "sequence": self.sequence, "kind": self.kind,
                "recipient": self.recipient, "counts": self.counts, "records": sum(self.counts.values()),
                "bytes": len(self.data), "file_name": self.file_name}


def file_name(sender: str, recipient: str, kind: str, sequence: int, package_id: str) -> str:
    # Unit codes and numbers only: a file name must not carry personal data.
    if kind == RECEIPT:
        return f"{sender}-gui-{recipient}-bien-nhan-{package_id[:8]}.hbsync"
    return f"{sender}-gui-{recipient}-so-{sequence:04d}.hbsync"


def peer_or_refuse(session: Session, code: str) -> SyncPeer:
    peer = session.scalars(select(SyncPeer).where(SyncPeer.unit_code == code)).first()
    if peer is None:
        raise UserError(f"Chưa tin cậy đơn vị {code}: hãy nhận thẻ định danh của đơn vị đó và xác nhận dấu vân tay.")
    return peer


def chain_start(session: Session, peer_code: str):
    """When the peer's current numbering began (None: with its first package)."""
    return session.scalar(select(SyncPeer.chain_from).where(SyncPeer.unit_code == peer_code))


def last_applied(session: Session, peer_code: str) -> int:
    """The highest number taken in (applied, or refused whole) in the peer's current numbering."""
    query = select(func.coalesce(func.max(SyncInbox.sequence), 0)).where(
        SyncInbox.peer_code == peer_code, SyncInbox.status.in_(("applied", "refused")), SyncInbox.kind != RECEIPT)
    start = chain_start(session, peer_code)
    if start is not None:
        query = query.where(SyncInbox.received_at >= start)
    return session.scalar(query) or 0


def _manifest(session: Session, keyring: Keyring, peer: SyncPeer, kind: str, sequence: int, previous: str | None,
              package_id: str, key) -> dict:
    return {
        "package_id": package_id, "kind": kind, "sender": keyring.unit_code, "recipient": peer.unit_code,
        "sender_key": keyring.active_id, "recipient_key": key.key_id, "sequence": sequence,
        "previous": previous, "acknowledged": last_applied(session, peer.unit_code),
        "schema": _head(), "app_version": __version__, "created_at": utcnow().isoformat(),
    }


def _keep(session: Session, keyring: Keyring, peer: SyncPeer, kind: str, sequence: int, package_id: str,
          counts: dict, data: bytes, manifest_bytes: bytes, actor_name: str) -> ExportResult:
    session.add(SyncOutbox(package_id=package_id, peer_code=peer.unit_code, kind=kind, sequence=sequence,
                           manifest_hash=hashlib.sha256(manifest_bytes).hexdigest(),
                           counts_json=json.dumps(counts), data=data, created_by=actor_name))
    return ExportResult(package_id, sequence, kind, peer.unit_code, counts, data,
                        file_name(keyring.unit_code, peer.unit_code, kind, sequence, package_id))


def _seal(session: Session, keyring: Keyring, peer: SyncPeer, kind: str, sequence: int, previous: str | None,
          counts: dict, plain: bytes, actor_name: str) -> ExportResult:
    key = latest_peer_key(session, peer.unit_code)
    package_id = str(_uuid.uuid4())
    manifest = dict(_manifest(session, keyring, peer, kind, sequence, previous, package_id, key), counts=counts)
    data, manifest_bytes = package.build(manifest, plain, keyring, key.box_public)
    return _keep(session, keyring, peer, kind, sequence, package_id, counts, data, manifest_bytes, actor_name)


def _remember_sent(session: Session, peer_code: str, records: list[dict], package_id: str) -> None:
    """What was sent of each row (the base of the next merge), a batch at a time, without ORM objects."""
    table = SyncRow.__table__
    existing: dict[str, int] = {}
    for chunk in _chunks([record["u"] for record in records]):
        existing.update(session.execute(select(table.c.row_uuid, table.c.id).where(
            table.c.peer_code == peer_code, table.c.row_uuid.in_(chunk))).all())
    updates, inserts = [], []
    for record in records:
        sent = json.dumps(record["f"], ensure_ascii=False, sort_keys=True)
        if record["u"] in existing:
            updates.append({"row_id": existing[record["u"]], "sv": record["v"], "sj": sent, "sp": package_id})
        else:
            inserts.append({"peer_code": peer_code, "table_name": record["t"], "row_uuid": record["u"],
                            "sent_version": record["v"], "sent_json": sent, "sent_package": package_id})
            existing[record["u"]] = -1  # the same row twice in one package is refused on the other side anyway
    if updates:
        session.execute(update(table).where(table.c.id == bindparam("row_id")).values(
            sent_version=bindparam("sv"), sent_json=bindparam("sj"), sent_package=bindparam("sp")), updates)
    if inserts:
        session.execute(insert(table), inserts)


def export_package(database, actor, keyring: Keyring, peer_code: str, *, full: bool = False) -> ExportResult:
    """Everything the peer has not acknowledged (or everything in scope) as the next numbered package.

    Streamed (issue 18 §2): records are captured, written through the sealer and remembered as sent
    a batch at a time; only the encrypted, compressed package is held whole (it is the result)."""
    actor.require("write")
    with database.immediate() as session:
        peer = peer_or_refuse(session, peer_code)
        last = session.scalars(select(SyncOutbox).where(
            SyncOutbox.peer_code == peer_code, SyncOutbox.kind != RECEIPT).order_by(SyncOutbox.sequence.desc())).first()
        sequence = (last.sequence if last else 0) + 1
        kind = "full" if full else ("decisions" if peer.relation == "child" else "changes")
        key = latest_peer_key(session, peer.unit_code)
        package_id = str(_uuid.uuid4())
        sealer = package.Sealer(_manifest(session, keyring, peer, kind, sequence, last.manifest_hash if last else None,
                                          package_id, key), keyring, key.box_public)
        counts: dict[str, int] = {}
        separator = b""
        for records in capture_batches(session, peer, full=full):
            for item in records:
                counts[item["t"]] = counts.get(item["t"], 0) + 1
            sealer.write(separator + "\n".join(json.dumps(item, ensure_ascii=False, sort_keys=True,
                                                            separators=(",", ":")) for item in records).encode("utf-8"))
            separator = b"\n"
            _remember_sent(session, peer_code, records, package_id)
        data, manifest_bytes = sealer.finish(counts=counts)
        result = _keep(session, keyring, peer, kind, sequence, package_id, counts, data, manifest_bytes,
                       actor.username)
        audit(session, actor, "sync_export", entity="sync_outbox", entity_uuid=result.package_id,
              detail={"to": peer_code, "sequence": sequence, "kind": kind, "counts": counts})
    return result


def make_receipt(session: Session, keyring: Keyring, peer: SyncPeer, manifest: dict, results,
                 actor_name: str) -> ExportResult:
    """A receipt: what was accepted, unchanged and rejected (with reasons). Outside the numbered chain.

    ``results`` may be any iterable of record dicts: the body is written through the sealer as it
    comes, byte for byte what ``json.dumps(body, sort_keys=True)`` gives (issue 18 §2)."""
    dump = lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # noqa: E731
    key = latest_peer_key(session, peer.unit_code)
    package_id = str(_uuid.uuid4())
    sealer = package.Sealer(_manifest(session, keyring, peer, RECEIPT, 0, None, package_id, key), keyring,
                            key.box_public)
    sealer.write(('{"acknowledges":' + dump(manifest["package_id"]) + ',"records":[').encode("utf-8"))
    count, pending = 0, []
    for item in results:
        pending.append(dump(item))
        count += 1
        if len(pending) >= 2000:
            sealer.write(((',' if count > len(pending) else '') + ",".join(pending)).encode("utf-8"))
            pending = []
    if pending:
        sealer.write(((',' if count > len(pending) else '') + ",".join(pending)).encode("utf-8"))
    sealer.write(('],"sequence":' + dump(manifest["sequence"]) + '}').encode("utf-8"))
    counts = {"records": count}
    data, manifest_bytes = sealer.finish(counts=counts)
    return _keep(session, keyring, peer, RECEIPT, 0, package_id, counts, data, manifest_bytes, actor_name)


def reexport(database, package_id: str) -> ExportResult:
    """A lost package written again byte for byte: same id, same number, same content."""
    with database.read() as session:
        row = session.scalars(select(SyncOutbox).where(SyncOutbox.package_id == package_id)).first()
        if row is None:
            raise UserError("Không có gói này trong danh sách gói đã gửi.")
        sender = database.home_unit().code
        return ExportResult(row.package_id, row.sequence, row.kind, row.peer_code, json.loads(row.counts_json),
                            row.data, file_name(sender, row.peer_code, row.kind, row.sequence, row.package_id))
