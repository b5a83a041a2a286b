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
from typing import Iterator

from handbook_desktop.services.sync import package
from handbook_desktop.services.sync.capture import _chunks

BATCH = 2000


class Scratch:
    """What grows with the package, kept out of memory (issue 18 §2): a private SQLite file of
    SQLite's own making (deleted when closed), with a small page cache. Its pages reach the disk
    (the temporary folder) once the cache is full, and ``Before`` keeps rows' fields there — a
    member's name, CCCD — so where SQLCipher is installed the file is encrypted under a key made
    for it and held only in memory: nothing of the records lies in clear in the temporary folder
    of a machine whose database is encrypted."""

    def __init__(self):
        from handbook_desktop.store import datakey

        self.connection, self.folder = datakey.scratch_connection()
        self.connection.execute("PRAGMA cache_size=-4096")
        self.connection.execute("PRAGMA journal_mode=OFF")
        self.connection.execute("PRAGMA synchronous=OFF")

    def execute(self, sql: str, parameters=()):
        return self.connection.execute(sql, parameters)

    def executemany(self, sql: str, rows) -> None:
        self.connection.executemany(sql, rows)

    def close(self) -> None:
        self.connection.close()
        if self.folder is not None:
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 (closing at exit: nothing to tell anyone)
            pass


class IncomingKeys:
    """Which uuids of each table this package brings (the planner's "coming in this package"),
    asked a run at a time: ``having(table, uuids)`` is the subset the package holds."""

    def __init__(self):
        self.scratch = Scratch()
        self.scratch.execute("CREATE TABLE incoming (t TEXT NOT NULL, u TEXT NOT NULL)")
        self._pending: list[tuple[str, str]] = []
        self.duplicates: set[tuple[str, str]] = set()

    def add(self, table: str, uuid: str) -> None:
        self._pending.append((table, uuid))
        if len(self._pending) >= 10000:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.scratch.executemany("INSERT INTO incoming VALUES (?, ?)", self._pending)
            self._pending = []

    def finish(self) -> None:
        """After the first pass: indexed, and the uuids that come twice in one table found."""
        self._flush()
        self.scratch.execute("CREATE INDEX ix_incoming ON incoming (t, u)")
        self.duplicates = {tuple(row) for row in self.scratch.execute(
            "SELECT t, u FROM incoming GROUP BY t, u HAVING COUNT(*) > 1")}

    def having(self, table: str, uuids) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(sorted({uuid for uuid in uuids if isinstance(uuid, str)}), 900):
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self.scratch.execute(
                f"SELECT DISTINCT u FROM incoming WHERE t = ? AND u IN ({marks})", (table, *chunk)))
        return found


class Before:
    """Going down, whose a row was decides (scope.owner_before); once a run is written the
    database shows it as it is after. This keeps, for every row the package's earlier runs wrote,
    its fields as they were (None: new in this package), in the scratch file."""

    def __init__(self):
        self.scratch = Scratch()
        self.scratch.execute("CREATE TABLE before (t TEXT NOT NULL, u TEXT NOT NULL, f TEXT, PRIMARY KEY (t, u))")

    def remember(self, scope, plans: list) -> None:
        rows = []
        for plan in plans:
            if plan.outcome != "rejected" or (plan.local_id is not None and plan.bumped):  # as Writer.apply
                local = None if plan.local_id is None else scope.plan_local(plan)
                rows.append((plan.table, plan.uuid, None if local is None else json.dumps(local, default=str)))
        self.scratch.executemany("INSERT OR IGNORE INTO before VALUES (?, ?, ?)", rows)

    def get(self, table: str, uuid: str) -> tuple[bool, dict | None]:
        row = self.scratch.execute("SELECT f FROM before WHERE t = ? AND u = ?", (table, uuid)).fetchone()
        if row is None:
            return False, None
        return True, None if row[0] is None else json.loads(row[0])


class RecordStream:
    def __init__(self, raw: package.RawPackage, keyring):
        self.raw = raw
        self.keyring = keyring
        self.counts: dict[str, int] = {}
        self.incoming = IncomingKeys()
        self.ordered = True

    @property
    def duplicates(self) -> set[str]:
        """Uuids twice in one table of the package (only the first may go through)."""
        return {uuid for _table, uuid in self.incoming.duplicates}

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
                self.incoming.add(name, record["u"])
            if name != current:
                if name in started or any(name in points_at.get(other, ()) for other in started):
                    self.ordered = False  # a table in two runs, or after a table pointing at it: read whole
                started.add(name)
                current = name
        self.incoming.finish()

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


