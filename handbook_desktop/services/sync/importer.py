"""Receiving a package, in DESIGN.md's order: file and zip checks → manifest → addressed to us →
trusted sender → signature → payload hash → decrypt → format and schema → sequence → dry run →
(automatic verified backup) → apply in one transaction → receipt back to the sender.

A package already applied changes nothing; one that arrives after a gap is held (and the missing
numbers named) until the gap is filled; a different package with a number already used is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop import paths
from handbook_desktop.services.audit import record as audit
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.progress import Progress, ProgressGen
from handbook_desktop.services.sync import package, stream
from handbook_desktop.services.sync.exchange import (
    RECEIPT, ExportResult, chain_start, last_applied, make_receipt, peer_or_refuse,
)
from handbook_desktop.services.sync.keys import Keyring, peer_keys
from handbook_desktop.services.sync.merge import Planner, RecordPlan, Writer, totals
from handbook_desktop.services.sync.stream import RecordStream, Summary
from handbook_desktop.services.sync.tables import sender_side, table_by_name
from handbook_desktop.services.sync.trust import usable_for
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.migrate import known_revisions
from handbook_desktop.store.models import SyncInbox, SyncOutbox, SyncPeer, SyncRow, Unit
from handbook_desktop.store.snapshot import snapshot

ACCEPTED = {"new", "changed", "unchanged", "deleted", "conflict"}
CHAINED = ("applied", "refused")  # statuses that use up a package's number
LIST_LIMIT = 200  # records listed per table in a preview or --json, unless all are asked for


@lru_cache(maxsize=1)
def _known_schemas() -> frozenset[str]:
    return frozenset(known_revisions())


@dataclass
class Opened:
    raw: package.RawPackage
    body: list[dict] | dict | RecordStream  # a stream when the records come in table order (ours do)

    @property
    def manifest(self) -> dict:
        return self.raw.manifest


@dataclass
class ImportResult:
    status: str  # dry_run | applied | already | held | receipt
    message: str
    manifest: dict
    plans: list[RecordPlan] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    receipts: list[ExportResult] = field(default_factory=list)
    released: list[int] = field(default_factory=list)  # held numbers applied after this one
    backup: Path | None = None
    receipt_summary: dict | None = None
    summary: Summary | None = None  # a streamed package: totals of every record, ``plans`` a sample

    @property
    def totals(self) -> dict[str, int]:
        return self.summary.totals if self.summary is not None else totals(self.plans)

    def public(self, limit: int | None = LIST_LIMIT, *, reveal: bool = False) -> dict:
        """For the preview and ``--json``: totals by table and outcome, and the records themselves up
        to ``limit`` per table (``None``: all of them, ``--details``), the ones that change something
        first. A whole committee's package summarises in a few kilobytes instead of hundreds of MB."""
        manifest = self.manifest
        tables = stream.public_tables(self.plans, self.summary, limit, reveal)
        return {
            "status": self.status, "message": self.message,
            "package": {name: manifest.get(name) for name in ("package_id", "kind", "sender", "recipient",
                                                              "sequence", "created_at", "counts")},
            "totals": self.totals,
            "tables": tables,
            "records_limit": limit,
            "missing": self.missing, "released": self.released,
            "receipts": [receipt.file_name for receipt in self.receipts],
            "backup": str(self.backup) if self.backup else None,
            "receipt_summary": self.receipt_summary,
        }


def _home(session: Session) -> Unit:
    home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
    if home is None:
        raise UserError("Cơ sở dữ liệu chưa được thiết lập đơn vị.")
    return home


