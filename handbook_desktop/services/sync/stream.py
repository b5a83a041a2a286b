"""A package's records read a batch at a time (issue 18 §2): a committee's whole register, or a
city's, never sits in memory as records or plans.

``RecordStream.scan`` is the first pass, made by ``open_package`` before anything else happens: it
decrypts and inflates the payload piece by piece (the GCM tag is checked at its end), parses every
line, checks the counts against the signed manifest and keeps only each table's uuids (the
planner's "coming in this package") and whether the tables come in the planner's order, as this
program writes them. ``batches`` is the second pass: the same bytes again, as runs of one table.
A package in any other order is read whole, as before (``records``).

``Summary`` keeps what the result needs of each batch's plans: totals per table and outcome, the
first records of each table for the preview, and one small tuple per record for the receipt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from handbook_desktop.services.sync import package

BATCH = 2000


class RecordStream:
    def __init__(self, raw: package.RawPackage, keyring):
        self.raw = raw
        self.keyring = keyring
        self.counts: dict[str, int] = {}
        self.incoming: dict[str, set[str]] = {}
        self.duplicates: set[str] = set()  # a uuid twice in the package (only the first may go through)
        self.ordered = True

    def _lines(self) -> Iterator[bytes]:
        rest = b""
        for piece in package.iter_plain(self.raw, self.keyring):
            lines = (rest + piece).split(b"\n")
            rest = lines.pop()
            for line in lines:
                if line:
                    yield line
        if rest:
            yield rest

    def _records(self) -> Iterator:
        bad = package.PackageRefused("Nội dung gói không đúng định dạng; không nhập.")
        for line in self._lines():
            try:
                record = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise bad from None
            if not isinstance(record, dict):
                raise bad
            yield record

    def scan(self, tables: dict) -> None:
        """The first pass: every check of the content, nothing kept but uuids and counts. The runs
        are "ordered" when each table's records come in one run, after the runs of the tables they
        point at (ours: units first, then in foreign-key order)."""
        points_at = {name: {target for target in item.fks.values() if target != name} for name, item in tables.items()}
        started: set[str] = set()
        current = None
        for record in self._records():
            name = str(record.get("t"))
            self.counts[name] = self.counts.get(name, 0) + 1
            if isinstance(record.get("u"), str):
                uuids = self.incoming.setdefault(name, set())
                if record["u"] in uuids:
                    self.duplicates.add(record["u"])
                uuids.add(record["u"])
            if name != current:
                if name in started or any(name in points_at.get(other, ()) for other in started):
                    self.ordered = False  # a table in two runs, or after a table pointing at it: read whole
                started.add(name)
                current = name

    def records(self) -> list:
        """Every record at once (a package in another order than ours)."""
        return list(self._records())

    def __iter__(self):
        return self._records()  # each pass decrypts again: a caller may read it as often as it needs

    def batches(self, size: int | None = None) -> Iterator[list]:
        """Runs of one table, at most ``size`` records (units all together: a loop is found in one run)."""
        size = size or BATCH
        batch: list = []
        for record in self._records():
            if batch and (record.get("t") != batch[0].get("t") or (len(batch) >= size and record.get("t") != "unit")):
                yield batch
                batch = []
            batch.append(record)
        if batch:
            yield batch


@dataclass(slots=True)
class Kept:
    """What a receipt or a refusal needs of a record whose plan is gone."""
    table: str
    uuid: str
    version: int
    outcome: str
    reason: str | None


@dataclass
class Summary:
    limit: int | None
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    sample: list = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    _listed: dict[str, list[int]] = field(default_factory=dict)

    def add(self, plans: list) -> None:
        for plan in plans:
            counts = self.tables.setdefault(plan.table, {})
            counts[plan.outcome] = counts.get(plan.outcome, 0) + 1
            listed = self._listed.setdefault(plan.table, [0, 0])
            quiet = plan.outcome == "unchanged"
            if self.limit is None or listed[quiet] < self.limit:
                listed[quiet] += 1
                plan.merged = plan.theirs = None  # the preview shows labels, changes and reasons only
                self.sample.append(plan)
            self.kept.append(Kept(plan.table, plan.uuid, plan.version, plan.outcome, plan.reason))

    @property
    def totals(self) -> dict[str, int]:
        from handbook_desktop.services.sync.records import OUTCOMES

        counts = {outcome: 0 for outcome in OUTCOMES}
        for table in self.tables.values():
            for outcome, count in table.items():
                counts[outcome] += count
        counts["total"] = sum(count for table in self.tables.values() for count in table.values())
        return counts


class RunPlanner:
    """The merge's Planner over runs of one table (stream.batches): the same answers as
    ``Planner.plan`` over the whole package when the runs come in table order — rows of earlier
    runs are written (or, in the dry run, written and rolled back) or known to be coming."""

    def __init__(self, planner, stream: RecordStream):
        self.planner = planner
        planner.incoming = {name: uuids for name, uuids in stream.incoming.items() if name in planner.tables}
        self.twice, self.twice_seen = stream.duplicates, set()

    def plan(self, records: list) -> list:
        from handbook_desktop.services.sync.merge import RecordPlan
        from handbook_desktop.services.sync.records import _shape_problem

        planner = self.planner
        plans, good = [], []
        for record in records:
            problem = _shape_problem(record)
            if problem is None and record["u"] in self.twice:
                if record["u"] in self.twice_seen:
                    problem = "Bản ghi lặp lại trong cùng một gói."
                self.twice_seen.add(record["u"])
            if problem is not None:
                plans.append(RecordPlan(str(record.get("t"))[:60], str(record.get("u"))[:36], 0, "rejected",
                                        reason=problem))
                continue
            good.append(record)
        if not good:
            return plans
        name = good[0]["t"]
        if name not in planner.tables:
            return plans + [RecordPlan(str(name), str(r.get("u")), 0, "rejected",
                                       reason="Loại dữ liệu không có ở phiên bản chương trình này.") for r in good]
        planner.member_names = {r["u"]: r["f"]["full_name"] for r in good
                                if name == "member" and isinstance(r["f"].get("full_name"), str)}
        planner._local_member_names(good)
        return plans + planner._plan_table(planner.tables[name], good)


def run(session, stream: RecordStream, planner, writer, summary: Summary, sender: str, written=None):
    """Plan, check and write the package a run at a time inside the caller's transaction (a
    generator of ``(done, total)``). Returns the records outside the sender's scope: once there is
    one nothing more is written, the rest is only checked (to name them all), and the caller rolls
    the transaction back and refuses the package whole. A loop in the unit tree refuses at once.
    ``written(plans)`` is called after each run is written, before its plans are let go."""
    from handbook_desktop.services.sync.scope import branch_scope, unit_loop
    from handbook_desktop.services.sync.scope_down import parent_scope

    runs = RunPlanner(planner, stream)
    scope = branch_scope(session, sender) or parent_scope(session, sender)  # as importer._outside_scope
    outside: list = []
    total, done = sum(stream.counts.values()), 0
    for batch in stream.batches():
        plans = runs.plan(batch)
        loop = unit_loop(session, plans)
        if loop:
            raise package.PackageRefused(loop)
        if scope is not None:
            found = [violation.plan() for violation in scope.check(plans)]
            outside.extend(found)
            if not outside:  # from above: another unit's records are not kept here, each refused on its own
                reasons = {(item.table, item.uuid): item.reason for item in getattr(scope, "not_entitled", [])}
                for plan in plans:
                    reason = reasons.get((plan.table, plan.uuid))
                    if reason:
                        plan.outcome, plan.reason, plan.merged, plan.bumped = "rejected", reason, None, False
                        plan.changes, plan.conflicts = [], []
        if not outside:
            for _ in writer.apply(plans):
                pass
            if written is not None:
                written(plans)  # the caller's per-record work on what was written (rules' audit lines)
            _forget(scope, planner, plans)
        summary.add(plans)
        done += len(batch)
        yield done, total
    return outside


def _forget(scope, planner, plans: list) -> None:
    """After a run is written the database holds it: the scope's copies of the incoming rows and of
    ours are dropped (they would grow with the package) but for the units, and the id → uuid maps
    learn the new rows, so a later run finds them as our rows."""
    for plan in plans:
        if plan.local_id is None and plan.merged is not None and plan.outcome != "rejected":
            row_id = planner.uuid_index(plan.table).get(plan.uuid)
            for maps in (planner.maps, getattr(scope, "maps", {})):
                if row_id is not None and plan.table in maps:
                    maps[plan.table][row_id] = plan.uuid
    if scope is not None:  # units stay: few, and the scope reads new ones from there (not from the database)
        for cache in (scope.incoming, scope._local):
            for key in [key for key in cache if key[0] != "unit"]:
                del cache[key]


class RolledBack(Exception):
    """Leaves a transaction without committing it (the dry run; a package refused whole)."""

    def __init__(self, outside):
        super().__init__("rolled back")
        self.outside = outside


def finish(work):
    """Runs a generator to its end and gives its return value."""
    try:
        while True:
            next(work)
    except StopIteration as stop:
        return stop.value


def progress(work):
    from handbook_desktop.services.progress import Progress

    try:
        while True:
            done, total = next(work)
            yield Progress(done, total, "Đang ghi dữ liệu")
    except StopIteration as stop:
        return stop.value


def dry_run(database, opened, make_planner, make_writer, summary: Summary) -> list:
    """The dry run of a streamed package: ``run`` in a write transaction that is always rolled back
    (what the apply would do, with memory bounded as the apply's). Returns the records outside scope."""
    manifest = opened.manifest
    try:
        with database.immediate() as session:
            session.info["keep_versions"] = True
            planner = make_planner(session, manifest["sender"])
            work = run(session, opened.body, planner, make_writer(planner, manifest["package_id"]), summary,
                       manifest["sender"])
            raise RolledBack(finish(work))
    except RolledBack as back:
        return back.outside


def apply(session, records: RecordStream, planner, writer, summary: Summary, sender: str, written=None):
    """``run`` inside a savepoint of the import's transaction (a generator of Progress). Returns the
    records outside the sender's scope, after rolling back every run written; [] when all is in."""
    try:
        with session.begin_nested():
            outside = yield from progress(run(session, records, planner, writer, summary, sender, written))
            if outside:
                raise RolledBack(outside)
    except RolledBack as back:
        session.expunge_all()  # what the rolled-back runs added is gone; the caller reads again
        return back.outside
    return []


def public_tables(plans: list, summary: Summary | None, limit: int | None, reveal: bool) -> list[dict]:
    """Per table: how many records, totals per outcome, and up to ``limit`` records (``None``: all),
    those that change something first; with a ``summary`` the counts are of the whole package."""
    from handbook_desktop.services.sync.tables import TABLE_LABELS

    tables: dict[str, dict] = {}

    def entry(name: str) -> dict:
        return tables.setdefault(name, {"table": name, "label": TABLE_LABELS.get(name, name), "count": 0,
                                        "totals": {}, "records": [], "_quiet": []})

    for plan in plans:
        item = entry(plan.table)
        item["count"] += 1
        item["totals"][plan.outcome] = item["totals"].get(plan.outcome, 0) + 1
        listed = item["records"] if plan.outcome != "unchanged" else item["_quiet"]
        if limit is None or len(listed) < limit:
            listed.append(plan)
    if summary is not None:  # every record counted, the sample listed
        for name, counts in summary.tables.items():
            item = entry(name)
            item["count"], item["totals"] = sum(counts.values()), dict(counts)
    for item in tables.values():
        chosen = item["records"] + item.pop("_quiet")
        if limit is not None:
            chosen = chosen[:limit]
        item["records"] = [plan.public(reveal=reveal) for plan in chosen]
        item["left_off"] = item["count"] - len(item["records"])
    return list(tables.values())