class KeptRecords:
    """The receipt's line for every record, in order, read back from the scratch file."""

    def __init__(self, scratch: Scratch | None, count: int):
        self.scratch, self.count = scratch, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Kept]:
        if self.scratch is None:
            return
        cursor = self.scratch.execute("SELECT t, u, v, o, r FROM kept ORDER BY rowid")
        while True:
            rows = cursor.fetchmany(2000)
            if not rows:
                return
            for row in rows:
                yield Kept(*row)


@dataclass
class Summary:
    limit: int | None
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    sample: list = field(default_factory=list)
    receipt: bool = True  # keep a line per record for the receipt (not in a dry run)
    _listed: dict[str, list[int]] = field(default_factory=dict)
    _scratch: Scratch | None = None
    _count: int = 0

    def add(self, plans: list) -> None:
        for plan in plans:
            counts = self.tables.setdefault(plan.table, {})
            counts[plan.outcome] = counts.get(plan.outcome, 0) + 1
            listed = self._listed.setdefault(plan.table, [0, 0])
            quiet = plan.outcome == "unchanged"
            if self.limit is None or listed[quiet] < self.limit:
                listed[quiet] += 1
                plan.merged = plan.theirs = plan.values = None  # the preview shows labels, changes and reasons only
                self.sample.append(plan)
        self._count += len(plans)
        if not self.receipt:
            return
        if self._scratch is None:
            self._scratch = Scratch()
            self._scratch.execute("CREATE TABLE kept (t TEXT, u TEXT, v INTEGER, o TEXT, r TEXT)")
        self._scratch.executemany("INSERT INTO kept VALUES (?, ?, ?, ?, ?)",
                                  [(p.table, p.uuid, p.version, p.outcome, p.reason) for p in plans])

    @property
    def kept(self) -> KeptRecords:
        """One small line per record (table, uuid, version, outcome, reason) for the receipt."""
        return KeptRecords(self._scratch, self._count)

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
        self.keys = stream.incoming
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
        wanted: dict[str, set] = {}  # "coming in this package", asked for the uuids this run points at
        for column, target in planner.tables[name].fks.items():
            wanted.setdefault(target, set()).update(  # a value of another type is refused by the planner
                r["f"][column] for r in good if isinstance(r["f"].get(column), str))
        planner.incoming = {target: self.keys.having(target, uuids) for target, uuids in wanted.items()}
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
    from handbook_desktop.services.sync.scope import DOWN, outside_scope, scope_for, unit_loop

    runs = RunPlanner(planner, stream)
    scope = scope_for(session, sender)
    if scope is not None and scope.direction == DOWN:
        scope.before = Before()
    outside: list = []
    total, done = sum(stream.counts.values()), 0
    for batch in stream.batches():
        plans = runs.plan(batch)
        loop = unit_loop(session, plans)
        if loop:
            raise package.PackageRefused(loop)
        if not outside:
            outside.extend(outside_scope(scope, plans))  # from above: another unit's records refused one by one
        else:
            outside.extend(violation.plan() for violation in scope.check(plans))  # only named now
        if not outside:
            if scope is not None and scope.before is not None:
                scope.before.remember(scope, plans)
                planner.refused.update(plan.uuid for plan in plans  # what later runs point at is not written
                                       if plan.outcome == "rejected" and plan.local_id is None)
            for _ in writer.apply(plans):
                pass
            if written is not None:
                written(plans)  # the caller's per-record work on what was written (rules' audit lines)
        _forget(scope, planner, not outside)
        summary.add(plans)
        done += len(batch)
        yield done, total
    return outside


def _forget(scope, planner, written: bool) -> None:
    """After a run: what the planner and the scope keep of its rows is let go, so nothing grows
    with the package; the database answers the next run (the uuids "coming in this package" are
    in the scratch file). The units stay: few, and every run asks for them. In a package already
    refused (runs no longer written) the scope keeps the incoming rows, to name every record
    outside."""
    for name in [name for name in planner.__dict__ if name.startswith("_uuid_") and name != "_uuid_unit"]:
        del planner.__dict__[name]  # uuid → id, read again from the database by the next run that points at it
    planner.__dict__.pop("_claimed", None)  # unique keys of this package: written, the database answers
    planner.__dict__.pop("_known_keys", None)
    planner.maps.forget()
    if scope is not None:
        scope.maps.forget()
        for cache in (scope.incoming, scope._local) if written else ():
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