def open_package(session: Session, keyring: Keyring, data: bytes) -> Opened:
    """Every check before the sequence: raises PackageRefused with one Vietnamese sentence."""
    raw = package.read(data)
    manifest = raw.manifest
    home = _home(session)
    if manifest["recipient"] != home.code:
        raise package.PackageRefused(
            f"Gói này gửi cho đơn vị {manifest['recipient']}, không phải đơn vị {home.code}; không nhập.")
    peer = session.scalars(select(SyncPeer).where(SyncPeer.unit_code == manifest["sender"])).first()
    if peer is None:
        raise package.PackageRefused(
            f"Gói từ đơn vị {manifest['sender']} chưa được tin cậy; hãy nhận thẻ định danh của đơn vị đó và xác nhận "
            "dấu vân tay trước khi nhập.")
    keys = peer_keys(session, peer.unit_code)
    package.verify(raw, keys)
    refusal = usable_for(keys[manifest["sender_key"]], manifest)
    if refusal:
        raise package.PackageRefused(refusal)
    limit = sync_limit(session, "sync.max_records")
    if sum(manifest["counts"].values()) > limit:
        raise package.PackageRefused(f"Gói có hơn {limit} bản ghi, vượt giới hạn cho phép; không nhập.")
    if manifest["kind"] != RECEIPT:
        # Records: read piece by piece, every line parsed and counted, the GCM tag checked at the end
        # (issue 18 §2); what is kept is each table's uuids, not the records.
        stream = RecordStream(raw, keyring)
        stream.scan(table_by_name())
        if manifest["schema"] not in _known_schemas():
            raise _newer_schema()
        if stream.counts != manifest["counts"]:
            raise package.PackageRefused("Nội dung gói không đúng định dạng; không nhập.")
        # Streamed both ways (a committee's whole register going up, or down from the city); a package
        # in another order than ours is read whole.
        return Opened(raw, stream if stream.ordered else stream.records())
    plain = package.decrypt(raw, keyring)
    if manifest["schema"] not in _known_schemas():
        raise _newer_schema()
    bad = package.PackageRefused("Nội dung gói không đúng định dạng; không nhập.")
    try:
        body = json.loads(plain.decode("utf-8"))  # a receipt
        if not isinstance(body, dict) or not isinstance(body.get("records"), list) or not all(
                isinstance(item, dict) and isinstance(item.get("u"), str) for item in body["records"]):
            raise bad
    except (UnicodeDecodeError, ValueError):
        raise bad from None
    return Opened(raw, body)


def _newer_schema() -> package.PackageFromNewerProgram:
    return package.PackageFromNewerProgram(
        "Gói được tạo bằng phiên bản chương trình mới hơn (cấu trúc dữ liệu mới); hãy cập nhật Sổ tay Chi bộ lên "
        "phiên bản mới nhất rồi nhập lại.")


def sync_limit(session: Session, key: str) -> int:
    """A bound of the rule table (``sync.*``) in force today, from the database or, before it has
    it, as shipped. Read by key: the whole rule book is not built for every package."""
    from datetime import date

    from handbook_desktop.store.models import RuleRow

    today = date.today()
    value = session.scalar(select(RuleRow.value_json).where(
        RuleRow.key == key, RuleRow.effective_from <= today, RuleRow.deleted_at.is_(None))
        .order_by(RuleRow.effective_from.desc()).limit(1))
    if value is not None:
        return int(json.loads(value))
    return int(_shipped_book().value(key, today))


@lru_cache(maxsize=1)
def _shipped_book():
    from handbook_desktop.domain.rules import RuleBook
    from handbook_desktop.services.rules import shipped_rules

    return RuleBook.of(shipped_rules())


def _sequence_state(session: Session, opened: Opened, *, releasing: bool = False) -> tuple[str, list[int]]:
    """'already', 'held-already', 'gap' (with missing numbers) or 'next'; refuses a fork."""
    manifest = opened.manifest
    sender, number = manifest["sender"], manifest["sequence"]
    same = session.scalars(select(SyncInbox).where(SyncInbox.package_id == manifest["package_id"])).first()
    if same is not None:
        if same.manifest_hash != opened.raw.manifest_hash:
            raise package.PackageRefused("Gói mang mã của một gói đã nhận nhưng nội dung khác: không nhập.")
        if same.status == "applied":
            return "already", []
        if same.status == "refused":
            return "refused-already", []
        if not releasing:
            return "held-already", []
    if manifest["kind"] == RECEIPT:
        return "next", []
    fork = package.PackageRefused(
        f"Đã nhận một gói số {number} khác từ đơn vị {sender}: hai gói cùng số mà nội dung khác nhau. Dừng lại, "
        "không nhập; hãy liên hệ đơn vị gửi để kiểm tra.")
    last = last_applied(session, sender)
    if last == 0 and chain_start(session, sender) is not None:
        return "next", []  # the first package after a re-enrolment starts the numbering again
    if number <= last:
        raise fork
    held = {row.sequence: row for row in session.scalars(select(SyncInbox).where(
        SyncInbox.peer_code == sender, SyncInbox.status == "held"))}
    if number in held and held[number].package_id != manifest["package_id"]:
        raise fork
    if number > last + 1:
        bound = sync_limit(session, "sync.max_sequence_gap")
        if number - last - 1 > bound:  # decided before anything grows with the number written
            raise package.PackageRefused(
                f"Gói số {number} từ đơn vị {sender} cách gói đã nhận gần nhất (số {last}) quá {bound} gói: số gói "
                "không hợp lệ, không nhập; hãy liên hệ đơn vị gửi.")
        return "gap", [n for n in range(last + 1, number) if n not in held]
    if number > 1:
        previous = session.scalars(select(SyncInbox).where(
            SyncInbox.peer_code == sender, SyncInbox.sequence == number - 1, SyncInbox.status.in_(CHAINED),
            SyncInbox.kind != RECEIPT)).first()
        if previous is not None and manifest.get("previous") != previous.manifest_hash:
            raise fork
    return "next", []


def _planner(session: Session, sender: str) -> Planner:
    peer = peer_or_refuse(session, sender)
    return Planner(session, sender, sender_side(peer, _home(session).level))


def preview(database, keyring: Keyring, data: bytes, *, limit: int | None = LIST_LIMIT) -> ImportResult:
    """The dry run: every check, then what would happen to each record. Writes nothing. A streamed
    package keeps ``limit`` records per table for the listing (``None``: all) and counts the rest."""
    with database.read() as session:
        opened = open_package(session, keyring, data)
        manifest = opened.manifest
        state, missing = _sequence_state(session, opened)
        if state != "next":
            return _not_applied(state, manifest, missing)
        if manifest["kind"] == RECEIPT:
            return ImportResult("dry_run", "Đây là biên nhận cho một gói đã gửi.", manifest,
                                receipt_summary=_receipt_summary(opened.body))
        streamed = isinstance(opened.body, RecordStream) and not database.readonly
        if not streamed:
            records = opened.body.records() if isinstance(opened.body, RecordStream) else opened.body
            plans = _planner(session, manifest["sender"]).plan(records)
            outside = _outside_scope(session, manifest["sender"], plans)
        session.rollback()
    summary = Summary(limit, receipt=False) if streamed else None
    if streamed:  # the apply's own steps in a transaction that is rolled back: bounded memory at any size
        outside = stream.dry_run(database, opened, _planner, Writer, summary)
        plans = summary.sample
    if outside:
        return _refusal(manifest, outside, preview=True)
    return ImportResult("dry_run", "Xem trước: chưa ghi gì vào cơ sở dữ liệu.", manifest, plans, summary=summary)


def _outside_scope(session: Session, sender: str, plans: list[RecordPlan]) -> list[RecordPlan]:
    """The records of a package that reach outside what its sender may touch (scope.py, up or
    down); a package from anyone that would make the tree of units a loop is refused outright."""
    from handbook_desktop.services.sync.scope import outside_scope, scope_for, unit_loop

    loop = unit_loop(session, plans)
    if loop:
        raise package.PackageRefused(loop)
    return outside_scope(scope_for(session, sender), plans)


def _refusal(manifest: dict, outside: list[RecordPlan], *, preview: bool = False) -> ImportResult:
    sender, number = manifest["sender"], manifest["sequence"]
    message = (f"Gói số {number} từ đơn vị {sender} bị từ chối toàn bộ: {len(outside)} bản ghi ngoài phạm vi của "
               f"đơn vị gửi (xem danh sách); không ghi gì vào cơ sở dữ liệu.")
    if not preview:
        message += " Biên nhận gửi lại đơn vị gửi nêu từng bản ghi bị từ chối."
    return ImportResult("refused", message, manifest, outside)


def _not_applied(state: str, manifest: dict, missing: list[int]) -> ImportResult:
    sender, number = manifest["sender"], manifest["sequence"]
    if state == "already":
        return ImportResult("already", f"Gói số {number} từ đơn vị {sender} đã được nhập trước đây; không thay đổi gì.",
                            manifest)
    if state == "refused-already":
        return ImportResult("refused", f"Gói số {number} từ đơn vị {sender} đã bị từ chối trước đây (ngoài phạm vi của "
                            "đơn vị gửi); không thay đổi gì.", manifest)
    if state == "held-already":
        return ImportResult("held", f"Gói số {number} từ đơn vị {sender} đã nhận và đang chờ các gói trước nó.",
                            manifest)
    numbers = ", ".join(str(n) for n in missing)
    return ImportResult("held", f"Gói số {number} từ đơn vị {sender} được giữ lại vì còn thiếu gói số {numbers}; "
                        "gói sẽ được nhập khi nhận đủ các gói còn thiếu.", manifest, missing=missing)


def backup_before_import(database) -> Path | None:
    if database.file is None:
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = paths.backups_dir() / f"{database.file.stem}-truoc-nhap-goi-{stamp}.sqlite3"
    snapshot(database.file, target)
    return target


def import_package(database, actor, keyring: Keyring, data: bytes, *, backup: bool = True) -> ProgressGen:
    """Check, back up, apply in one transaction, release held packages that can now follow, make receipts."""
    actor.require("write")
    with database.read() as session:
        opened = open_package(session, keyring, data)
        state, missing = _sequence_state(session, opened)
    manifest = opened.manifest
    if state in ("already", "held-already", "refused-already"):
        return _not_applied(state, manifest, missing)
    if state == "gap":
        with database.immediate() as session:
            _sequence_state(session, opened)
            session.add(_inbox_row(opened, "held", actor.username, data=data))
            audit(session, actor, "sync_hold", entity="sync_inbox", entity_uuid=manifest["package_id"],
                  detail={"from": manifest["sender"], "sequence": manifest["sequence"], "missing": missing})
        return _not_applied("gap", manifest, missing)
    saved = backup_before_import(database) if backup else None
    yield Progress(0, 1, "Đã sao lưu trước khi nhập")
    result = yield from _apply(database, actor, keyring, opened, data)
    result.backup = saved
    while manifest["kind"] != RECEIPT:
        with database.read() as session:
            following = session.scalars(select(SyncInbox).where(
                SyncInbox.peer_code == manifest["sender"], SyncInbox.status == "held",
                SyncInbox.sequence == last_applied(session, manifest["sender"]) + 1)).first()
            if following is None:
                break
            held_data = session.scalars(select(SyncInbox.data).where(SyncInbox.id == following.id)).one()
            held = open_package(session, keyring, held_data)
        released = yield from _apply(database, actor, keyring, held, held_data)
        result.released.append(held.manifest["sequence"])
        result.receipts.extend(released.receipts)
    if result.released:
        result.message += " Đã nhập tiếp các gói được giữ: " + ", ".join(map(str, result.released)) + "."
    return result


def _inbox_row(opened: Opened, status: str, username: str, *, data: bytes | None = None) -> SyncInbox:
    manifest = opened.manifest
    return SyncInbox(package_id=manifest["package_id"], peer_code=manifest["sender"], kind=manifest["kind"],
                     sequence=manifest["sequence"], manifest_hash=opened.raw.manifest_hash, status=status,
                     counts_json=json.dumps(manifest["counts"]), data=data, received_by=username)


def _apply(database, actor, keyring: Keyring, opened: Opened, data: bytes) -> ProgressGen:
    manifest = opened.manifest
    with database.immediate() as session:
        session.info["keep_versions"] = True
        state, missing = _sequence_state(session, opened, releasing=True)  # again, under the write lock
        if state != "next":
            return _not_applied(state, manifest, missing)
        held = session.scalars(select(SyncInbox).where(SyncInbox.package_id == manifest["package_id"])).first()
        if manifest["kind"] == RECEIPT:
            summary = _take_receipt(session, manifest["sender"], opened.body)
            session.add(_inbox_row(opened, "applied", actor.username))
            audit(session, actor, "sync_receipt", entity="sync_outbox", entity_uuid=opened.body["acknowledges"],
                  detail=summary["totals"])
            return ImportResult("receipt", _receipt_message(summary), manifest, receipt_summary=summary)
        planner = _planner(session, manifest["sender"])
        summary = None
        if isinstance(opened.body, RecordStream):  # a run at a time (stream.py); kept: totals and a sample
            summary = Summary(LIST_LIMIT)
            outside = yield from stream.apply(session, opened.body, planner, Writer(planner, manifest["package_id"]),
                                              summary, manifest["sender"],
                                              lambda plans: _audit_arrived_rules(session, actor, plans, manifest))
            if outside:
                held = session.scalars(select(SyncInbox).where(SyncInbox.package_id == manifest["package_id"])).first()
                return _refuse_whole(session, actor, keyring, opened, held, summary.kept, outside)
            plans = summary.sample
            results = ({"t": k.table, "u": k.uuid, "v": k.version, "o": k.outcome, "r": k.reason}
                       for k in summary.kept)
            counts = summary.totals
        else:
            plans = planner.plan(opened.body)
            outside = _outside_scope(session, manifest["sender"], plans)
            if outside:
                return _refuse_whole(session, actor, keyring, opened, held, plans, outside)
            total = len(plans)
            writer = Writer(planner, manifest["package_id"])
            for done in writer.apply(plans):
                yield Progress(done, total, "Đang ghi dữ liệu")
            results = [{"t": p.table, "u": p.uuid, "v": p.version, "o": p.outcome, "r": p.reason} for p in plans]
            _audit_arrived_rules(session, actor, plans, manifest)
            counts = totals(plans)
        if held is not None:
            held.status, held.data, held.applied_at = "applied", None, utcnow()
            held.result_json = json.dumps(counts)
        else:
            row = _inbox_row(opened, "applied", actor.username)
            row.applied_at, row.result_json = utcnow(), json.dumps(counts)
            session.add(row)
        peer = peer_or_refuse(session, manifest["sender"])
        receipt = make_receipt(session, keyring, peer, manifest, results, actor.username)
        audit(session, actor, "sync_import", entity="sync_inbox", entity_uuid=manifest["package_id"],
              detail={"from": manifest["sender"], "sequence": manifest["sequence"], **counts})
    message = (f"Đã nhập gói số {manifest['sequence']} từ đơn vị {manifest['sender']}: {counts['new']} mới, "
               f"{counts['changed']} thay đổi, {counts['unchanged']} không đổi, {counts['deleted']} xóa, "
               f"{counts['conflict']} xung đột, {counts['rejected']} từ chối.")
    return ImportResult("applied", message, manifest, plans, receipts=[receipt], summary=summary)


AUDITED_ON_ARRIVAL = ("rule", "calendar_day")  # what the committee writes for every branch (issue 15 §6)
_ARRIVAL_ACTIONS = {"new": "create", "changed": "update", "deleted": "delete"}
_NOT_SHOWN = {"updated_at", "origin_unit", "version", "deleted_at"}


def _audit_arrived_rules(session: Session, actor, plans, manifest: dict) -> None:
    """One audit line per rule version or calendar day a package brought, naming the sender: a branch
    sees in its Nhật ký when and from whom a rule it computes with changed."""
    for plan in plans:
        action = _ARRIVAL_ACTIONS.get(plan.outcome)
        if plan.table not in AUDITED_ON_ARRIVAL or action is None:
            continue
        if plan.outcome == "new":
            changes = {name: (None, value) for name, value in (plan.merged or plan.theirs or {}).items()
                       if name not in _NOT_SHOWN and value is not None}
        else:
            changes = {name: (old, new) for name, old, new in plan.changes if name not in _NOT_SHOWN}
        audit(session, actor, action, entity=plan.table, entity_uuid=plan.uuid, changes=changes or None,
              detail={"from": manifest["sender"], "sequence": manifest["sequence"], "code": plan.label or None})


def _refuse_whole(session: Session, actor, keyring: Keyring, opened: Opened, held, plans, outside) -> ImportResult:
    """Nothing of the package is written; its number is used up (so the sender's next one is not
    held for ever), and the receipt names each record refused, so the sender sends its own again."""
    manifest = opened.manifest
    reasons = {(plan.table, plan.uuid): plan.reason for plan in outside}
    whole = "Gói bị từ chối toàn bộ vì có bản ghi ngoài phạm vi của đơn vị gửi; bản ghi này chưa được nhận."
    results = [{"t": p.table, "u": p.uuid, "v": p.version, "o": "rejected", "r": reasons.get((p.table, p.uuid), whole)}
               for p in plans]
    counts = {"refused": len(outside), "total": len(plans)}
    if held is not None:
        held.status, held.data, held.applied_at, held.result_json = "refused", None, utcnow(), json.dumps(counts)
    else:
        row = _inbox_row(opened, "refused", actor.username)
        row.applied_at, row.result_json = utcnow(), json.dumps(counts)
        session.add(row)
    peer = peer_or_refuse(session, manifest["sender"])
    receipt = make_receipt(session, keyring, peer, manifest, results, actor.username)
    audit(session, actor, "sync_refused", entity="sync_inbox", entity_uuid=manifest["package_id"],
          detail={"from": manifest["sender"], "sequence": manifest["sequence"],
                  "rows": [plan.reason for plan in outside[:50]]})
    result = _refusal(manifest, outside)
    result.receipts = [receipt]
    return result


def _receipt_summary(body: dict) -> dict:
    counts = {outcome: 0 for outcome in ("new", "changed", "unchanged", "deleted", "conflict", "rejected")}
    rejected = []
    for item in body["records"]:
        outcome = item.get("o")
        if outcome in counts:
            counts[outcome] += 1
        if outcome == "rejected":
            rejected.append({"table": item.get("t"), "uuid": item.get("u"), "reason": item.get("r")})
    return {"acknowledges": body.get("acknowledges"), "sequence": body.get("sequence"), "totals": counts,
            "rejected": rejected}


def _receipt_message(summary: dict) -> str:
    counts = summary["totals"]
    accepted = sum(counts[name] for name in ACCEPTED)
    text = f"Biên nhận gói số {summary['sequence']}: đơn vị nhận đã nhận {accepted} bản ghi"
    if counts["rejected"]:
        return text + f", từ chối {counts['rejected']} bản ghi (xem lý do trong danh sách gói đã gửi)."
    return text + ", không từ chối bản ghi nào."


def _take_receipt(session: Session, sender: str, body: dict) -> dict:
    outbox = session.scalars(select(SyncOutbox).where(SyncOutbox.package_id == body.get("acknowledges"),
                                                      SyncOutbox.peer_code == sender)).first()
    if outbox is None:
        raise package.PackageRefused("Biên nhận này không ứng với gói nào đã gửi cho đơn vị đó; không nhập.")
    summary = _receipt_summary(body)
    outbox.acknowledged_at = utcnow()
    outbox.result_json = json.dumps(summary, ensure_ascii=False)
    versions = {item.get("u"): item.get("v") for item in body["records"] if item.get("o") in ACCEPTED}
    uuids = list(versions)
    for start in range(0, len(uuids), 500):
        for state in session.scalars(select(SyncRow).where(SyncRow.peer_code == sender,
                                                           SyncRow.row_uuid.in_(uuids[start:start + 500]))):
            if state.sent_version is not None and state.sent_version == versions[state.row_uuid]:
                state.version, state.data_json = state.sent_version, state.sent_json
    return summary


def manifest_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
